package accounts_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

func load(t *testing.T, src accounts.Sources) (accounts.Config, string, error) {
	return accounts.Load(src, []*integration.Integration{openai.New()})
}

func TestEnvironmentMakesTheDefault(t *testing.T) {
	cfg, file, err := load(t, accounts.Sources{Getenv: env(map[string]string{
		"OPENAI_API_KEY": "sk-env-key-000000000000", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
		"OPENAI_ORG_ID": "org-1", "OPENAI_PROJECT_ID": "proj_1",
	}), HomeDir: t.TempDir(), WorkDir: t.TempDir()})
	require.NoError(t, err)
	assert.Empty(t, file)
	set := cfg["openai"]
	require.Equal(t, []string{"default"}, set.Names())
	a := set.Get("default")
	assert.Equal(t, "sk-env-key-000000000000", a.Key.Reveal())
	assert.Equal(t, "env OPENAI_API_KEY", a.KeySource)
	assert.Equal(t, "http://127.0.0.1:9/v1", a.BaseURL)
	assert.Equal(t, "org-1", a.Organization)
	assert.Equal(t, "proj_1", a.Project)
}

func TestNoKeyNoAccounts(t *testing.T) {
	cfg, _, err := load(t, accounts.Sources{HomeDir: t.TempDir(), WorkDir: t.TempDir()})
	require.NoError(t, err)
	assert.Empty(t, cfg["openai"].Names())
}

const twoAccounts = `integrations:
  openai:
    default: work
    accounts:
      work:
        api_key_env: WORK_KEY
        base_url: http://127.0.0.1:1/v1
        organization: org-work
        project: proj_work
        timeout: 30s
        max_retries: 1
      personal:
        api_key: sk-personal-literal-0000
        read_only: true
`

func TestConfigFileFormats(t *testing.T) {
	files := map[string]string{
		"config.yaml": twoAccounts,
		"config.toml": `[integrations.openai]
default = "work"
[integrations.openai.accounts.work]
api_key_env = "WORK_KEY"
base_url = "http://127.0.0.1:1/v1"
organization = "org-work"
project = "proj_work"
timeout = "30s"
max_retries = 1
[integrations.openai.accounts.personal]
api_key = "sk-personal-literal-0000"
read_only = true
`,
		"config.json": `{"integrations":{"openai":{"default":"work","accounts":{
  "work":{"api_key_env":"WORK_KEY","base_url":"http://127.0.0.1:1/v1","organization":"org-work","project":"proj_work","timeout":"30s","max_retries":1},
  "personal":{"api_key":"sk-personal-literal-0000","read_only":true}}}}}`,
	}
	for name, text := range files {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := write(t, dir, name, text)
			cfg, file, err := load(t, accounts.Sources{ConfigFile: path, Getenv: env(map[string]string{"WORK_KEY": "sk-work-from-env-1111"})})
			require.NoError(t, err)
			assert.Equal(t, path, file)
			set := cfg["openai"]
			assert.Equal(t, []string{"personal", "work"}, set.Names())
			assert.Equal(t, "work", set.Default)
			w := set.Get("default")
			require.NotNil(t, w)
			assert.Equal(t, "work", w.Name)
			assert.Equal(t, "sk-work-from-env-1111", w.Key.Reveal())
			assert.Equal(t, "env WORK_KEY", w.KeySource)
			assert.Equal(t, "org-work", w.Organization)
			assert.Equal(t, 30*time.Second, w.Timeout)
			require.NotNil(t, w.MaxRetries)
			assert.Equal(t, 1, *w.MaxRetries)
			p := set.Get("personal")
			assert.Equal(t, "config", p.KeySource)
			assert.True(t, p.ReadOnly)
		})
	}
}

