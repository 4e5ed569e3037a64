package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// hostileDirs are the working directory and home of one CLI run.
type hostileDirs struct{ work, home string }

func newHostileDirs(t *testing.T) hostileDirs {
	t.Helper()
	return hostileDirs{work: t.TempDir(), home: t.TempDir()}
}

// run runs the CLI in d's working directory and home.
func (d hostileDirs) run(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv:  func(k string) string { return vars[k] },
		HomeDir: d.home, WorkDir: d.work,
	}
	code := Main(context.Background(), args, env)
	return result{code, out.String(), errOut.String()}
}

func (d hostileDirs) write(t *testing.T, name, text string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(d.work, name)
	require.NoError(t, os.WriteFile(p, []byte(text), mode))
	require.NoError(t, os.Chmod(p, mode))
	return p
}

// TestWriteGrantCannotTouchConfiguration: fs.write refuses every file that
// configures kosmo (the config files it would load, even those that do not
// exist yet, its key files, its audit log), also through links.
func TestWriteGrantCannotTouchConfiguration(t *testing.T) {
	const key = "sk-configured-5e1f0a9b3c7d2e6f"
	tests := []struct {
		name   string
		config bool
		target string
	}{
		{"creating ./kosmo.yaml", false, "kosmo.yaml"},
		{"creating ./kosmo.json", false, "kosmo.json"},
		{"creating the XDG config", false, "$HOME/.config/kosmo/config.toml"},
		{"the config in use", true, "kosmo.yaml"},
		{"a key file", true, "work.key"},
		{"the audit log", true, "audit.log"},
		{"the store", false, "$HOME/.local/share/kosmo/kosmo.db"},
		{"the store's journal", false, "$HOME/.local/share/kosmo/kosmo.db-wal"},
		{"a hard link to the config", true, "hard.txt"},
		{"a symbolic link to the key file", true, "soft.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newHostileDirs(t)
			require.NoError(t, os.MkdirAll(filepath.Join(d.home, ".config", "kosmo"), 0o700))
			require.NoError(t, os.MkdirAll(filepath.Join(d.home, ".local", "share", "kosmo"), 0o700))
			if tt.config {
				d.write(t, "work.key", key+"\n", 0o600)
				cfg := d.write(t, "kosmo.yaml", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_file: "+filepath.Join(d.work, "work.key")+"\n", 0o600)
				require.NoError(t, os.Link(cfg, filepath.Join(d.work, "hard.txt")))
				require.NoError(t, os.Symlink("work.key", filepath.Join(d.work, "soft.txt")))
			}
			target := strings.ReplaceAll(tt.target, "$HOME", d.home)
			before, _ := os.ReadFile(filepath.Join(d.work, target))
			r := d.run(t, nil, "run", "--fake", "--allow-write=.", "--allow-write="+d.home, "--audit=audit.log",
				"-e", `fs.write(arg[1], "integrations: {}\n")`, "--", target)
			assert.Equal(t, ExitScript, r.code, r.stderr)
			assert.Contains(t, r.stderr, "fs.write")
			assert.Contains(t, r.stderr, "kosmo's own")
			after, _ := os.ReadFile(filepath.Join(d.work, target))
			assert.Equal(t, string(before), string(after), "the file is unchanged")
			if !tt.config {
				assert.NoFileExists(t, filepath.Join(d.work, target))
			}
		})
	}
	t.Run("other files are still written", func(t *testing.T) {
		d := newHostileDirs(t)
		r := d.run(t, nil, "run", "--fake", "--allow-write=.", "-e", `fs.write("notes.txt", "hello")`)
		require.Equal(t, ExitOK, r.code, r.stderr)
		data, err := os.ReadFile(filepath.Join(d.work, "notes.txt"))
		require.NoError(t, err)
		assert.Equal(t, "hello", string(data))
	})
}

