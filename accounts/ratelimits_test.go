package accounts_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
)

// TestRateLimitsSettings: an account's rate_limits (in every format) reach
// the account; rate_limit_store comes from the file or, winning,
// KOSMO_RATE_LIMIT_STORE.
func TestRateLimitsSettings(t *testing.T) {
	cases := []struct {
		file, text string
		want       integration.RateLimits
	}{
		{"c.yaml", "rate_limit_store: redis://file:6379/0\nintegrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY\n        rate_limits: {rpm: 600, tpm: 60000}\n", integration.RateLimits{RPM: 600, TPM: 60000}},
		{"c.toml", "rate_limit_store = \"redis://file:6379/0\"\n[integrations.openai.accounts.work]\napi_key_env = \"WORK_KEY\"\nrate_limits = { tpm = 90000 }\n", integration.RateLimits{TPM: 90000}},
		{"c.json", `{"rate_limit_store": "redis://file:6379/0", "integrations": {"openai": {"accounts": {"work": {"api_key_env": "WORK_KEY", "rate_limits": {"rpm": 5000.0}}}}}}`, integration.RateLimits{RPM: 5000}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := write(t, t.TempDir(), c.file, c.text)
			vars := map[string]string{"WORK_KEY": "sk-work-000000000000"}
			l, err := accounts.LoadAll(accounts.Sources{ConfigFile: path, Getenv: env(vars)}, []*integration.Integration{openai.New()})
			require.NoError(t, err)
			assert.Equal(t, "redis://file:6379/0", l.RateLimitStore)
			vars["KOSMO_RATE_LIMIT_STORE"] = "env:REDIS_URL"
			cfg, _, err := load(t, accounts.Sources{ConfigFile: path, Getenv: env(vars)})
			require.NoError(t, err)
			assert.Equal(t, c.want, cfg["openai"].Get("work").RateLimits)
			l, err = accounts.LoadAll(accounts.Sources{ConfigFile: path, Getenv: env(vars)}, []*integration.Integration{openai.New()})
			require.NoError(t, err)
			assert.Equal(t, "env:REDIS_URL", l.RateLimitStore)
		})
	}
}

func TestRateLimitsErrors(t *testing.T) {
	account := func(lines string) string {
		return "integrations:\n  openai:\n    accounts:\n      work:\n        api_key_env: WORK_KEY\n        " + lines + "\n"
	}
	const path = "integrations.openai.accounts.work.rate_limits"
	checkConfigErrors(t, []configCase{
		{"not a map", "config.yaml", account("rate_limits: 600"), ", line 6: " + path + ": a map with the keys rpm and tpm (requests and tokens per minute) expected, got the number 600"},
		{"unknown key", "config.yaml", account("rate_limits: {rps: 10}"), ", line 6: " + path + ".rps: unknown key; did you mean 'rpm'? (known: rpm, tpm)"},
		{"zero", "config.yaml", account("rate_limits: {rpm: 0}"), ", line 6: " + path + ".rpm: a whole number from 1 to 1000000000 expected (per minute), got the number 0"},
		{"a string", "config.yaml", account(`rate_limits: {tpm: "60k"}`), `, line 6: ` + path + `.tpm: a whole number from 1 to 1000000000 expected (per minute), got the string "60k"`},
		{"a fraction", "config.toml", "[integrations.openai.accounts.work]\napi_key_env = \"WORK_KEY\"\nrate_limits = { rpm = 1.5 }\n", ", line 3: " + path + ".rpm: a whole number from 1 to 1000000000 expected (per minute), got the number 1.5"},
		{"too large", "config.yaml", account("rate_limits: {tpm: 60000000000}"), ", line 6: " + path + ".tpm: a whole number from 1 to 1000000000 expected (per minute), got the number 60000000000"},
		{"rate_limit_store as a number", "config.yaml", "rate_limit_store: 6379\n", ", line 1: rate_limit_store: a string expected, got the number 6379"},
	})
}
