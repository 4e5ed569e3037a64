package accounts_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/accounts"
)

// configCase is a config file and the error it must give, after
// "config FILE".
type configCase struct {
	name, file, text, want string
}

func checkConfigErrors(t *testing.T, tests []configCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, t.TempDir(), tt.file, tt.text)
			_, _, err := load(t, accounts.Sources{ConfigFile: path, Getenv: env(map[string]string{"WORK_KEY": "sk-work-000000000000"})})
			var ce *accounts.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, "config "+path+tt.want, err.Error())
			assert.NotContains(t, err.Error(), "sk-", "never a key")
		})
	}
}

// TestNamesAreNotCaseFolded: a name that is not a lowercase identifier, and
// two names that differ only in case, are refused, naming both and their
// lines, in every format; no setting is lost to case folding.
func TestNamesAreNotCaseFolded(t *testing.T) {
	collideYAML := `integrations:
  openai:
    default: work
    accounts:
      work:
        api_key_env: WORK_KEY
        read_only: true
      WORK:
        api_key: sk-other-000000000000
`
	collideTOML := `[integrations.openai]
default = "work"
[integrations.openai.accounts.work]
api_key_env = "WORK_KEY"
read_only = true
[integrations.openai.accounts.WORK]
api_key = "sk-other-000000000000"
`
	collideJSON := `{"integrations": {"openai": {"default": "work", "accounts": {
  "work": {"api_key_env": "WORK_KEY", "read_only": true},
  "WORK": {"api_key": "sk-other-000000000000"}}}}}
`
	const collision = "integrations.openai.accounts: 'work' (line %s) and 'WORK' (line %s) differ only in case; account names are lowercase identifiers: rename or remove one"
	checkConfigErrors(t, []configCase{
		{"capitalised account", "config.yaml", "integrations:\n  openai:\n    accounts:\n      Work:\n        api_key_env: WORK_KEY\n",
			", line 4: integrations.openai.accounts.Work: account names are lowercase identifiers (a-z, 0-9, _; starting with a letter); did you mean 'work'?"},
		{"capitalised account, TOML", "config.toml", "[integrations.openai.accounts.Work]\napi_key_env = \"WORK_KEY\"\n",
			", line 1: integrations.openai.accounts.Work: account names are lowercase identifiers (a-z, 0-9, _; starting with a letter); did you mean 'work'?"},
		{"capitalised account, JSON", "config.json", "{\"integrations\": {\"openai\": {\"accounts\": {\n  \"Work\": {\"api_key_env\": \"WORK_KEY\"}}}}}\n",
			", line 2: integrations.openai.accounts.Work: account names are lowercase identifiers (a-z, 0-9, _; starting with a letter); did you mean 'work'?"},
		{"work and WORK", "config.yaml", collideYAML, ", line 8: " + strings.Replace(strings.Replace(collision, "%s", "5", 1), "%s", "8", 1)},
		{"work and WORK, TOML", "config.toml", collideTOML, ", line 6: " + strings.Replace(strings.Replace(collision, "%s", "3", 1), "%s", "6", 1)},
		{"work and WORK, JSON", "config.json", collideJSON, ", line 3: " + strings.Replace(strings.Replace(collision, "%s", "2", 1), "%s", "3", 1)},
		{"the same account twice", "config.yaml", "integrations:\n  openai:\n    accounts:\n      work:\n        read_only: true\n      work:\n        api_key_env: WORK_KEY\n",
			", line 6: integrations.openai.accounts.work: the key is given twice (line 4 and line 6)"},
		{"the same account twice, JSON", "config.json", "{\"integrations\": {\"openai\": {\"accounts\": {\n\"work\": {\"read_only\": true},\n\"work\": {\"api_key_env\": \"WORK_KEY\"}}}}}",
			", line 3: integrations.openai.accounts.work: the key is given twice (line 2 and line 3)"},
		{"capitalised integration", "config.yaml", "integrations:\n  OpenAI:\n    accounts:\n      work:\n        api_key_env: WORK_KEY\n",
			", line 2: integrations.OpenAI: unknown integration; did you mean 'openai'? (known: openai)"},
		{"openai and OPENAI", "config.yaml", "integrations:\n  openai:\n    default: work\n  OPENAI:\n    default: work\n",
			", line 4: integrations: 'openai' (line 2) and 'OPENAI' (line 4) differ only in case; integration names are lowercase: remove one"},
		{"capitalised top key", "config.yaml", "Integrations:\n  openai: {}\n",
			", line 1: Integrations: unknown key; did you mean 'integrations'? (known: integrations, store, rate_limit_store)"},
		{"capitalised setting", "config.yaml", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY\n        Read_Only: true\n",
			", line 6: integrations.openai.accounts.work.Read_Only: unknown key; did you mean 'read_only'? (known: api_key, api_key_env, api_key_file, base_url, organization, project, timeout, max_retries, read_only, rate_limits, assistants, reasoning_models, drop_params, media_models)"},
		{"read_only and READ_ONLY", "config.yaml", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY\n        read_only: true\n        READ_ONLY: false\n",
			", line 7: integrations.openai.accounts.work: 'read_only' (line 6) and 'READ_ONLY' (line 7) differ only in case; keys are lowercase: remove one"},
		{"capitalised default", "config.yaml", "integrations:\n  openai:\n    default: Work\n    accounts:\n      work:\n        api_key_env: WORK_KEY\n",
			", line 3: integrations.openai.default: the default account 'Work' is not among the accounts (work); did you mean 'work'?"},
	})
}