// TestReadGrantCannotReadKeys: fs.read and fs.read_base64 refuse the config
// and key files (also through links) and scrub every configured key from
// any other file.
func TestReadGrantCannotReadKeys(t *testing.T) {
	const key = "sk-configured-5e1f0a9b3c7d2e6f"
	const envKey = "sk-environment-8a7b6c5d4e3f2a1b"
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	vars := map[string]string{"OPENAI_API_KEY": envKey, "OPENAI_BASE_URL": fake.BaseURL()}
	setup := func(t *testing.T) hostileDirs {
		d := newHostileDirs(t)
		d.write(t, "work.key", key+"\n", 0o600)
		cfg := d.write(t, "kosmo.yaml", "integrations:\n  openai:\n    default: other\n    accounts:\n      work:\n        api_key_file: work.key\n      other:\n        api_key_env: OPENAI_API_KEY\n", 0o600)
		require.NoError(t, os.Link(cfg, filepath.Join(d.work, "hard.txt")))
		require.NoError(t, os.Symlink("work.key", filepath.Join(d.work, "soft.txt")))
		d.write(t, "notes.txt", "mine: "+key+" and "+envKey+"\n", 0o600)
		return d
	}
	for _, fn := range []string{"fs.read", "fs.read_base64"} {
		for _, target := range []string{"kosmo.yaml", "work.key", "hard.txt", "soft.txt"} {
			t.Run(fn+" "+target, func(t *testing.T) {
				d := setup(t)
				r := d.run(t, vars, "run", "--allow-read=.", "-e", `print(`+fn+`(arg[1]))`, "--", target)
				assert.Equal(t, ExitScript, r.code, r.stderr)
				assert.Contains(t, r.stderr, fn)
				assert.Contains(t, r.stderr, "kosmo's own")
				assert.NotContains(t, r.stdout+r.stderr, key)
			})
		}
	}
	t.Run("keys are scrubbed from other files", func(t *testing.T) {
		d := setup(t)
		r := d.run(t, vars, "run", "--allow-read=.", "-e", `print(fs.read("notes.txt")); print(base64.decode(fs.read_base64("notes.txt")))`)
		require.Equal(t, ExitOK, r.code, r.stderr)
		assert.NotContains(t, r.stdout, key)
		assert.NotContains(t, r.stdout, envKey)
		assert.Equal(t, 2, strings.Count(r.stdout, "mine: sk-…2e6f and sk-…2a1b"), r.stdout)
	})
}

// TestWorkingDirectoryConfigCare: a ./kosmo.* config others could have
// written is refused, saying how to allow it; one that is used is named on
// standard error.
func TestWorkingDirectoryConfigCare(t *testing.T) {
	const cfg = "integrations:\n  openai:\n    accounts:\n      work:\n        api_key: sk-x\n"
	t.Run("group-writable is refused", func(t *testing.T) {
		d := newHostileDirs(t)
		d.write(t, "kosmo.yaml", cfg, 0o664)
		r := d.run(t, nil, "accounts")
		assert.Equal(t, ExitConfig, r.code, r.stderr)
		assert.Contains(t, r.stderr, "writable by group or others")
		assert.Contains(t, r.stderr, "chmod go-w")
		assert.Contains(t, r.stderr, "--config")
	})
	t.Run("another user's is refused", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("giving a file to another user needs root")
		}
		d := newHostileDirs(t)
		p := d.write(t, "kosmo.yaml", cfg, 0o600)
		require.NoError(t, os.Chown(p, 12345, 12345))
		r := d.run(t, nil, "accounts")
		assert.Equal(t, ExitConfig, r.code, r.stderr)
		assert.Contains(t, r.stderr, "belongs to another user (uid 12345)")
		assert.Contains(t, r.stderr, "--config "+p)
	})
	t.Run("a private one is used and named", func(t *testing.T) {
		d := newHostileDirs(t)
		d.write(t, "kosmo.yaml", cfg, 0o600)
		r := d.run(t, nil, "accounts")
		assert.Equal(t, ExitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "work")
		assert.Contains(t, r.stderr, "kosmo: using the configuration in the working directory: "+filepath.Join(d.work, "kosmo.yaml"))
	})
	t.Run("--config names it explicitly: no note, no refusal", func(t *testing.T) {
		d := newHostileDirs(t)
		p := d.write(t, "kosmo.yaml", cfg, 0o664)
		r := d.run(t, nil, "--config", p, "accounts")
		assert.Equal(t, ExitOK, r.code, r.stderr)
		assert.Empty(t, r.stderr)
	})
}

