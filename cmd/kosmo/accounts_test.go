package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// canary is a key that must appear in no output of any command.
const canary = "sk-canary-7f3a9c1e5b2d8f4a6c0e"

func TestAccountsList(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "work.key")
	require.NoError(t, os.WriteFile(keyFile, []byte(canary+"\n"), 0o600))
	cfg := writeConfig(t, `integrations:
  openai:
    default: work
    accounts:
      work:
        api_key_file: `+keyFile+`
        base_url: http://127.0.0.1:9/v1
        assistants: native
      personal:
        api_key_env: PERSONAL_KEY
        read_only: true
`)
	vars := map[string]string{"PERSONAL_KEY": canary + "-personal"}

	r := runCLI(t, context.Background(), vars, "--config", cfg, "accounts")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "INTEGRATION")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 3)
	assert.Regexp(t, `^openai\s+personal \(read-only\)\s+https://api.openai.com/v1\s+env PERSONAL_KEY\s+sk-…onal\s+assistants=responses drop_params=false media_models=table reasoning_models=table$`, lines[1])
	assert.Regexp(t, `^openai\s+work\s+\*\s+http://127.0.0.1:9/v1\s+file `+regexpQuote(keyFile)+`\s+sk-…6c0e\s+assistants=native drop_params=false media_models=table reasoning_models=table$`, lines[2])

	r = runCLI(t, context.Background(), vars, "--config", cfg, "accounts", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var views []accountView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &views))
	require.Len(t, views, 2)
	assert.Equal(t, accountView{Integration: "openai", Account: "work", Default: true, BaseURL: "http://127.0.0.1:9/v1",
		KeySource: "file " + keyFile, Key: "sk-…6c0e", Settings: map[string]string{"assistants": "native", "drop_params": "false", "media_models": "table", "reasoning_models": "table"}}, views[1])
	assert.NotContains(t, r.stdout, canary)
}

func regexpQuote(s string) string {
	return strings.NewReplacer(".", `\.`, "/", `/`).Replace(s)
}

func TestAccountsCheck(t *testing.T) {
	good := openaitest.NewServer()
	t.Cleanup(good.Close)
	cfg := writeConfig(t, `integrations:
  openai:
    default: good
    accounts:
      good:
        api_key: `+openaitest.DefaultAPIKey+`
        base_url: `+good.BaseURL()+`
      bad:
        api_key: `+canary+`
        base_url: `+good.BaseURL()+`
`)
	r := runCLI(t, context.Background(), nil, "--config", cfg, "accounts", "check", "good")
	assert.Equal(t, ExitOK, r.code, r.stderr)
	assert.Regexp(t, `^openai/good: ok \(\d+ models\)\n$`, r.stdout)

	r = runCLI(t, context.Background(), nil, "--config", cfg, "accounts", "check")
	assert.Equal(t, ExitAPI, r.code)
	assert.Contains(t, r.stdout, "openai/bad: openai_list_models (account bad): HTTP 401 invalid_api_key")
	assert.Contains(t, r.stderr, "1 of 2 accounts failed the check")
	assert.NotContains(t, r.stdout+r.stderr, canary)

	r = runCLI(t, context.Background(), nil, "--config", cfg, "accounts", "check", "--json", "bad")
	assert.Equal(t, ExitAPI, r.code)
	var results []checkView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &results))
	require.Len(t, results, 1)
	assert.False(t, results[0].OK)
	assert.Equal(t, 401, results[0].Status)

	r = runCLI(t, context.Background(), nil, "--config", cfg, "accounts", "check", "nobody")
	assert.Equal(t, ExitAccount, r.code, r.stderr)
}

