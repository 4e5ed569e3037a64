package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSameConditionSameExitCode runs `kosmo run` and `kosmo call` under the
// same condition and expects the same exit code (the README's table) and the
// same reason from both.
func TestSameConditionSameExitCode(t *testing.T) {
	const key = "sk-test-key-000000000000"
	badConfig := writeConfig(t, "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY\n        organisation: org-1\n")
	collision := writeConfig(t, "integrations:\n  openai:\n    default: work\n    accounts:\n      work:\n        api_key: k\n        read_only: true\n      WORK:\n        api_key: k\n")
	unsetVar := writeConfig(t, "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY_UNSET\n")
	noFile := writeConfig(t, "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_file: /nonexistent/work.key\n")
	tests := []struct {
		name   string
		vars   map[string]string
		global []string
		code   int
		reason string
	}{
		{"no key", nil, nil, ExitCredentials,
			"openai_list_models (account default): no OpenAI account is configured: set OPENAI_API_KEY, or add accounts to the config file"},
		{"key variable not set", nil, []string{"--config", unsetVar}, ExitCredentials,
			"openai_list_models (account work): environment variable WORK_KEY_UNSET (api_key_env) is not set"},
		{"key file unreadable", nil, []string{"--config", noFile}, ExitCredentials,
			"openai_list_models (account work): cannot read api_key_file /nonexistent/work.key: no such file or directory"},
		{"unknown account", map[string]string{"OPENAI_API_KEY": key}, []string{"--account", "nobody"}, ExitAccount,
			`--account names "nobody", but openai has accounts default`},
		{"bad config", map[string]string{"WORK_KEY": key}, []string{"--config", badConfig}, ExitConfig,
			"config " + badConfig + ", line 6: integrations.openai.accounts.work.organisation: unknown key; did you mean 'organization'?"},
		{"names that differ only in case", nil, []string{"--config", collision}, ExitConfig,
			"config " + collision + ", line 8: integrations.openai.accounts: 'work' (line 5) and 'WORK' (line 8) differ only in case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := runCLI(t, context.Background(), tt.vars, append(tt.global, "run", "-e", "app.integrations.openai.openai_list_models()")...)
			call := runCLI(t, context.Background(), tt.vars, append(tt.global, "call", "openai.openai_list_models")...)
			assert.Equal(t, tt.code, run.code, "run: %s", run.stderr)
			assert.Equal(t, tt.code, call.code, "call: %s", call.stderr)
			assert.Contains(t, run.stderr, tt.reason)
			assert.Contains(t, call.stderr, tt.reason)
			assert.NotContains(t, run.stderr+call.stderr, key)
		})
	}
}

// TestDryRunNeedsNoKey: a dry run sends nothing, so a write's plan needs no
// key at all; a read is sent even in a dry run, so it still needs one.
func TestDryRunNeedsNoKey(t *testing.T) {
	unsetVar := writeConfig(t, "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY_UNSET\n        base_url: http://127.0.0.1:9/v1\n")
	for _, tt := range []struct {
		name   string
		global []string
		base   string
		acct   string
	}{
		{"no key, no config", nil, "https://api.openai.com/v1", "default"},
		{"key variable not set", []string{"--config", unsetVar}, "http://127.0.0.1:9/v1", "work"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, context.Background(), nil, append(tt.global, "run", "--dry-run", "-e",
				`local r = app.integrations.openai.openai_create_image{prompt = "a cat"}; print(r.dry_run, r.account, r.method, r.url, r.body.prompt)`)...)
			require.Equal(t, ExitOK, r.code, r.stderr)
			assert.Equal(t, "true\t"+tt.acct+"\tPOST\t"+tt.base+"/images/generations\ta cat\n", r.stdout)

			r = runCLI(t, context.Background(), nil, append(tt.global, "call", "--dry-run", "openai.openai_create_image", "-f", "prompt=a cat")...)
			require.Equal(t, ExitOK, r.code, r.stderr)
			var plan map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
			assert.Equal(t, true, plan["dry_run"])
			assert.Equal(t, tt.base+"/images/generations", plan["url"])

			r = runCLI(t, context.Background(), nil, append(tt.global, "call", "--dry-run", "openai.openai_create_thread")...)
			require.Equal(t, ExitOK, r.code, "a write carried by several requests: %s", r.stderr)
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
			assert.Equal(t, tt.base+"/conversations", plan["url"])

			r = runCLI(t, context.Background(), nil, append(tt.global, "run", "--dry-run", "-e", "app.integrations.openai.openai_list_models()")...)
			assert.Equal(t, ExitCredentials, r.code, "a read is sent, dry run or not: %s", r.stderr)
			r = runCLI(t, context.Background(), nil, append(tt.global, "call", "--dry-run", "openai.openai_list_models")...)
			assert.Equal(t, ExitCredentials, r.code, "a read is sent, dry run or not: %s", r.stderr)
		})
	}
}