// runProcessIn runs kosmo with args as a process of its own in dir, under
// the shell commands of prefix (ulimit), and returns its exit code and
// standard error.
func runProcessIn(t *testing.T, dir, prefix string, args ...string) (int, string) {
	t.Helper()
	cmd, stderr := startProcessIn(t, dir, prefix, args...)
	return waitProcess(t, cmd, stderr)
}

// startProcessIn starts what runProcessIn runs and returns it with the
// buffer of its standard error.
func startProcessIn(t *testing.T, dir, prefix string, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	data, err := json.Marshal(args)
	require.NoError(t, err)
	cmd := exec.Command("/bin/sh", "-c", prefix+`; exec "$0" -test.run='^TestKosmoProcess$' -test.count=1`, os.Args[0])
	cmd.Dir = dir
	cmd.Env = []string{processArgsEnv + "=" + string(data), "HOME=" + t.TempDir()}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	return cmd, &stderr
}

// waitProcess waits for cmd (killing it after a minute) and returns its
// exit code (-1 when killed) and standard error.
func waitProcess(t *testing.T, cmd *exec.Cmd, stderr *strings.Builder) (int, string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		<-done
		return -1, stderr.String()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	require.NoError(t, err)
	return 0, stderr.String()
}

// TestWriteIsAtomic: a write that fails half-way (here the file size limit
// of the process) leaves the old file whole and no temporary file behind;
// a write that succeeds keeps the old file's mode.
func TestWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "data.txt")
	require.NoError(t, os.WriteFile(p, []byte("old content\n"), 0o640))
	require.NoError(t, os.Chmod(p, 0o640))
	code, stderr := runProcessIn(t, dir, "ulimit -f 8", "run", "--fake", "--allow-write=.", "-e", `fs.write("data.txt", string.rep("x", 1048576))`)
	assert.Equal(t, ExitScript, code, stderr)
	assert.Contains(t, stderr, `fs.write: "data.txt"`)
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "old content\n", string(data), "the old file is whole")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left")

	d := hostileDirs{work: dir, home: t.TempDir()}
	r := d.run(t, nil, "run", "--fake", "--allow-write=.", "-e", `fs.write("data.txt", "new")`)
	require.Equal(t, ExitOK, r.code, r.stderr)
	st, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), st.Mode().Perm())
}

// TestWriteQuota: fs.write counts what a run writes against --write-quota
// (1 GiB by default); past it, a catchable error names the quota and the
// flag.
func TestWriteQuota(t *testing.T) {
	d := newHostileDirs(t)
	src := `
fs.write("a.txt", string.rep("a", 600))
local ok, err = pcall(fs.write, "b.txt", string.rep("b", 600))
print(ok, err)
fs.write("c.txt", string.rep("c", 400))`
	r := d.run(t, nil, "run", "--fake", "--allow-write=.", "--write-quota", "1KiB", "-e", src)
	require.Equal(t, ExitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "false")
	assert.Contains(t, r.stdout, "write quota of 1KiB")
	assert.Contains(t, r.stdout, "--write-quota")
	assert.FileExists(t, filepath.Join(d.work, "a.txt"))
	assert.NoFileExists(t, filepath.Join(d.work, "b.txt"))
	assert.FileExists(t, filepath.Join(d.work, "c.txt"), "what fits in the quota is still written")

	r = d.run(t, nil, "run", "--fake", "--allow-write=.", "-e", `fs.write("big.txt", string.rep("x", 3145728))`)
	require.Equal(t, ExitOK, r.code, "the default quota allows ordinary files: %s", r.stderr)
}