// TestCanaryKeyAppearsNowhere runs every command and error path with a
// canary key and checks no output carries it.
func TestCanaryKeyAppearsNowhere(t *testing.T) {
	fake := openaitest.NewServer(openaitest.WithAPIKeys(canary))
	t.Cleanup(fake.Close)
	rejecting := openaitest.NewServer()
	t.Cleanup(rejecting.Close)
	keyFile := filepath.Join(t.TempDir(), "k")
	require.NoError(t, os.WriteFile(keyFile, []byte(canary), 0o644))
	cfg := writeConfig(t, "integrations:\n  openai:\n    default: work\n    accounts:\n      work:\n        api_key: "+canary+"\n        base_url: "+fake.BaseURL()+
		"\n      filed:\n        api_key_file: "+keyFile+"\n        base_url: "+rejecting.BaseURL()+"\n")
	vars := map[string]string{"OPENAI_API_KEY": canary, "OPENAI_BASE_URL": fake.BaseURL()}
	rejected := map[string]string{"OPENAI_API_KEY": canary, "OPENAI_BASE_URL": rejecting.BaseURL()}
	inspect := script(t, `dump(app); dump(app.integrations.openai); dump(app.integrations.openai.default)
		print(app.integrations.openai.accounts())
		local ok, e = pcall(app.integrations.openai.openai_list_models); dump(e); print(json.encode(e))
		print(pcall(app.integrations.openai.openai_chat_completion, {model = 1}))
		for k, v in pairs(_G) do print(k, tostring(v)) end`)
	runs := []struct {
		vars map[string]string
		args []string
	}{
		{vars, []string{"run", inspect}},
		{rejected, []string{"run", inspect}},
		{rejected, []string{"run", script(t, `app.integrations.openai.openai_list_models()`)}},
		{vars, []string{"--config", cfg, "run", inspect}},
		{vars, []string{"--config", cfg, "run", script(t, `app.integrations.openai.filed.openai_list_models()`)}},
		{vars, []string{"--config", cfg, "run", "--dry-run", script(t, `dump(app.integrations.openai.openai_create_thread{})`)}},
		{vars, []string{"--config", cfg, "accounts"}},
		{vars, []string{"--config", cfg, "accounts", "--json"}},
		{vars, []string{"--config", cfg, "accounts", "check"}},
		{vars, []string{"--config", cfg, "--account", "nobody", "accounts"}},
		{vars, []string{"doc"}},
		{vars, []string{"run", "--timeout", "100ms", script(t, `while true do end`)}},
		{vars, []string{"--config", cfg, "call", "openai.openai_list_models"}},
		{vars, []string{"--config", cfg, "--account", "filed", "call", "--json", "openai.openai_list_models"}},
		{rejected, []string{"call", "openai.openai_get_run", "-f", "thread_id=t", "-f", "run_id=r"}},
		{vars, []string{"--config", cfg, "call", "--dry-run", "--json", "openai.openai_create_thread"}},
		{vars, []string{"--config", cfg, "run", "--json", inspect}},
		{vars, []string{"--config", cfg, "types"}},
	}
	for _, run := range runs {
		r := runCLI(t, context.Background(), run.vars, run.args...)
		for _, out := range []string{r.stdout, r.stderr} {
			assert.NotContains(t, out, canary, "%v", run.args)
			assert.NotContains(t, out, canary[12:], "%v: not even a part", run.args)
		}
	}
}

// TestAccountsListsAccountsWithMissingKeys: `kosmo accounts` lists every
// account, marks those whose key cannot be read, and exits 0.
func TestAccountsListsAccountsWithMissingKeys(t *testing.T) {
	cfg := writeConfig(t, `integrations:
  openai:
    default: work
    accounts:
      work:
        api_key_env: OPENAI_WORK_KEY
      personal:
        api_key_file: /nonexistent/personal.key
      local:
        api_key: `+canary+`
        base_url: http://127.0.0.1:9/v1
`)
	r := runCLI(t, context.Background(), nil, "--config", cfg, "accounts")
	require.Equal(t, ExitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4, r.stdout)
	assert.Regexp(t, `^openai\s+local\s+http://127.0.0.1:9/v1\s+config\s+sk-…6c0e\s+assistants=responses drop_params=false media_models=table reasoning_models=table$`, lines[1])
	assert.Regexp(t, `^openai\s+personal\s+https://api.openai.com/v1\s+file /nonexistent/personal.key\s+missing: cannot read api_key_file /nonexistent/personal.key: no such file or directory\s+assistants=responses drop_params=false media_models=table reasoning_models=table$`, lines[2])
	assert.Regexp(t, `^openai\s+work\s+\*\s+https://api.openai.com/v1\s+env OPENAI_WORK_KEY\s+missing: environment variable OPENAI_WORK_KEY \(api_key_env\) is not set\s+assistants=responses drop_params=false media_models=table reasoning_models=table$`, lines[3])
	assert.Empty(t, r.stderr)

	r = runCLI(t, context.Background(), nil, "--config", cfg, "accounts", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var views []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &views))
	require.Len(t, views, 3)
	assert.NotContains(t, views[0], "key_error", "only for a missing key")
	assert.Equal(t, "cannot read api_key_file /nonexistent/personal.key: no such file or directory", views[1]["key_error"])
	assert.Equal(t, "environment variable OPENAI_WORK_KEY (api_key_env) is not set", views[2]["key_error"])
	assert.Equal(t, "", views[2]["key"])
	assert.NotContains(t, r.stdout, canary)
}

