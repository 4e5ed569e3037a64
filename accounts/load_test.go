package accounts_test

import (
	"fmt"
	"os"
	"path/filepath"
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
		{"unknown key", "integrations:\n  openai:\n    accounts:\n      work:\n        api_kee: x\n", "api_kee"},
		{"unknown top key", "accounts:\n  work: 1\n", "accounts"},
		{"unknown integration", "integrations:\n  opnai:\n    accounts:\n      a:\n        api_key: k\n", `unknown integration "opnai"`},
		{"malformed yaml", "integrations:\n  openai: [\n", "config"},
		{"bad name", "integrations:\n  openai:\n    accounts:\n      9work:\n        api_key: sk-1\n", "lowercase identifiers"},
		{"collides with a function", "integrations:\n  openai:\n    accounts:\n      openai_list_models:\n        api_key: sk-1\n", "collides with the function openai_list_models"},
		{"missing env", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: NOPE_NOT_SET\n", "environment variable NOPE_NOT_SET (api_key_env) is not set"},
		{"no key", "integrations:\n  openai:\n    accounts:\n      work:\n        base_url: http://x\n", "no API key"},
		{"two keys", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key: a\n        api_key_env: B\n", "only one of"},
		{"no default among many", "integrations:\n  openai:\n    accounts:\n      a:\n        api_key: k\n      b:\n        api_key: k\n", "no default"},
		{"default not an account", "integrations:\n  openai:\n    default: c\n    accounts:\n      a:\n        api_key: k\n", `default account "c" is not among the accounts`},
		{"default misused", "integrations:\n  openai:\n    default: a\n    accounts:\n      a:\n        api_key: k\n      default:\n        api_key: k\n", `an account named "default" must be the default`},
		{"bad timeout", "integrations:\n  openai:\n    accounts:\n      a:\n        api_key: k\n        timeout: soon\n", `timeout "soon"`},
		{"unreadable key file", "integrations:\n  openai:\n    accounts:\n      a:\n        api_key_file: /nonexistent/key\n", "cannot read api_key_file /nonexistent/key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, t.TempDir(), "config.yaml", tt.text)
			_, _, err := load(t, accounts.Sources{ConfigFile: path})
			var ce *accounts.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), path, "names the file")
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

func TestCredentialErrorsAreMarked(t *testing.T) {
	for _, text := range []string{
		"integrations:\n  openai:\n    accounts:\n      a:\n        api_key_env: NOT_SET_ANYWHERE\n",
		"integrations:\n  openai:\n    accounts:\n      a:\n        api_key_file: /nonexistent/key\n",
		"integrations:\n  openai:\n    accounts:\n      a:\n        base_url: http://x\n",
	} {
		_, _, err := load(t, accounts.Sources{ConfigFile: write(t, t.TempDir(), "c.yaml", text)})
		require.ErrorIs(t, err, accounts.ErrCredentials, text)
	}
	_, _, err := load(t, accounts.Sources{ConfigFile: write(t, t.TempDir(), "c.yaml", "integrations:\n  openai:\n    accounts:\n      a:\n        api_kee: x\n")})
	assert.NotErrorIs(t, err, accounts.ErrCredentials)
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
