package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo"
)

// countingWriter counts the bytes written to it and keeps the last few.
type countingWriter struct {
	n    int64
	tail []byte
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	c.tail = append(c.tail, p...)
	if len(c.tail) > 16<<20 {
		c.tail = append(c.tail[:0], c.tail[len(c.tail)-8<<20:]...)
	}
	return len(p), nil
}

// runProcessOut runs kosmo with args in a process of its own (as
// runProcess does) and counts its standard output instead of holding it.
func runProcessOut(t *testing.T, args ...string) (code int, out *countingWriter, stderr string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestKosmoProcess$", "-test.count=1")
	data, err := json.Marshal(args)
	require.NoError(t, err)
	cmd.Env = []string{processArgsEnv + "=" + string(data), "HOME=" + t.TempDir()}
	out = &countingWriter{}
	var errb strings.Builder
	cmd.Stdout, cmd.Stderr = out, &errb
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil {
		require.ErrorAs(t, err, &exit)
		code = exit.ExitCode()
	}
	return code, out, errb.String()
}

// TestPrintedOutputIsNotHeld: a script that prints far more than its memory
// limit, holding nothing itself, runs to completion; with --json the
// envelope keeps the last DefaultKeepOutput bytes after a line saying how
// much was left out.
func TestPrintedOutputIsNotHeld(t *testing.T) {
	const lines = 160 * 1024 // 160 MiB of 1 KiB lines, under a 64 MiB limit
	script := `local line = string.rep("x", 1023) for i = 1, ` + "160 * 1024" + ` do print(line) end print("last")`
	t.Run("printed", func(t *testing.T) {
		code, out, stderr := runProcessOut(t, "run", "--fake", "--max-memory", "64MiB", "-e", script)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, int64(lines*1024+5), out.n)
		assert.True(t, strings.HasSuffix(string(out.tail), "x\nlast\n"))
	})
	t.Run("json", func(t *testing.T) {
		code, out, stderr := runProcessOut(t, "run", "--fake", "--json", "--max-memory", "64MiB", "-e", script)
		require.Equal(t, 0, code, stderr)
		var env struct {
			OK     bool   `json:"ok"`
			Output string `json:"output"`
		}
		require.NoError(t, json.Unmarshal(out.tail, &env))
		assert.True(t, env.OK)
		head, rest, _ := strings.Cut(env.Output, "\n")
		assert.Equal(t, fmt.Sprintf("[… %d bytes of output left out; the last %d bytes follow …]", lines*1024+5-kosmo.DefaultKeepOutput, kosmo.DefaultKeepOutput), head)
		assert.Len(t, rest, kosmo.DefaultKeepOutput)
		assert.True(t, strings.HasSuffix(rest, "x\nlast\n"))
	})
}
