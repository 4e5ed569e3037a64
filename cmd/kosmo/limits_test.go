package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
)

func TestByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		str  string
	}{
		{"0", 0, "0"},
		{"1024", 1024, "1KiB"},
		{"512MiB", 512 << 20, "512MiB"},
		{"512mb", 512 << 20, "512MiB"},
		{"2G", 2 << 30, "2GiB"},
		{"1.5GiB", 3 << 29, "1536MiB"},
		{"100 KiB", 100 << 10, "100KiB"},
		{"7b", 7, "7"},
	}
	for _, tt := range tests {
		var b byteSize
		require.NoError(t, b.Set(tt.in), tt.in)
		assert.Equal(t, tt.want, int64(b), tt.in)
		assert.Equal(t, tt.str, b.String(), tt.in)
	}
	for _, bad := range []string{"", "x", "-1MiB", "12XB", "1e30GiB"} {
		var b byteSize
		assert.Error(t, b.Set(bad), bad)
	}
}

func TestLimitFlagsFillOptions(t *testing.T) {
	work := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(work, "in"), 0o755))
	out := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "file.txt"), nil, 0o644))
	tests := []struct {
		name    string
		args    []string
		want    luabridge.Options
		wantErr string
	}{
		{"defaults", nil, luabridge.Options{Limits: luabridge.Limits{MaxMemory: DefaultMaxMemory, AbandonAfter: time.Second},
			Files: luabridge.FileGrants{Read: []string{}, Write: []string{}, WorkDir: work, WriteQuota: luabridge.DefaultWriteQuota}}, ""},
		{"grants", []string{"--max-memory=256MiB", "--allow-read=in", "--allow-read", out, "--allow-write=" + out},
			luabridge.Options{Limits: luabridge.Limits{MaxMemory: 256 << 20, AbandonAfter: time.Second},
				Files: luabridge.FileGrants{Read: []string{filepath.Join(work, "in"), out}, Write: []string{out}, WorkDir: work, WriteQuota: luabridge.DefaultWriteQuota}}, ""},
		{"no memory limit", []string{"--max-memory", "0"}, luabridge.Options{Limits: luabridge.Limits{AbandonAfter: time.Second},
			Files: luabridge.FileGrants{Read: []string{}, Write: []string{}, WorkDir: work, WriteQuota: luabridge.DefaultWriteQuota}}, ""},
		{"the floor", []string{"--max-memory=64MiB"}, luabridge.Options{Limits: luabridge.Limits{MaxMemory: MinMaxMemory, AbandonAfter: time.Second},
			Files: luabridge.FileGrants{Read: []string{}, Write: []string{}, WorkDir: work, WriteQuota: luabridge.DefaultWriteQuota}}, ""},
		{"ten bytes", []string{"--max-memory", "10"}, luabridge.Options{},
			"--max-memory 10 is below the floor of 64MiB: the limit counts all of kosmo's memory, and kosmo with one API answer needs tens of MiB (0 means no limit)"},
		{"just below the floor", []string{"--max-memory=63MiB"}, luabridge.Options{}, "--max-memory 63MiB is below the floor of 64MiB"},
		{"missing directory", []string{"--allow-read=nope"}, luabridge.Options{}, "--allow-read=" + filepath.Join(work, "nope") + ": not a directory"},
		{"a file", []string{"--allow-write=file.txt"}, luabridge.Options{}, "--allow-write=" + filepath.Join(work, "file.txt") + ": not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := &cobra.Command{Use: "run", RunE: func(*cobra.Command, []string) error { return nil }}
			lf := addLimitFlags(cmd)
			require.NoError(t, cmd.ParseFlags(tt.args))
			var opts luabridge.Options
			err := lf.apply(&opts, work)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), tt.wantErr), err.Error())
				assert.Equal(t, ExitUsage, exitCode(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, opts)
		})
	}
	cmd := &cobra.Command{Use: "run"}
	lf := addLimitFlags(cmd)
	assert.Error(t, cmd.ParseFlags([]string{"--max-memory=lots"}), "a bad size is a flag error (exit 2)")

	require.NoError(t, cmd.ParseFlags([]string{"--max-memory=64MiB", "--allow-read=in"}))
	configure, err := lf.configure(work)
	require.NoError(t, err)
	opts := luabridge.Options{ReadOnly: true}
	configure(&opts)
	assert.True(t, opts.ReadOnly, "configure keeps the other options")
	assert.Equal(t, int64(64<<20), opts.Limits.MaxMemory)
	assert.Equal(t, []string{filepath.Join(work, "in")}, opts.Files.Read)
	require.NoError(t, cmd.ParseFlags([]string{"--allow-write=nope"}))
	_, err = lf.configure(work)
	assert.Equal(t, ExitUsage, exitCode(err))
}

// runLimited runs a script the way run.go does once the limit flags are
// wired: --timeout, the limit flags, a VM from the options, the exit code.
func runLimited(t *testing.T, ctx context.Context, stdout io.Writer, baseURL string, args ...string) (int, string, time.Duration) {
	t.Helper()
	cmd := &cobra.Command{Use: "run"}
	timeout := cmd.Flags().Duration("timeout", DefaultTimeout, "")
	lf := addLimitFlags(cmd)
	require.NoError(t, cmd.ParseFlags(args))
	src := cmd.Flags().Args()[0]
	opts := luabridge.Options{
		Integrations: []*integration.Integration{openai.New()},
		Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{
			{Name: "default", BaseURL: baseURL, Key: integration.NewSecret(openaitest.DefaultAPIKey)}}}},
		Stdout: stdout,
	}
	start := time.Now()
	err := lf.apply(&opts, t.TempDir())
	if err == nil {
		ctx, cancel := context.WithTimeoutCause(ctx, *timeout, errTimeout)
		defer cancel()
		vm := luabridge.New(opts)
		defer vm.Close()
		_, err = vm.Run(ctx, "agent.lua", src)
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	return exitCode(err), msg, time.Since(start)
}

