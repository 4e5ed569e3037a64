package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signalProcessEnv carries the arguments of a kosmo process that
// TestKosmoSignalProcess runs as main does: signals end its context.
const signalProcessEnv = "KOSMO_TEST_SIGNAL_PROCESS_ARGS"

// TestKosmoSignalProcess is kosmo as main runs it (interruptible: the
// first SIGINT or SIGTERM ends the context, a second one exits) when
// TestMCPServeSignalCancelsCalls starts this binary.
func TestKosmoSignalProcess(t *testing.T) {
	raw := os.Getenv(signalProcessEnv)
	if raw == "" {
		t.Skip("only run by TestMCPServeSignalCancelsCalls")
	}
	var args []string
	require.NoError(t, json.Unmarshal([]byte(raw), &args))
	ctx, stop := interruptible() // as main does
	code := Main(ctx, args, ProcessEnv())
	stop()
	os.Exit(code)
}

// TestMCPServeSignalCancelsCalls: SIGINT while a tool call is in flight (a
// script sleeping a minute) cancels it: the client gets its answer, an
// error saying it was interrupted, and kosmo exits at once with
// ExitInterrupted, as the README's table of exit codes says.
func TestMCPServeSignalCancelsCalls(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestKosmoSignalProcess$", "-test.count=1")
			data, err := json.Marshal([]string{"mcp", "serve", "--fake"})
			require.NoError(t, err)
			cmd.Env = []string{signalProcessEnv + "=" + string(data), "HOME=" + t.TempDir()}
			stdin, err := cmd.StdinPipe()
			require.NoError(t, err)
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			exited := make(chan error, 1)
			lines := make(chan string, 16)
			go func() {
				sc := bufio.NewScanner(stdout)
				sc.Buffer(make([]byte, 1<<20), 1<<24)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
				exited <- cmd.Wait()
			}()
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			_, err = io.WriteString(stdin, strings.Join([]string{
				`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
				`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
				`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"execute_lua","arguments":{"code":"print('started') sleep(60) return 1"}}}`,
			}, "\n")+"\n")
			require.NoError(t, err)
			select {
			case line := <-lines:
				require.Contains(t, line, `"id":0`)
			case <-time.After(30 * time.Second):
				t.Fatal("no answer to initialize")
			}
			time.Sleep(500 * time.Millisecond) // the call is sleeping
			start := time.Now()
			require.NoError(t, cmd.Process.Signal(sig))
			var answer string
			for line := range lines {
				if strings.Contains(line, `"id":1`) {
					answer = line
				}
			}
			select {
			case err = <-exited:
			case <-time.After(30 * time.Second):
				t.Fatal("kosmo did not exit after the signal")
			}
			assert.Less(t, time.Since(start), 30*time.Second, "not the minute of the script")
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit)
			assert.Equal(t, ExitInterrupted, exit.ExitCode(), stderr.String())
			assert.NotContains(t, stderr.String(), "interrupted again", "one signal, one stop")
			assert.Contains(t, answer, "script stopped:")
			assert.Contains(t, answer, `"isError":true`)
		})
	}
}

// TestServersStoppedBySignalExitInterrupted: kosmo fake and kosmo mcp
// serve --http, stopped by SIGINT or SIGTERM, shut down and exit with
// ExitInterrupted.
func TestServersStoppedBySignalExitInterrupted(t *testing.T) {
	tests := []struct {
		name   string
		signal syscall.Signal
		args   []string
		banner string
	}{
		{"fake, SIGTERM", syscall.SIGTERM, []string{"fake", "--addr", "127.0.0.1:0", "--quiet"}, "fake OpenAI API at"},
		{"fake, SIGINT", syscall.SIGINT, []string{"fake", "--addr", "127.0.0.1:0", "--quiet"}, "fake OpenAI API at"},
		{"mcp serve --http, SIGTERM", syscall.SIGTERM, []string{"mcp", "serve", "--fake", "--http", "127.0.0.1:0"}, "serving MCP at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestKosmoSignalProcess$", "-test.count=1")
			data, err := json.Marshal(tt.args)
			require.NoError(t, err)
			cmd.Env = []string{signalProcessEnv + "=" + string(data), "HOME=" + t.TempDir()}
			out := &fakeOutput{}
			cmd.Stdout, cmd.Stderr = out, out
			require.NoError(t, cmd.Start())
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			require.Eventually(t, func() bool { return strings.Contains(out.String(), tt.banner) },
				30*time.Second, 20*time.Millisecond, "the server did not start")
			require.NoError(t, cmd.Process.Signal(tt.signal))
			select {
			case err = <-exited:
			case <-time.After(30 * time.Second):
				t.Fatal("kosmo did not exit after the signal")
			}
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, out.String())
			assert.Equal(t, ExitInterrupted, exit.ExitCode(), out.String())
		})
	}
}