func TestSearchPath(t *testing.T) {
	home, work, xdg := t.TempDir(), t.TempDir(), t.TempDir()
	one := "integrations:\n  openai:\n    accounts:\n      %s:\n        api_key: sk-aaaaaaaaaaaaaaaa\n"
	inWork := write(t, work, "kosmo.yaml", sprintf(one, "fromwork"))
	_, file, err := load(t, accounts.Sources{HomeDir: home, WorkDir: work})
	require.NoError(t, err)
	assert.Equal(t, inWork, file, "working directory last")

	inHome := write(t, home, ".config/kosmo/config.yaml", sprintf(one, "fromhome"))
	_, file, err = load(t, accounts.Sources{HomeDir: home, WorkDir: work})
	require.NoError(t, err)
	assert.Equal(t, inHome, file, "~/.config before the working directory")

	inXDG := write(t, xdg, "kosmo/config.toml", "[integrations.openai.accounts.fromxdg]\napi_key = \"sk-bbbbbbbbbbbbbbbb\"\n")
	cfg, file, err := load(t, accounts.Sources{HomeDir: home, WorkDir: work, Getenv: env(map[string]string{"XDG_CONFIG_HOME": xdg})})
	require.NoError(t, err)
	assert.Equal(t, inXDG, file, "XDG_CONFIG_HOME first")
	assert.Equal(t, "fromxdg", cfg["openai"].Default, "the only account is the default")

	explicit := write(t, t.TempDir(), "mine.yml", sprintf(one, "explicit"))
	_, file, err = load(t, accounts.Sources{ConfigFile: explicit, HomeDir: home, WorkDir: work, Getenv: env(map[string]string{"KOSMO_CONFIG": inWork})})
	require.NoError(t, err)
	assert.Equal(t, explicit, file, "--config wins")
	_, file, err = load(t, accounts.Sources{HomeDir: home, WorkDir: work, Getenv: env(map[string]string{"KOSMO_CONFIG": inWork, "XDG_CONFIG_HOME": xdg})})
	require.NoError(t, err)
	assert.Equal(t, inWork, file, "KOSMO_CONFIG before the search")
}

func TestConfigErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"unknown key", "integrations:\n  openai:\n    accounts:\n      work:\n        api_kee: x\n", "line 5: integrations.openai.accounts.work.api_kee: unknown key; did you mean 'api_key'?"},
		{"unknown top key", "accounts:\n  work: 1\n", "line 1: accounts: unknown key (known: integrations, store, rate_limit_store)"},
		{"unknown integration", "integrations:\n  opnai:\n    accounts:\n      a:\n        api_key: k\n", "line 2: integrations.opnai: unknown integration; did you mean 'openai'? (known: openai)"},
		{"malformed yaml", "integrations:\n  openai: [\n", "line 2: not valid YAML: did not find expected node content"},
		{"bad name", "integrations:\n  openai:\n    accounts:\n      9work:\n        api_key: sk-1\n", "line 4: integrations.openai.accounts.9work: account names are lowercase identifiers"},
		{"collides with a function", "integrations:\n  openai:\n    accounts:\n      openai_list_models:\n        api_key: sk-1\n", "collides with the function openai_list_models"},
		{"two keys", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key: a\n        api_key_env: B\n", "line 4: integrations.openai.accounts.work: api_key and api_key_env are both set: set only one of api_key, api_key_env, api_key_file"},
		{"no default among many", "integrations:\n  openai:\n    accounts:\n      a:\n        api_key: k\n      b:\n        api_key: k\n", "line 3: integrations.openai.accounts: 2 accounts and no default: set integrations.openai.default to one of a, b"},
		{"default not an account", "integrations:\n  openai:\n    default: c\n    accounts:\n      a:\n        api_key: k\n", "line 3: integrations.openai.default: the default account 'c' is not among the accounts (a)"},
		{"default misused", "integrations:\n  openai:\n    default: a\n    accounts:\n      a:\n        api_key: k\n      default:\n        api_key: k\n", "line 7: integrations.openai.accounts.default: an account named 'default' must be the default account (default is 'a')"},
		{"bad timeout", "integrations:\n  openai:\n    accounts:\n      a:\n        api_key: k\n        timeout: soon\n", `line 6: integrations.openai.accounts.a.timeout: a positive duration such as "30s" expected, got "soon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, t.TempDir(), "config.yaml", tt.text)
			_, _, err := load(t, accounts.Sources{ConfigFile: path})
			var ce *accounts.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "config "+path+", line "), "names the file and the line: %s", err)
		})
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	key := write(t, dir, "work.key", "sk-from-file-2222222222\n")
	path := write(t, dir, "config.yaml", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_file: "+key+"\n")
	cfg, _, err := load(t, accounts.Sources{ConfigFile: path})
	require.NoError(t, err)
	a := cfg["openai"].Get("work")
	assert.Equal(t, "sk-from-file-2222222222", a.Key.Reveal())
	assert.Equal(t, "file "+key, a.KeySource)
}

func TestKeyFileInHome(t *testing.T) {
	home := t.TempDir()
	write(t, home, ".config/kosmo/personal.key", "sk-home-key-333333333333")
	path := write(t, t.TempDir(), "config.yaml", "integrations:\n  openai:\n    accounts:\n      personal:\n        api_key_file: ~/.config/kosmo/personal.key\n")
	cfg, _, err := load(t, accounts.Sources{ConfigFile: path, HomeDir: home})
	require.NoError(t, err)
	assert.Equal(t, "sk-home-key-333333333333", cfg["openai"].Get("personal").Key.Reveal())
}

func TestMissingConfigFile(t *testing.T) {
	_, _, err := load(t, accounts.Sources{ConfigFile: "/nonexistent/kosmo.yaml"})
	var ce *accounts.ConfigError
	require.ErrorAs(t, err, &ce)
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

// TestPrecedence: defaults < file < environment < flags.
func TestPrecedence(t *testing.T) {
	file := write(t, t.TempDir(), "config.yaml", twoAccounts)
	base := map[string]string{"WORK_KEY": "sk-work-from-env-1111"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name                           string
		config                         string
		vars                           map[string]string
		flag                           string
		wantDefault, wantKey, wantFrom string
		wantBaseURL, wantOrg           string
	}{
		{"defaults only", "", map[string]string{"OPENAI_API_KEY": "sk-env-aaaaaaaaaaaa"}, "", "default", "sk-env-aaaaaaaaaaaa", "env OPENAI_API_KEY", "", ""},
		{"file", file, base, "", "work", "sk-work-from-env-1111", "env WORK_KEY", "http://127.0.0.1:1/v1", "org-work"},
		{"environment over file", file, with(map[string]string{"OPENAI_API_KEY": "sk-env-bbbbbbbbbbbb", "OPENAI_BASE_URL": "http://127.0.0.1:2/v1", "OPENAI_ORG_ID": "org-env"}), "", "work", "sk-env-bbbbbbbbbbbb", "env OPENAI_API_KEY", "http://127.0.0.1:2/v1", "org-env"},
		{"env chooses the default", file, with(map[string]string{"KOSMO_OPENAI_ACCOUNT": "personal"}), "", "personal", "sk-personal-literal-0000", "config", "", ""},
		{"flag over env", file, with(map[string]string{"KOSMO_OPENAI_ACCOUNT": "personal"}), "work", "work", "sk-work-from-env-1111", "env WORK_KEY", "http://127.0.0.1:1/v1", "org-work"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := load(t, accounts.Sources{ConfigFile: tt.config, Getenv: env(tt.vars), Account: tt.flag, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
			require.NoError(t, err)
			set := cfg["openai"]
			assert.Equal(t, tt.wantDefault, set.Default)
			a := set.Get("default")
			require.NotNil(t, a)
			assert.Equal(t, tt.wantKey, a.Key.Reveal())
			assert.Equal(t, tt.wantFrom, a.KeySource)
			assert.Equal(t, tt.wantBaseURL, a.BaseURL)
			assert.Equal(t, tt.wantOrg, a.Organization)
		})
	}
}

func TestUnknownAccountChoice(t *testing.T) {
	file := write(t, t.TempDir(), "config.yaml", twoAccounts)
	for _, src := range []accounts.Sources{
		{ConfigFile: file, Getenv: env(map[string]string{"WORK_KEY": "k", "KOSMO_OPENAI_ACCOUNT": "marketing"})},
		{ConfigFile: file, Getenv: env(map[string]string{"WORK_KEY": "k"}), Account: "marketing"},
	} {
		_, _, err := load(t, src)
		require.ErrorIs(t, err, accounts.ErrUnknownAccount)
		assert.Contains(t, err.Error(), `"marketing", but openai has accounts personal, work`)
	}
}

func TestStrictTypes(t *testing.T) {
	for _, text := range []string{
		"integrations:\n  openai:\n    accounts:\n      a:\n        api_key: k\n        max_retries: \"3\"\n",
		"integrations:\n  openai:\n    accounts:\n      a:\n        api_key: k\n        read_only: \"yes\"\n",
	} {
		_, _, err := load(t, accounts.Sources{ConfigFile: write(t, t.TempDir(), "c.yaml", text)})
		var ce *accounts.ConfigError
		require.ErrorAs(t, err, &ce, text)
	}
}

// TestKeysThatCannotBeRead: by default an account whose key cannot be read
// is kept, with the reason, and the others load; RequireKeys makes it a load
// error marked ErrCredentials.
func TestKeysThatCannotBeRead(t *testing.T) {
	tests := []struct {
		name, settings, source, reason string
		line                           int
	}{
		{"unset variable", "api_key_env: NOT_SET_ANYWHERE", "env NOT_SET_ANYWHERE", "environment variable NOT_SET_ANYWHERE (api_key_env) is not set", 8},
		{"unreadable file", "api_key_file: /nonexistent/key", "file /nonexistent/key", "cannot read api_key_file /nonexistent/key: no such file or directory", 8},
		{"no key given", "base_url: http://x", "", "no API key: set api_key, api_key_env or api_key_file", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "integrations:\n  openai:\n    default: ok\n    accounts:\n      ok:\n        api_key: sk-fine-000000000000\n      a:\n        " + tt.settings + "\n"
			file := write(t, t.TempDir(), "c.yaml", text)
			cfg, _, err := load(t, accounts.Sources{ConfigFile: file})
			require.NoError(t, err)
			set := cfg["openai"]
			assert.Equal(t, []string{"a", "ok"}, set.Names(), "every account is kept")
			a := set.Get("a")
			assert.True(t, a.Key.IsZero())
			assert.Equal(t, tt.source, a.KeySource)
			assert.Equal(t, tt.reason, a.KeyError)
			assert.Empty(t, set.Get("ok").KeyError)
			assert.Equal(t, "sk-fine-000000000000", set.Get("ok").Key.Reveal())

			_, _, err = load(t, accounts.Sources{ConfigFile: file, RequireKeys: true})
			require.ErrorIs(t, err, accounts.ErrCredentials)
			require.ErrorIs(t, err, integration.ErrCredentials, "one sentinel")
			var ce *accounts.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tt.reason)
			assert.Equal(t, tt.line, ce.Line)
		})
	}
	_, _, err := load(t, accounts.Sources{ConfigFile: write(t, t.TempDir(), "c.yaml", "integrations:\n  openai:\n    accounts:\n      a:\n        api_kee: x\n"), RequireKeys: true})
	require.Error(t, err)
	assert.NotErrorIs(t, err, accounts.ErrCredentials)
}

// TestEnvironmentKeyReplacesAMissingOne: OPENAI_API_KEY overrides the
// default account's key, also one that could not be read.
func TestEnvironmentKeyReplacesAMissingOne(t *testing.T) {
	file := write(t, t.TempDir(), "c.yaml", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY_UNSET\n")
	cfg, _, err := load(t, accounts.Sources{ConfigFile: file, Getenv: env(map[string]string{"OPENAI_API_KEY": "sk-env-key-000000000000"})})
	require.NoError(t, err)
	w := cfg["openai"].Get("work")
	assert.Empty(t, w.KeyError)
	assert.Equal(t, "env OPENAI_API_KEY", w.KeySource)
}

// TestNothingConfiguredHasAStandIn: with no file and no key, the default
// account is a stand-in with no key that says how to configure one; it is
// not listed, and the environment's base URL applies to it.
func TestNothingConfiguredHasAStandIn(t *testing.T) {
	cfg, _, err := load(t, accounts.Sources{Getenv: env(map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}), HomeDir: t.TempDir(), WorkDir: t.TempDir()})
	require.NoError(t, err)
	set := cfg["openai"]
	assert.Empty(t, set.Names())
	a := set.Get("default")
	require.NotNil(t, a)
	assert.Equal(t, "default", a.Name)
	assert.True(t, a.Key.IsZero())
	assert.Equal(t, "no OpenAI account is configured: set OPENAI_API_KEY, or add accounts to the config file", a.KeyError)
	assert.Equal(t, "http://127.0.0.1:9/v1", a.BaseURL)
	assert.Nil(t, set.Get("work"))
	r, err := cfg.Resolve("openai", "")
	require.NoError(t, err)
	assert.Same(t, a, r)
	_, err = cfg.Resolve("openai", "work")
	require.ErrorIs(t, err, accounts.ErrUnknownAccount)

	cfg, _, err = load(t, accounts.Sources{IgnoreKeys: true, HomeDir: t.TempDir(), WorkDir: t.TempDir()})
	require.NoError(t, err)
	assert.Nil(t, cfg["openai"].Get("default"), "no stand-in when keys are ignored (the fake makes its own account)")
}

func TestReservedNames(t *testing.T) {
	_, _, err := load(t, accounts.Sources{ConfigFile: write(t, t.TempDir(), "c.yaml", "integrations:\n  openai:\n    accounts:\n      accounts:\n        api_key: k\n")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reserved for app.integrations.openai.accounts()")
}

func TestLooseKeyFileWarns(t *testing.T) {
	dir := t.TempDir()
	key := write(t, dir, "loose.key", "sk-loose-44444444444444")
	require.NoError(t, os.Chmod(key, 0o644))
	path := write(t, dir, "config.yaml", "integrations:\n  openai:\n    accounts:\n      a:\n        api_key_file: "+key+"\n")
	var warnings []string
	_, _, err := load(t, accounts.Sources{ConfigFile: path, Warn: func(s string) { warnings = append(warnings, s) }})
	require.NoError(t, err)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], "readable by group or others")
	assert.NotContains(t, warnings[0], "sk-loose")
	require.NoError(t, os.Chmod(key, 0o600))
	warnings = nil
	_, _, err = load(t, accounts.Sources{ConfigFile: path, Warn: func(s string) { warnings = append(warnings, s) }})
	require.NoError(t, err)
	assert.Empty(t, warnings)
}

// TestCallsThroughAnAccountWithNoKey: a call through an account whose key
// could not be read is refused before anything is sent, with an error that
// names the account and the reason and wraps ErrCredentials; a dry run's
// write, which sends nothing, goes on without the key.
func TestCallsThroughAnAccountWithNoKey(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"object":"list","data":[]}`))
	}))
	t.Cleanup(srv.Close)
	file := write(t, t.TempDir(), "c.yaml", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY_UNSET\n        base_url: "+srv.URL+"/v1\n")
	in := openai.New()
	cfg, _, err := accounts.Load(accounts.Sources{ConfigFile: file}, []*integration.Integration{in})
	require.NoError(t, err)
	acct := cfg["openai"].Get("work")
	read, write := in.Function("openai_list_models"), in.Function("openai_create_image")
	args := integration.Args{"prompt": "a cat"}

	for _, dryRun := range []bool{false, true} {
		caller := integration.Caller{Client: integration.NewClient(), Policy: integration.Policy{DryRun: dryRun}}
		_, info, err := caller.Call(context.Background(), in, read, acct, integration.Args{})
		require.ErrorIs(t, err, accounts.ErrCredentials, "a read is sent, dry run or not")
		var ae *integration.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, integration.TypeCredentials, ae.Type)
		assert.False(t, ae.Retryable)
		assert.Equal(t, "openai_list_models (account work): environment variable WORK_KEY_UNSET (api_key_env) is not set", err.Error())
		assert.Zero(t, info.Attempts)
	}
	caller := integration.Caller{Client: integration.NewClient()}
	_, _, err = caller.Call(context.Background(), in, write, acct, args)
	require.ErrorIs(t, err, accounts.ErrCredentials)

	caller.Policy.DryRun = true
	res, info, err := caller.Call(context.Background(), in, write, acct, args)
	require.NoError(t, err)
	assert.True(t, info.DryRun)
	plan := res.Value.(map[string]any)
	assert.Equal(t, srv.URL+"/v1/images/generations", plan["url"])
	assert.Zero(t, requests.Load(), "nothing was sent")
}
