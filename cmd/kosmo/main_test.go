package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/integration/openai/retired"
)

var update = flag.Bool("update", false, "rewrite the expected outputs of the example scripts")

// result is one CLI run.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the CLI in-process with an empty environment apart from vars,
// a temporary HOME and working directory, and no standard input.
func runCLI(t *testing.T, ctx context.Context, vars map[string]string, args ...string) result {
	t.Helper()
	return runCLIWithStdin(t, ctx, vars, "", args...)
}

// runCLIWithStdin is runCLI with stdin as standard input.
func runCLIWithStdin(t *testing.T, ctx context.Context, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv:  func(k string) string { return vars[k] },
		HomeDir: t.TempDir(), WorkDir: t.TempDir(),
	}
	code := Main(ctx, args, env)
	return result{code, out.String(), errOut.String()}
}

func script(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "agent.lua")
	require.NoError(t, os.WriteFile(p, []byte(src), 0o600))
	return p
}

func TestDocPrintsTheReference(t *testing.T) {
	want, err := os.ReadFile("../../testdata/golden/integrations.openai.md")
	require.NoError(t, err)
	for _, args := range [][]string{{"doc"}, {"doc", "integrations.openai"}} {
		r := runCLI(t, context.Background(), nil, args...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, string(want), r.stdout)
	}
	r := runCLI(t, context.Background(), nil, "doc", "integrations.openai.openai_get_run")
	assert.True(t, strings.HasPrefix(r.stdout, "## openai_get_run\n"))
	r = runCLI(t, context.Background(), nil, "doc", "--list")
	assert.Len(t, strings.Split(strings.TrimSpace(r.stdout), "\n"), 16)
}

func TestExitCodes(t *testing.T) {
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	realEnv := map[string]string{"OPENAI_API_KEY": openaitest.DefaultAPIKey, "OPENAI_BASE_URL": fake.BaseURL()}
	badConfig := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(badConfig, []byte("integrations:\n  openai:\n    accounts:\n      work:\n        api_kee: x\n"), 0o600))
	tests := []struct {
		name   string
		vars   map[string]string
		args   []string
		code   int
		stderr string
		stdout string
	}{
		{"ok", nil, []string{"run", "--fake", script(t, `print("hi")`)}, ExitOK, "", "hi\n"},
		{"env account", realEnv, []string{"run", script(t, `print(#app.integrations.openai.openai_list_models().data > 3)`)}, ExitOK, "", "true\n"},
		{"script error", nil, []string{"run", "--fake", script(t, `error("boom")`)}, ExitScript, "agent.lua:1: boom", ""},
		{"syntax error", nil, []string{"run", "--fake", script(t, `x = = 1`)}, ExitScript, "agent.lua", ""},
		{"validation error", nil, []string{"run", "--fake", script(t, `app.integrations.openai.openai_create_image{prompt = "x", n = 0}`)}, ExitScript, "openai_create_image: parameter 'n': integer between 1 and 10 expected, got 0", ""},
		{"api error", nil, []string{"run", "--fake", script(t, `app.integrations.openai.openai_get_run{thread_id = "thread_x", run_id = "run_x"}`)}, ExitAPI, "HTTP 404", ""},
		{"no account", nil, []string{"run", script(t, `app.integrations.openai.openai_list_models()`)}, ExitCredentials, "no OpenAI account is configured: set OPENAI_API_KEY", ""},
		{"unknown account", nil, []string{"run", "--fake", script(t, `app.integrations.openai.work.openai_list_models()`)}, ExitAccount, "has no account or function 'work' (configured accounts: default)", ""},
		{"unknown --account", realEnv, []string{"--account", "work", "run", script(t, `print(1)`)}, ExitAccount, `--account names "work", but openai has accounts default`, ""},
		{"missing key env", nil, []string{"--config", writeConfig(t, "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY_UNSET\n"), "run", script(t, `app.integrations.openai.openai_list_models()`)}, ExitCredentials, "environment variable WORK_KEY_UNSET (api_key_env) is not set", ""},
		{"unreadable key file", nil, []string{"--config", writeConfig(t, "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_file: /nonexistent/work.key\n"), "run", script(t, `app.integrations.openai.openai_list_models()`)}, ExitCredentials, "cannot read api_key_file /nonexistent/work.key", ""},
		{"malformed yaml", nil, []string{"--config", writeConfig(t, "integrations:\n  openai: [\n"), "run", script(t, `print(1)`)}, ExitConfig, "line 2", ""},
		{"no script", nil, []string{"run"}, ExitUsage, "a script is expected", ""},
		{"missing script", nil, []string{"run", "/nonexistent/agent.lua"}, ExitUsage, "cannot read script", ""},
		{"unknown flag", nil, []string{"run", "--fast", "x.lua"}, ExitUsage, "unknown flag: --fast", ""},
		{"unknown command", nil, []string{"runn"}, ExitUsage, `unknown command "runn"`, ""},
		{"unknown doc page", nil, []string{"doc", "integrations.nope"}, ExitUsage, "no doc page", ""},
		{"config error", nil, []string{"--config", badConfig, "run", script(t, `print(1)`)}, ExitConfig, "api_kee", ""},
		{"timeout", nil, []string{"run", "--fake", "--timeout", "200ms", script(t, `while true do end`)}, ExitTimeout, "time limit (--timeout) reached", ""},
		{"timeout in sleep", nil, []string{"run", "--fake", "--timeout", "200ms", script(t, `sleep(30)`)}, ExitTimeout, "time limit", ""},
		{"forged timeout message", nil, []string{"run", "--fake", script(t, `error("script stopped: time limit (--timeout) reached")`)}, ExitScript, "", ""},
		{"read-only", nil, []string{"run", "--fake", "--read-only", script(t, `app.integrations.openai.openai_create_thread{}`)}, ExitScript, "read-only (--read-only)", ""},
		{"dry-run", nil, []string{"run", "--fake", "--dry-run", script(t, `local r = app.integrations.openai.openai_create_thread{}; print(r.dry_run, r.method, r.url:match("/v1/conversations$") ~= nil)`)}, ExitOK, "", "true\tPOST\ttrue\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := runCLI(t, context.Background(), tt.vars, tt.args...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tt.stderr)
			if tt.stdout != "" {
				assert.Equal(t, tt.stdout, r.stdout)
			}
			if r.code != 0 {
				assert.Equal(t, 1, strings.Count(r.stderr, "kosmo: "), "the error is printed once")
			}
			assert.Less(t, time.Since(start), 20*time.Second)
		})
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

func TestInterruptStopsACallInFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	fake.InjectFault(openaitest.Fault{Path: "/v1/models", Delay: time.Minute})
	vars := map[string]string{"OPENAI_API_KEY": openaitest.DefaultAPIKey, "OPENAI_BASE_URL": fake.BaseURL()}
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	r := runCLI(t, ctx, vars, "run", script(t, `app.integrations.openai.openai_list_models()`))
	assert.Equal(t, ExitInterrupted, r.code, r.stderr)
	assert.Less(t, time.Since(start), 5*time.Second, "the minute-long call was abandoned")
}

func TestKeyNeverPrinted(t *testing.T) {
	const canary = "sk-canary-7f3a9c1e5b2d8f4a6c0e"
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	vars := map[string]string{"OPENAI_API_KEY": canary, "OPENAI_BASE_URL": fake.BaseURL()}
	for _, src := range []string{
		`app.integrations.openai.openai_list_models()`,
		`local ok, e = pcall(app.integrations.openai.openai_list_models); dump(e); print(json.encode(e))`,
		`dump(app); dump(app.integrations.openai.default); print(app.integrations.openai.openai_chat_completion{model = 1})`,
		`app.integrations.openai.openai_chat_completion{model = "gpt-4.1-nano", messages = {{role = "user", content = "x"}}}`,
	} {
		r := runCLI(t, context.Background(), vars, "run", script(t, src))
		assert.NotContains(t, r.stdout+r.stderr, canary)
		assert.NotContains(t, r.stdout+r.stderr, canary[10:], "not even part of it")
	}
	r := runCLI(t, context.Background(), vars, "run", script(t, `app.integrations.openai.openai_list_models()`))
	assert.Equal(t, ExitAPI, r.code)
	assert.Contains(t, r.stderr, "HTTP 401")
}

// exampleDate is the day the fake believes it is when the example
// scripts' output is compared with their golden files: the output of a
// speech step changes when OpenAI shuts its speech models down, so the
// golden files are pinned to a day before (the day they were written).
const exampleDate = "2026-11-29"

// TestExampleScripts runs every script of scripts/ against the fake on
// exampleDate and compares its output with testdata/scripts/<name>.out.
func TestExampleScripts(t *testing.T) {
	scripts, err := filepath.Glob("../../scripts/*.lua")
	require.NoError(t, err)
	require.NotEmpty(t, scripts)
	for _, s := range scripts {
		name := strings.TrimSuffix(filepath.Base(s), ".lua")
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, context.Background(), map[string]string{openaitest.DateEnv: exampleDate}, exampleArgs(name, s)...)
			require.Equal(t, 0, r.code, "stderr: %s\nstdout: %s", r.stderr, r.stdout)
			golden := filepath.Join("../../testdata/scripts", name+".out")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(r.stdout), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to create it")
			assert.Equal(t, string(want), r.stdout)
		})
	}
}

// exampleArgs are the arguments that run an example script with --fake.
func exampleArgs(name, path string) []string {
	args := []string{"run", "--fake", path}
	if name == "multi_account" {
		args = append([]string{"--config", "../../scripts/multi_account.yaml"}, args...)
	}
	return args
}

// TestExampleScriptsAfterShutdowns runs every script of scripts/ (the demo
// among them) against a fake on the day after the last shutdown date of
// the model tables: each still succeeds, as `make demo` must on any day.
func TestExampleScriptsAfterShutdowns(t *testing.T) {
	last, err := time.Parse(time.DateOnly, retired.Last())
	require.NoError(t, err)
	after := last.AddDate(0, 0, 1).Format(time.DateOnly)
	scripts, err := filepath.Glob("../../scripts/*.lua")
	require.NoError(t, err)
	for _, s := range scripts {
		name := strings.TrimSuffix(filepath.Base(s), ".lua")
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, context.Background(), map[string]string{openaitest.DateEnv: after}, exampleArgs(name, s)...)
			require.Equal(t, 0, r.code, "on %s, stderr: %s\nstdout: %s", after, r.stderr, r.stdout)
		})
	}
}