type blockingWriter struct{ release chan struct{} }

func (b blockingWriter) Write(p []byte) (int, error) {
	<-b.release
	return len(p), nil
}

func TestLimitExitCodes(t *testing.T) {
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	fake.InjectFault(openaitest.Fault{Path: "/v1/models", Delay: time.Minute})
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hi"), 0o644))
	tests := []struct {
		name     string
		stdout   io.Writer
		interupt time.Duration
		args     []string
		code     int
		msg      string
	}{
		{"memory limit", io.Discard, 0, []string{"--max-memory=64MiB", `local t = {} for i = 1, 1024 do t[i] = string.rep("x", 2^20) .. i end`},
			ExitMemory, "script stopped: memory limit reached"},
		{"timeout while stuck in Go code is abandoned", blockingWriter{release}, 0, []string{"--timeout=200ms", `print("x")`},
			ExitTimeout, "was abandoned"},
		{"Ctrl-C during a call", io.Discard, 200 * time.Millisecond, []string{`app.integrations.openai.openai_list_models()`},
			ExitInterrupted, "script stopped: context canceled"},
		{"a forged timeout message is a script error", io.Discard, 0, []string{`error("script stopped: time limit (--timeout) reached", 0)`},
			ExitScript, "time limit (--timeout) reached"},
		{"a forged memory message is a script error", io.Discard, 0, []string{`error("script stopped: memory limit reached", 0)`},
			ExitScript, "memory limit reached"},
		{"reading without a grant names the flag", io.Discard, 0, []string{`fs.read("/etc/hostname")`},
			ExitScript, "run kosmo with --allow-read=DIR"},
		{"reading with a grant", io.Discard, 0, []string{"--allow-read=" + dir, fmt.Sprintf(`assert(fs.read(%q) == "hi")`, filepath.Join(dir, "a.txt"))},
			ExitOK, ""},
		{"a bad grant is a usage error", io.Discard, 0, []string{"--allow-read=" + filepath.Join(dir, "nope"), `return 1`},
			ExitUsage, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.interupt > 0 {
				time.AfterFunc(tt.interupt, cancel)
			}
			code, msg, took := runLimited(t, ctx, tt.stdout, fake.BaseURL(), tt.args...)
			assert.Equal(t, tt.code, code, msg)
			assert.Contains(t, msg, tt.msg)
			assert.Less(t, took, 10*time.Second)
		})
	}
}

func TestMemoryExitCodeFromCauseOnly(t *testing.T) {
	err := &luabridge.ScriptError{Message: "script stopped", Err: fmt.Errorf("%w: 70 MiB in use", luabridge.ErrMemoryLimit)}
	assert.Equal(t, ExitMemory, exitCode(err))
	assert.Equal(t, ExitScript, exitCode(&luabridge.ScriptError{Message: "memory limit reached"}))
	assert.Equal(t, ExitScript, exitCode(errors.New("memory limit reached")))
}

func TestMaxMemoryFloorThroughTheCLI(t *testing.T) {
	tests := []struct {
		value string
		code  int
	}{
		{"10", ExitUsage},
		{"1MiB", ExitUsage},
		{"64MiB", ExitOK},
		{"0", ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			r := runCLI(t, context.Background(), nil, "run", "--fake", "--max-memory", tt.value, "-e", "print(1)")
			assert.Equal(t, tt.code, r.code, r.stderr)
			if tt.code == ExitUsage {
				assert.Equal(t, "kosmo: --max-memory "+tt.value+" is below the floor of 64MiB: the limit counts all of kosmo's memory, and kosmo with one API answer needs tens of MiB (0 means no limit)\n", r.stderr)
			}
		})
	}
}

func TestTimeoutFlag(t *testing.T) {
	tests := []struct {
		name     string
		def      time.Duration
		args     []string
		deadline bool
		limit    time.Duration
	}{
		{"the default", DefaultTimeout, nil, true, DefaultTimeout},
		{"another default", 30 * time.Second, nil, true, 30 * time.Second},
		{"given", DefaultTimeout, []string{"--timeout", "2s"}, true, 2 * time.Second},
		{"none", DefaultTimeout, []string{"--timeout=0"}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := &cobra.Command{Use: "call"}
			to := addTimeoutFlag(cmd, tt.def, "the call")
			require.NoError(t, cmd.ParseFlags(tt.args))
			assert.Equal(t, tt.limit, to.limit)
			ctx, cancel := to.bound(context.Background())
			defer cancel()
			_, has := ctx.Deadline()
			assert.Equal(t, tt.deadline, has)
			assert.Contains(t, cmd.Flags().Lookup("timeout").Usage, "wall-clock limit for the call (0: none)")
		})
	}

	to := &timeoutFlag{limit: 20 * time.Millisecond}
	ctx, cancel := to.bound(context.Background())
	defer cancel()
	<-ctx.Done()
	cause := fmt.Errorf("GET /models: %w", context.DeadlineExceeded)
	err := to.explain(ctx, cause, "openai_list_models")
	assert.Equal(t, "openai_list_models: time limit (--timeout 20ms) reached", err.Error())
	assert.Equal(t, ExitTimeout, exitCode(err))
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the error the limit caused stays in the chain")
	assert.Nil(t, to.explain(ctx, nil, "x"))

	interrupted, stop := context.WithCancel(context.Background())
	stop()
	other := errors.New("boom")
	assert.Same(t, other, to.explain(interrupted, other, "x"), "only the time limit is explained")
}
