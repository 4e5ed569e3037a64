package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
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
		{"password parameter", "redis://127.0.0.1:1/0?password=" + password, "config: rate_limit_store redis://127.0.0.1:1/0?password=xxxxx: "},
		{"mistyped scheme", "redis//:" + password + "@127.0.0.1:1", "config: rate_limit_store: a redis:// or rediss:// URL expected, got (unparsable URL)"},
		{"unparsable", "redis://:" + password + "@[::1/0", "config: rate_limit_store redis://(unparsable URL): "},
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

// TestFakeKeepsRateBudgetsInProcess: with --fake, kosmo run and kosmo mcp
// serve never connect to the configured rate_limit_store (here one that
// cannot be reached): offline runs take no share of the shared budgets.
func TestFakeKeepsRateBudgetsInProcess(t *testing.T) {
	vars := map[string]string{"KOSMO_RATE_LIMIT_STORE": "redis://127.0.0.1:1/0"}
	r := runCLI(t, context.Background(), vars, "run", "--fake", "-e", `return app.integrations.openai.openai_chat_completion{ model = "gpt-4o-mini", messages = { { role = "user", content = "Hi" } } }.object`)
	assert.Equal(t, ExitOK, r.code, r.stderr)
	assert.Equal(t, "\"chat.completion\"\n", r.stdout)
	assert.Empty(t, r.stderr)

	r = runCLI(t, context.Background(), vars, "mcp", "serve", "--fake")
	assert.Equal(t, ExitOK, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "rate_limit_store")
}

// TestInterruptWhileConnectingToRateStore: an interrupt while the
// rate_limit_store does not answer (a server that accepts and stays
// silent) ends kosmo at once with ExitInterrupted.
func TestInterruptWhileConnectingToRateStore(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	vars := map[string]string{"OPENAI_API_KEY": "sk-test", "KOSMO_RATE_LIMIT_STORE": "redis://" + ln.Addr().String() + "/0"}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	r := runCLI(t, ctx, vars, "run", "-e", "return 1")
	assert.Equal(t, ExitInterrupted, r.code, r.stderr)
	assert.Less(t, time.Since(start), 2500*time.Millisecond, "not the connect timeout")
}

// TestRateStoreOutageFailsClosed: once the rate_limit_store cannot be
// reached, a call that names a model fails as a connection_error naming
// it, and nothing is sent (a Redis of its own, stopped mid-script).
func TestRateStoreOutageFailsClosed(t *testing.T) {
	redisServer, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	require.NoError(t, ln.Close())
	redis := exec.Command(redisServer, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	require.NoError(t, redis.Start())
	stopped := make(chan error, 1)
	go func() { stopped <- redis.Wait() }()
	t.Cleanup(func() { _ = redis.Process.Kill() })
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	}, 30*time.Second, 20*time.Millisecond, "redis-server did not start")

	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	cfg := writeConfig(t, "rate_limit_store: redis://127.0.0.1:"+port+"/0\nintegrations:\n  openai:\n    accounts:\n      default:\n        api_key: "+openaitest.DefaultAPIKey+
		"\n        base_url: "+fake.BaseURL()+"\n        rate_limits: {rpm: 1000}\n")
	go func() { // Redis stops once the first call has been answered
		for len(fake.Requests()) == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		_ = redis.Process.Kill()
		<-stopped
	}()
	r := runCLI(t, context.Background(), nil, "--config", cfg, "run", "-e", `
local openai = app.integrations.openai
local function chat() return openai.openai_chat_completion{ model = "gpt-4o-mini", messages = { { role = "user", content = "Hi" } } } end
print(chat().object)
sleep(3)
local ok, err = pcall(chat)
print(ok, err.type, err.message:find("rate_limit_store", 1, true) ~= nil)`)
	require.Equal(t, ExitOK, r.code, r.stderr)
	assert.Equal(t, "chat.completion\nfalse\tconnection_error\ttrue\n", r.stdout)
	assert.Len(t, fake.Requests(), 1, "nothing was sent without its budget")
}