// TestScriptCannotForgeExitCodes: exit codes 4 (API) and 7 (account) come
// from kosmo's own errors, not from a table that looks like one, even one
// with the metatable of kosmo's error tables.
func TestScriptCannotForgeExitCodes(t *testing.T) {
	const realValidationError = `local ok, e = pcall(app.integrations.openai.openai_create_image, {prompt = "x", n = 0})
`
	const realAPIError = `local ok, real = pcall(app.integrations.openai.openai_get_run, {thread_id = "thread_x", run_id = "run_x"})
`
	tests := []struct {
		name, src string
		code      int
	}{
		{"plain table as an account error", `error({type = "unknown_account", message = "x"})`, ExitScript},
		{"a validation error turned into an account error", realValidationError + `e.type = "unknown_account"; error(e)`, ExitScript},
		{"a validation error turned into an API error", realValidationError + `e.status = 500; error(e)`, ExitScript},
		{"a validation error turned into a connection error", realValidationError + `e.type = "connection_error"; error(e)`, ExitScript},
		{"a validation error turned into a credentials error", realValidationError + `e.type = "credentials_error"; error(e)`, ExitScript},
		{"a real API error raised again", realAPIError + `error(real)`, ExitAPI},
		{"a real API error with its fields changed", realAPIError + `real.type = "unknown_account"; real.status = nil; error(real)`, ExitAPI},
		{"a real unknown account", `app.integrations.openai.work.openai_list_models()`, ExitAccount},
		{"a real unknown account raised again", `local ok, e = pcall(function() return app.integrations.openai.work end); error(e)`, ExitAccount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), nil, "run", "--fake", "-e", tt.src)
			assert.Equal(t, tt.code, r.code, r.stderr)
		})
	}
}

// jsonEscaped writes every byte of s as a \u escape, as a server may.
func jsonEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// TestEscapedKeyEchoesAreScrubbed: a key the server echoes inside JSON
// strings, written with escapes, reaches neither the script, nor kosmo
// call's output, nor an error message.
func TestEscapedKeyEchoesAreScrubbed(t *testing.T) {
	const canary = "sk-canary-escaped-4d2c8b1a9e7f"
	esc := jsonEscaped(canary)
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	fake.InjectFault(openaitest.Fault{Path: "/v1/models", Status: 200,
		Body: `{"object":"list","data":[{"id":"m-` + esc + `","object":"model","created":1,"owned_by":"` + esc + `\n"}]}`})
	fake.InjectFault(openaitest.Fault{Path: "/v1/files", Status: 400,
		Body: `{"error":{"message":"bad key ` + esc + `","type":"invalid_request_error","param":"` + esc + `","code":"x"}}`})
	vars := map[string]string{"OPENAI_API_KEY": canary, "OPENAI_BASE_URL": fake.BaseURL()}
	r := runCLI(t, context.Background(), vars, "run", "-e", `
local models = app.integrations.openai.openai_list_models()
print(models.data[1].id, models.data[1].owned_by)
local ok, err = pcall(app.integrations.openai.openai_list_files)
print(err.message, err.param)
error(err)`)
	assert.Equal(t, ExitAPI, r.code, r.stderr)
	assert.Contains(t, r.stdout, "m-sk-…9e7f")
	assert.Contains(t, r.stdout, "sk-…9e7f")
	assert.NotContains(t, r.stdout+r.stderr, canary)
	r = runCLI(t, context.Background(), vars, "call", "openai.openai_list_models")
	assert.Equal(t, ExitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout+r.stderr, canary)
	assert.NotContains(t, r.stdout, esc, "not even escaped")
	r = runCLI(t, context.Background(), vars, "call", "openai.openai_list_files")
	assert.Equal(t, ExitAPI, r.code, r.stderr)
	assert.NotContains(t, r.stdout+r.stderr, canary)
}