// TestConfigErrorsNameFileLineAndKey: unknown keys at every level, wrong
// types and bad values are reported with the file, the line, the key path
// and the likely key, in kosmo's words rather than a decoder's.
func TestConfigErrorsNameFileLineAndKey(t *testing.T) {
	account := func(lines string) string {
		return "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY\n        " + lines + "\n"
	}
	const known = " (known: api_key, api_key_env, api_key_file, base_url, organization, project, timeout, max_retries, read_only, rate_limits, assistants, reasoning_models, drop_params, media_models)"
	checkConfigErrors(t, []configCase{
		// unknown keys, level by level
		{"top level", "config.yaml", "stores: /tmp/x.db\n", ", line 1: stores: unknown key; did you mean 'store'? (known: integrations, store, rate_limit_store)"},
		{"integration level", "config.yaml", "integrations:\n  openai:\n    defualt: work\n", ", line 3: integrations.openai.defualt: unknown key; did you mean 'default'? (known: default, accounts)"},
		{"integration level, accounts", "config.yaml", "integrations:\n  openai:\n    acounts:\n      work: {}\n", ", line 3: integrations.openai.acounts: unknown key; did you mean 'accounts'? (known: default, accounts)"},
		{"an account directly under the integration", "config.yaml", "integrations:\n  openai:\n    work:\n      api_key_env: WORK_KEY\n", ", line 3: integrations.openai.work: unknown key (known: default, accounts)"},
		{"account level", "config.yaml", account("organisation: org-1"), ", line 6: integrations.openai.accounts.work.organisation: unknown key; did you mean 'organization'?" + known},
		{"account level, TOML", "config.toml", "[integrations.openai.accounts.work]\napi_key_env = \"WORK_KEY\"\norganisation = \"org-1\"\n",
			", line 3: integrations.openai.accounts.work.organisation: unknown key; did you mean 'organization'?" + known},
		{"account level, TOML inline table", "config.toml", "[integrations.openai]\naccounts = { work = { api_key_env = \"WORK_KEY\", organisation = \"org-1\" } }\n",
			", line 2: integrations.openai.accounts.work.organisation: unknown key; did you mean 'organization'?" + known},
		{"account level, JSON", "config.json", "{\n  \"integrations\": {\n    \"openai\": {\n      \"accounts\": {\n        \"work\": {\n          \"api_key_env\": \"WORK_KEY\",\n          \"organisation\": \"org-1\"\n        }\n      }\n    }\n  }\n}\n",
			", line 7: integrations.openai.accounts.work.organisation: unknown key; did you mean 'organization'?" + known},
		// wrong types: never coerced
		{"max_retries as a string", "config.yaml", account(`max_retries: "3"`), `, line 6: integrations.openai.accounts.work.max_retries: an integer from 0 to 10 expected, got the string "3"`},
		{"max_retries as a string, JSON", "config.json", "{\"integrations\": {\"openai\": {\"accounts\": {\"work\": {\n\"api_key_env\": \"WORK_KEY\",\n\"max_retries\": \"3\"}}}}}",
			`, line 3: integrations.openai.accounts.work.max_retries: an integer from 0 to 10 expected, got the string "3"`},
		{"max_retries as a string, TOML", "config.toml", "[integrations.openai.accounts.work]\napi_key_env = \"WORK_KEY\"\nmax_retries = \"3\"\n",
			`, line 3: integrations.openai.accounts.work.max_retries: an integer from 0 to 10 expected, got the string "3"`},
		{"max_retries with a fraction", "config.yaml", account("max_retries: 1.5"), ", line 6: integrations.openai.accounts.work.max_retries: an integer from 0 to 10 expected, got the number 1.5"},
		{"read_only as a string", "config.yaml", account(`read_only: "yes"`), `, line 6: integrations.openai.accounts.work.read_only: true or false expected, got the string "yes"`},
		{"read_only with no value", "config.yaml", account("read_only:"), ", line 6: integrations.openai.accounts.work.read_only: true or false expected, got no value"},
		{"timeout as a number", "config.yaml", account("timeout: 30"), `, line 6: integrations.openai.accounts.work.timeout: a duration such as "30s" expected, got the number 30`},
		{"api_key is never echoed", "config.yaml", "integrations:\n  openai:\n    accounts:\n      work:\n        api_key: 123456789012345\n", ", line 5: integrations.openai.accounts.work.api_key: a string expected, got a number"},
		{"store as a number", "config.yaml", "store: 3\n", ", line 1: store: a string expected, got the number 3"},
		{"integrations as a list", "config.yaml", "integrations:\n  - openai\n", ", line 2: integrations: a map from integration names to their settings expected, got a list"},
		{"an account as a string", "config.yaml", "integrations:\n  openai:\n    accounts:\n      work: WORK_KEY\n", `, line 4: integrations.openai.accounts.work: a map of account settings (api_key_env, base_url, …) expected, got the string "WORK_KEY"`},
		{"a setting as a number", "config.yaml", account("assistants: 1"), ", line 6: integrations.openai.accounts.work.assistants: a string expected, got the number 1"},
		// bad values
		{"a setting's value", "config.yaml", account("assistants: nativ"), ", line 6: integrations.openai.accounts.work.assistants: one of responses, native expected, got 'nativ'; did you mean 'native'?"},
		{"max_retries out of range", "config.yaml", account("max_retries: 11"), ", line 6: integrations.openai.accounts.work.max_retries: an integer from 0 to 10 expected, got 11"},
		{"timeout", "config.toml", "[integrations.openai.accounts.work]\napi_key_env = \"WORK_KEY\"\ntimeout = \"-1s\"\n", `, line 3: integrations.openai.accounts.work.timeout: a positive duration such as "30s" expected, got "-1s"`},
		// syntax
		{"YAML syntax", "config.yaml", "integrations:\n  openai: [\n", ", line 2: not valid YAML: did not find expected node content"},
		{"TOML syntax", "config.toml", "[integrations.openai]\ndefault = \n", ", line 2: not valid TOML: incomplete number"},
		{"JSON syntax", "config.json", "{\"integrations\": {\n  \"openai\": {,}}}", ", line 2: not valid JSON: invalid character ','"},
		{"two JSON values", "config.json", "{}\n{}\n", ", line 2: not valid JSON: more than one value in the file"},
		{"unknown format", "config.ini", "[integrations]\n", `: unknown format ".ini": name the file .yaml, .yml, .toml or .json`},
	})
}

