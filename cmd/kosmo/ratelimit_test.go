package main

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRateLimitStoreSettings: a rate_limit_store that is not Redis, names
// an unset variable or cannot be reached stops kosmo with a config error
// that never shows the URL's password; a reachable one serves the calls.
func TestRateLimitStoreSettings(t *testing.T) {
	const password = "r3dis-s3cret"
	vars, _ := assistantsServer(t)
	script := []string{"run", "-e", `return app.integrations.openai.openai_chat_completion{ model = "gpt-4o-mini", messages = { { role = "user", content = "Hi" } } }.object`}
	cases := []struct {
		name, setting, want string
	}{
		{"unreachable", "redis://:" + password + "@127.0.0.1:1/0", "config: rate_limit_store redis://:xxxxx@127.0.0.1:1/0: "},
		{"not Redis", "memcached://u:" + password + "@127.0.0.1:1", "config: rate_limit_store: a redis:// or rediss:// URL expected, got memcached://u:xxxxx@127.0.0.1:1"},
		{"unset variable", "env:KOSMO_NO_SUCH_VAR", "config: rate_limit_store: environment variable KOSMO_NO_SUCH_VAR (rate_limit_store: env:KOSMO_NO_SUCH_VAR) is not set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vars["KOSMO_RATE_LIMIT_STORE"] = c.setting
			r := runCLI(t, context.Background(), vars, script...)
			assert.Equal(t, ExitConfig, r.code, r.stderr)
			assert.Contains(t, r.stderr, c.want)
			assert.NotContains(t, r.stdout+r.stderr, password)
		})
	}

	url := os.Getenv("KOSMO_TEST_REDIS_URL")
	if url == "" {
		t.Skip("KOSMO_TEST_REDIS_URL is not set: run `source .ci/services.sh` (starts PostgreSQL and Redis) and test again")
	}
	vars["KOSMO_RATE_LIMIT_STORE"] = "env:REDIS_URL"
	vars["REDIS_URL"] = url
	r := runCLI(t, context.Background(), vars, script...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "\"chat.completion\"\n", r.stdout)
}

// TestFakeRateLimitFlags: kosmo fake refuses negative limits.
func TestFakeRateLimitFlags(t *testing.T) {
	r := runCLI(t, context.Background(), nil, "fake", "--rpm", "-5", "--addr", "127.0.0.1:0")
	assert.Equal(t, ExitUsage, r.code)
	assert.Contains(t, r.stderr, "--rpm and --tpm take a number of requests or tokens per minute (0 for no limit)")
}