// TestRedirectsDoNotCarryTheKey: an API call is not redirected, to another
// port of the same host or anywhere: the redirect is a clear error and the
// key goes nowhere else.
func TestRedirectsDoNotCarryTheKey(t *testing.T) {
	const key = "sk-redirected-0f9e8d7c6b5a"
	var mu sync.Mutex
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		leaked = append(leaked, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"object":"list","data":[]}`)
	}))
	t.Cleanup(other.Close)
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+r.URL.Path, status)
			}))
			t.Cleanup(redirector.Close)
			vars := map[string]string{"OPENAI_API_KEY": key, "OPENAI_BASE_URL": redirector.URL + "/v1"}
			r := runCLI(t, context.Background(), vars, "run", "-e", `app.integrations.openai.openai_list_models()`)
			assert.Equal(t, ExitAPI, r.code, r.stderr)
			assert.Contains(t, r.stderr, "redirect to "+other.URL+"/v1/models")
			assert.Contains(t, r.stderr, "does not follow redirects")
			r = runCLI(t, context.Background(), vars, "call", "openai.openai_list_models")
			assert.Equal(t, ExitAPI, r.code, r.stderr)
			mu.Lock()
			defer mu.Unlock()
			assert.Empty(t, leaked, "the other port got no request")
		})
	}
}

// TestBaseURLCredentialsAreRedacted: the user info of a base URL
// (https://user:pass@gateway/v1) is shown nowhere: not in dry-run plans,
// kosmo call --dry-run, kosmo accounts (text and JSON), errors or the
// audit log.
func TestBaseURLCredentialsAreRedacted(t *testing.T) {
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	withUser := strings.Replace(fake.BaseURL(), "http://", "http://gwuser:gwpass-secret@", 1)
	closed := "http://gwuser:gwpass-secret@127.0.0.1:1/v1"
	auditFile := filepath.Join(t.TempDir(), "audit.log")
	tests := []struct {
		name string
		base string
		args []string
		code int
		want string
	}{
		{"accounts", withUser, []string{"accounts"}, ExitOK, "http://…@127.0.0.1"},
		{"accounts --json", withUser, []string{"accounts", "--json"}, ExitOK, "http://…@127.0.0.1"},
		{"run --dry-run", withUser, []string{"run", "--dry-run", "-e", `print(app.integrations.openai.openai_create_thread{}.url)`}, ExitOK, "http://…@127.0.0.1"},
		{"run --dry-run --json", withUser, []string{"run", "--json", "--dry-run", "-e", `return app.integrations.openai.openai_create_thread{}`}, ExitOK, "http://…@127.0.0.1"},
		{"call --dry-run", withUser, []string{"call", "--dry-run", "openai.openai_create_thread"}, ExitOK, "http://…@127.0.0.1"},
		{"connection error", closed, []string{"run", "--audit", auditFile, "-e", `app.integrations.openai.openai_list_models()`}, ExitAPI, "…@127.0.0.1:1"},
		{"connection error, call", closed, []string{"call", "openai.openai_list_models"}, ExitAPI, "…@127.0.0.1:1"},
		{"connection error, accounts check", closed, []string{"accounts", "check"}, ExitAPI, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"OPENAI_API_KEY": openaitest.DefaultAPIKey, "OPENAI_BASE_URL": tt.base}
			r := runCLI(t, context.Background(), vars, tt.args...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			assert.Contains(t, r.stdout+r.stderr, tt.want)
			assert.NotContains(t, r.stdout+r.stderr, "gwpass-secret")
			assert.NotContains(t, r.stdout+r.stderr, "gwuser")
		})
	}
	data, err := os.ReadFile(auditFile)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "gwpass")
}

// memoryGuard bounds the address space of a kosmo process, so that a read
// without a bound fails fast instead of taking the machine's memory.
const memoryGuard = "ulimit -v 4194304"

// TestOwnReadsAreBounded: every file kosmo reads for itself is read with a
// bound, and a device where a file is expected is refused: pointed at
// /dev/zero, kosmo answers a clear error.
func TestOwnReadsAreBounded(t *testing.T) {
	dir := t.TempDir()
	zeroKey := filepath.Join(dir, "zero-key.yaml")
	require.NoError(t, os.WriteFile(zeroKey, []byte("integrations:\n  openai:\n    accounts:\n      work:\n        api_key_file: /dev/zero\n"), 0o600))
	tests := []struct {
		name, prefix string
		args         []string
		code         int
		want         string
	}{
		{"script", "", []string{"run", "/dev/zero"}, ExitUsage, "cannot read script /dev/zero: not a regular file (a character device)"},
		{"script on standard input", "exec </dev/zero", []string{"run", "-"}, ExitUsage, "cannot read script stdin: more than 1MiB"},
		{"-F key=@path", "", []string{"call", "--fake", "openai.openai_list_models", "-F", "x=@/dev/zero"}, ExitUsage, "cannot read /dev/zero: not a regular file"},
		{"--input", "", []string{"call", "--fake", "openai.openai_list_models", "--input", "/dev/zero"}, ExitUsage, "cannot read --input /dev/zero: not a regular file"},
		{"config file", "", []string{"--config", "/dev/zero", "accounts"}, ExitConfig, "not a regular file"},
		{"key file", "", []string{"--config", zeroKey, "run", "-e", "app.integrations.openai.openai_list_models()"}, ExitCredentials, "cannot read api_key_file /dev/zero: not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := memoryGuard
			if tt.prefix != "" {
				prefix += "; " + tt.prefix
			}
			code, stderr := runProcessIn(t, dir, prefix, tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, "goroutine ")
		})
	}
}

// TestSignalsEndBlockedReads: SIGINT or SIGTERM ends kosmo while it waits
// on a FIFO that nobody writes (the script, -F key=@path, the config file,
// a key file, the audit log, the file a store or rate_limit_store setting
// names) with ExitInterrupted.
func TestSignalsEndBlockedReads(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	keyFIFO := filepath.Join(dir, "key.yaml")
	require.NoError(t, os.WriteFile(keyFIFO, []byte("integrations:\n  openai:\n    accounts:\n      work:\n        api_key_file: "+fifo+"\n"), 0o600))
	settingFIFO := filepath.Join(dir, "setting.yaml")
	require.NoError(t, os.WriteFile(settingFIFO, []byte("store: file:"+fifo+"\nrate_limit_store: file:"+fifo+"\n"), 0o600))
	tests := []struct {
		name   string
		signal syscall.Signal
		args   []string
	}{
		{"script", syscall.SIGINT, []string{"run", fifo}},
		{"script, SIGTERM", syscall.SIGTERM, []string{"run", fifo}},
		{"-F key=@path", syscall.SIGINT, []string{"call", "--fake", "openai.openai_list_models", "-F", "x=@" + fifo}},
		{"--input", syscall.SIGINT, []string{"call", "--fake", "openai.openai_list_models", "--input", fifo}},
		{"config file", syscall.SIGINT, []string{"--config", fifo, "accounts"}},
		{"key file", syscall.SIGTERM, []string{"--config", keyFIFO, "run", "-e", "print(1)"}},
		{"audit log", syscall.SIGINT, []string{"run", "--fake", "--audit", fifo, "-e", "print(1)"}},
		{"store and rate_limit_store files", syscall.SIGINT, []string{"--config", settingFIFO, "run", "-e", "print(1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, stderr := startProcessIn(t, dir, memoryGuard+"; exec </dev/null", tt.args...)
			time.Sleep(500 * time.Millisecond)
			require.NoError(t, cmd.Process.Signal(tt.signal))
			code, text := waitProcess(t, cmd, stderr)
			assert.Equal(t, ExitInterrupted, code, text)
		})
	}
}

// TestAuditFailsClosed: once the audit log cannot be written, further
// calls are refused and kosmo exits non-zero; --audit-fail-open lets them
// go on with a warning.
func TestAuditFailsClosed(t *testing.T) {
	const src = `
local models = app.integrations.openai.openai_list_models()
local ok, err = pcall(app.integrations.openai.openai_list_models)
print(ok, type(err) == "table" and err.type, type(err) == "table" and err.message)`
	r := runCLI(t, context.Background(), nil, "run", "--fake", "--audit", "/dev/full", "-e", src)
	assert.NotEqual(t, ExitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "false\tpolicy_error")
	assert.Contains(t, r.stdout, "the audit log /dev/full cannot be written")
	assert.Contains(t, r.stdout, "--audit-fail-open")
	assert.Contains(t, r.stderr, "the audit log /dev/full could not be written")

	r = runCLI(t, context.Background(), nil, "run", "--fake", "--audit", "/dev/full", "--audit-fail-open", "-e", src)
	assert.Equal(t, ExitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "true")
	assert.Contains(t, r.stderr, "warning: the audit log /dev/full could not be written")

	r = runCLI(t, context.Background(), nil, "call", "--fake", "--audit", "/dev/full", "openai.openai_list_models")
	assert.NotEqual(t, ExitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "the audit log /dev/full could not be written")
	d := newHostileDirs(t)
	r = d.run(t, nil, "run", "--fake", "--allow-read=.", "--audit", "audit.log", "-e", `app.integrations.openai.openai_list_models(); print(fs.read("audit.log"))`)
	assert.Equal(t, ExitScript, r.code, r.stderr)
	assert.Contains(t, r.stderr, "kosmo's own", "the sandbox cannot read the audit log either")
}

// TestAuditRecordsRefusedInvalidAndStoppedCalls: calls refused before they
// are made (bad arguments, a wrong call, read-only) and a call in flight
// when the script is stopped each get their audit line.
func TestAuditRecordsRefusedInvalidAndStoppedCalls(t *testing.T) {
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	fake.InjectFault(openaitest.Fault{Path: "/v1/models", Delay: time.Minute})
	vars := map[string]string{"OPENAI_API_KEY": openaitest.DefaultAPIKey, "OPENAI_BASE_URL": fake.BaseURL()}
	auditFile := filepath.Join(t.TempDir(), "audit.jsonl")
	r := runCLI(t, context.Background(), vars, "run", "--read-only", "--timeout", "2s", "--audit", auditFile, "-e", `
pcall(app.integrations.openai.openai_create_image, {prompt = "x", n = 0})
pcall(app.integrations.openai.openai_list_files, 1, 2)
pcall(app.integrations.openai.openai_create_thread, {})
app.integrations.openai.openai_list_models()`)
	assert.Equal(t, ExitTimeout, r.code, r.stderr)
	data, err := os.ReadFile(auditFile)
	require.NoError(t, err)
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var l struct{ Function, Outcome string }
		require.NoError(t, json.Unmarshal([]byte(line), &l), line)
		got = append(got, l.Function+" "+l.Outcome)
	}
	assert.Equal(t, []string{
		"openai_create_image invalid",
		"openai_list_files invalid",
		"openai_create_thread refused",
		"openai_list_models cancelled",
	}, got)
}

// TestErrorsArePrintedOnOneLine: control characters from a server or a
// script (escape sequences, CR, LF, C1) are escaped in the error kosmo
// prints, which stays one line.
func TestErrorsArePrintedOnOneLine(t *testing.T) {
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	fake.InjectFault(openaitest.Fault{Path: "/v1/models", Status: 400,
		Body: `{"error":{"message":"bad\u001b[31mred\r\nkosmo: forged line\u009b2J\u0007","type":"invalid_request_error"}}`})
	vars := map[string]string{"OPENAI_API_KEY": openaitest.DefaultAPIKey, "OPENAI_BASE_URL": fake.BaseURL()}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"run", []string{"run", "-e", `app.integrations.openai.openai_list_models()`}, `bad\x1b[31mred\r\nkosmo: forged line\u009b2J\x07`},
		{"call", []string{"call", "openai.openai_list_models"}, `bad\x1b[31mred\r\nkosmo: forged line\u009b2J\x07`},
		{"accounts check", []string{"accounts", "check"}, `bad\x1b[31mred\r\nkosmo: forged line\u009b2J\x07`},
		{"script error", []string{"run", "-e", `error("one\27[2Jtwo\nthree\r\194\155")`}, `one\x1b[2Jtwo\nthree\r\u009b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), vars, tt.args...)
			assert.NotEqual(t, ExitOK, r.code)
			assert.Contains(t, r.stdout+r.stderr, tt.want)
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
			for _, raw := range []string{"\x1b", "\r", "\u009b", "\a"} {
				assert.NotContains(t, r.stdout+r.stderr, raw)
			}
		})
	}
}

// TestSecondSignalAlwaysEnds: when the first signal cannot end what kosmo
// waits for (here kosmo fake opening a FIFO for its request log, which
// waits for a reader), a second one exits at once with ExitInterrupted.
func TestSecondSignalAlwaysEnds(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "log")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	cmd, stderr := startProcessIn(t, dir, memoryGuard, "fake", "--addr", "127.0.0.1:0", "--log", fifo)
	time.Sleep(500 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); errors.Is(err, os.ErrProcessDone) {
		t.Skip("the first signal ended kosmo fake: nothing is left for a second one to end")
	}
	code, text := waitProcess(t, cmd, stderr)
	assert.Equal(t, ExitInterrupted, code, text)
	assert.Contains(t, text, "interrupted again")
}