// TestSettingsAndYAMLFeatures: an integration's own setting still loads,
// anchors and merge keys work, and an empty file is no accounts.
func TestSettingsAndYAMLFeatures(t *testing.T) {
	text := `base: &base
  api_key_env: WORK_KEY
  assistants: native
integrations:
  openai:
    default: work
    accounts:
      work:
        <<: *base
        read_only: true
      play:
        <<: *base
        assistants: responses
`
	_, _, err := load(t, accounts.Sources{ConfigFile: write(t, t.TempDir(), "c.yaml", text)})
	require.Error(t, err, "base is not a kosmo key")
	assert.Contains(t, err.Error(), ", line 1: base: unknown key")

	text = strings.Replace(text, "base: &base\n  api_key_env: WORK_KEY\n  assistants: native\nintegrations:\n  openai:\n",
		"integrations:\n  openai:\n", 1)
	text = strings.Replace(text, "    accounts:\n      work:\n        <<: *base\n", "    accounts:\n      work: &base\n        api_key_env: WORK_KEY\n        assistants: native\n", 1)
	cfg, _, err := load(t, accounts.Sources{ConfigFile: write(t, t.TempDir(), "c.yaml", text), Getenv: env(map[string]string{"WORK_KEY": "sk-work-000000000000"})})
	require.NoError(t, err)
	set := cfg["openai"]
	assert.Equal(t, []string{"play", "work"}, set.Names())
	assert.Equal(t, "native", set.Get("work").Settings["assistants"])
	assert.True(t, set.Get("work").ReadOnly)
	play := set.Get("play")
	assert.Equal(t, "responses", play.Settings["assistants"], "the map's own key wins over the merged one")
	assert.Equal(t, "env WORK_KEY", play.KeySource, "merged from work")

	for _, name := range []string{"empty.yaml", "empty.toml", "empty.json"} {
		cfg, _, err := load(t, accounts.Sources{ConfigFile: write(t, t.TempDir(), name, "\n")})
		require.NoError(t, err, name)
		assert.Empty(t, cfg["openai"].Names(), name)
	}
}

// TestYAMLAliasesAreBounded: aliases that expand to a huge tree are refused
// rather than expanded.
func TestYAMLAliasesAreBounded(t *testing.T) {
	text := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g"} {
		text += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = name
	}
	path := write(t, t.TempDir(), "c.yaml", text)
	_, _, err := load(t, accounts.Sources{ConfigFile: path})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not valid YAML: more than 100000 values once aliases are expanded")
}