// TestAccountsCheckWithMissingKeys: an account with no key fails the check
// with the reason, nothing is sent for it, and the others are checked.
func TestAccountsCheckWithMissingKeys(t *testing.T) {
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	config := func(extra string) string {
		return writeConfig(t, `integrations:
  openai:
    default: good
    accounts:
      good:
        api_key: `+openaitest.DefaultAPIKey+`
        base_url: `+fake.BaseURL()+`
      work:
        api_key_env: OPENAI_WORK_KEY
        base_url: `+fake.BaseURL()+`
`+extra)
	}
	missingOnly := config("")
	r := runCLI(t, context.Background(), nil, "--config", missingOnly, "accounts", "check")
	assert.Equal(t, ExitCredentials, r.code, "the only failure is a missing key: %s", r.stderr)
	assert.Regexp(t, `(?m)^openai/good: ok \(\d+ models\)$`, r.stdout)
	assert.Contains(t, r.stdout, "openai/work: openai_list_models (account work): environment variable OPENAI_WORK_KEY (api_key_env) is not set\n")
	assert.Equal(t, "kosmo: 1 of 2 accounts failed the check (1 without a key)\n", r.stderr)
	require.Len(t, fake.Requests(), 1, "nothing was sent for the account with no key")
	assert.Equal(t, "Bearer "+openaitest.DefaultAPIKey, fake.Requests()[0].Header.Get("Authorization"))

	r = runCLI(t, context.Background(), nil, "--config", missingOnly, "accounts", "check", "--json", "work")
	assert.Equal(t, ExitCredentials, r.code)
	var results []checkView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &results))
	require.Len(t, results, 1)
	assert.Equal(t, checkView{Integration: "openai", Account: "work", Error: "openai_list_models (account work): environment variable OPENAI_WORK_KEY (api_key_env) is not set",
		KeyError: "environment variable OPENAI_WORK_KEY (api_key_env) is not set"}, results[0])

	withRejected := config("      bad:\n        api_key: " + canary + "\n        base_url: " + fake.BaseURL() + "\n")
	r = runCLI(t, context.Background(), nil, "--config", withRejected, "accounts", "check")
	assert.Equal(t, ExitAPI, r.code, "an API failure outranks a missing key")
	assert.Contains(t, r.stdout, "openai/bad: openai_list_models (account bad): HTTP 401")
	assert.Contains(t, r.stdout, "openai/work: openai_list_models (account work): environment variable OPENAI_WORK_KEY")
	assert.Equal(t, "kosmo: 2 of 3 accounts failed the check (1 without a key)\n", r.stderr)
}

// TestAccountsCheckWithNothingConfigured: a check of nothing says so and is
// not a success.
func TestAccountsCheckWithNothingConfigured(t *testing.T) {
	const msg = "kosmo: no account is configured, so there is nothing to check: set OPENAI_API_KEY, or add accounts to a config file (see 'kosmo accounts --help')\n"
	for _, args := range [][]string{{"accounts", "check"}, {"accounts", "check", "work"}} {
		r := runCLI(t, context.Background(), nil, args...)
		assert.Equal(t, ExitCredentials, r.code, "%v", args)
		assert.Empty(t, r.stdout)
		assert.Equal(t, msg, r.stderr)
	}
	r := runCLI(t, context.Background(), nil, "accounts", "check", "--json")
	assert.Equal(t, ExitCredentials, r.code)
	assert.JSONEq(t, "[]", r.stdout)
	assert.Equal(t, msg, r.stderr)

	r = runCLI(t, context.Background(), nil, "accounts")
	assert.Equal(t, ExitOK, r.code, "listing nothing is fine")
	assert.Contains(t, r.stdout, "(none: set OPENAI_API_KEY")
}

// TestAccountsCheckTimeout: a server that never answers holds up only its
// own account, for --timeout, and the other accounts are still checked.
func TestAccountsCheckTimeout(t *testing.T) {
	stalled, good := openaitest.NewServer(), openaitest.NewServer()
	t.Cleanup(stalled.Close)
	t.Cleanup(good.Close)
	stalled.InjectFault(openaitest.Fault{Path: "/v1/models", Hang: true})
	cfg := writeConfig(t, `integrations:
  openai:
    default: good
    accounts:
      good:
        api_key: `+openaitest.DefaultAPIKey+`
        base_url: `+good.BaseURL()+`
      stalled:
        api_key: `+openaitest.DefaultAPIKey+`
        base_url: `+stalled.BaseURL()+`
`)
	start := time.Now()
	r := runCLI(t, context.Background(), nil, "--config", cfg, "accounts", "check", "--timeout", "300ms")
	assert.Equal(t, ExitAPI, r.code, r.stderr)
	assert.Regexp(t, `(?m)^openai/good: ok \(\d+ models\)$`, r.stdout)
	assert.Contains(t, r.stdout, "openai/stalled: openai_list_models: time limit (--timeout 300ms) reached")
	assert.Less(t, time.Since(start), 30*time.Second, "bounded by the timeout, not the attempt timeout")
}
