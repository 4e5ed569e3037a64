package ratelimit_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/integration/ratelimit"
	"github.com/kosmo-run/kosmo/luabridge"
)

// chatScript makes n chat calls and returns how many succeeded.
func chatScript(n int) string {
	return fmt.Sprintf(`
		local ok = 0
		for i = 1, %d do
			local r = app.integrations.openai.openai_chat_completion{ model = "gpt-4o-mini", max_tokens = 40,
				messages = { { role = "user", content = "Say something about the number " .. i } } }
			if r.choices[1].message.content ~= nil then ok = ok + 1 end
		end
		return ok`, n)
}

// host is a kosmo host calling fake through one account with limits,
// through a client with limiter (none when nil) and no retries.
func host(fake *openaitest.Server, limiter integration.AttemptLimiter, limits integration.RateLimits) *kosmo.Host {
	client := integration.NewClient()
	client.Limiter = limiter
	noRetries := 0
	return kosmo.New(kosmo.Options{Client: client, Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{{
		Name: "default", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: fake.BaseURL(),
		RateLimits: limits, MaxRetries: &noRetries,
	}}}}})
}

// runAll runs scripts concurrently on hosts (script i on hosts[i%len]) and
// returns their errors.
func runAll(ctx context.Context, hosts []*kosmo.Host, scripts int, src string) []error {
	errs := make([]error, scripts)
	var wg sync.WaitGroup
	for i := range scripts {
		wg.Go(func() {
			res, err := hosts[i%len(hosts)].Run(ctx, "load.lua", src)
			if err == nil && (len(res.Values) != 1 || res.Values[0] != float64(3)) {
				err = fmt.Errorf("script %d: %v", i, res.Values)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	return errs
}

// TestScriptsShareOneBudget: 8 scripts at once, 24 chat calls against a
// fake that allows 600 a minute (10 a second): with the budget of the
// account's rate_limits, every call succeeds without a 429 and without a
// retry (the account allows none); without a limiter the same run meets
// 429s.
func TestScriptsShareOneBudget(t *testing.T) {
	limits := integration.RateLimits{RPM: 600, TPM: 1_000_000}
	cases := []struct {
		name    string
		limiter func() *ratelimit.Limiter
		want429 bool
	}{
		{"shared budget", func() *ratelimit.Limiter { return ratelimit.New(ratelimit.NewMemory()) }, false},
		{"no budget", func() *ratelimit.Limiter { return nil }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := openaitest.NewServer(openaitest.WithRateLimits(openaitest.RateLimits{RPM: limits.RPM, TPM: limits.TPM}))
			defer fake.Close()
			var limiter integration.AttemptLimiter
			if l := c.limiter(); l != nil {
				limiter = l
			}
			h := host(fake, limiter, limits)
			errs := runAll(t.Context(), []*kosmo.Host{h}, 8, chatScript(3))
			if !c.want429 {
				for _, err := range errs {
					require.NoError(t, err)
				}
				assert.Zero(t, fake.RateLimited())
				assert.Len(t, fake.Requests(), 24)
				return
			}
			assert.NotZero(t, fake.RateLimited())
			var se *luabridge.ScriptError
			failed := 0
			for _, err := range errs {
				if err != nil {
					require.ErrorAs(t, err, &se)
					assert.Equal(t, "rate_limit_exceeded", se.Fields["code"])
					failed++
				}
			}
			assert.NotZero(t, failed)
		})
	}
}

// TestBudgetLearnedFromHeaders: an account without rate_limits learns its
// budget from the first answer's x-ratelimit-* headers, and the calls
// after it are paced: no 429.
func TestBudgetLearnedFromHeaders(t *testing.T) {
	fake := openaitest.NewServer(openaitest.WithRateLimits(openaitest.RateLimits{RPM: 600}))
	defer fake.Close()
	h := host(fake, ratelimit.New(ratelimit.NewMemory()), integration.RateLimits{})
	_, err := h.Run(t.Context(), "first.lua", chatScript(1))
	require.NoError(t, err)
	for _, err := range runAll(t.Context(), []*kosmo.Host{h}, 6, chatScript(3)) {
		require.NoError(t, err)
	}
	assert.Zero(t, fake.RateLimited())
}

// TestRateLimitedWithoutSending: a call whose share comes after the
// script's time limit raises a rate_limited error table at once, and
// sends nothing.
func TestRateLimitedWithoutSending(t *testing.T) {
	fake := openaitest.NewServer()
	defer fake.Close()
	limiter := ratelimit.New(ratelimit.NewMemory())
	h := host(fake, limiter, integration.RateLimits{RPM: 6}) // one every 10 s
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	res, err := h.Run(ctx, "limited.lua", `
		local openai = app.integrations.openai
		openai.openai_chat_completion{ model = "gpt-4o-mini", messages = { { role = "user", content = "one" } } }
		local ok, err = pcall(openai.openai_chat_completion, { model = "gpt-4o-mini", messages = { { role = "user", content = "two" } } })
		return ok, err.type, err.code, err.retryable, err.message`)
	require.NoError(t, err)
	require.Len(t, res.Values, 5)
	assert.Equal(t, false, res.Values[0])
	assert.Equal(t, "rate_limited", res.Values[1])
	assert.Equal(t, "rate_limited", res.Values[2])
	assert.Equal(t, true, res.Values[3])
	assert.Contains(t, res.Values[4], "openai_chat_completion (account default): not sent: its share of the rate budget (gpt-4o-mini requests per minute) comes in")
	assert.Len(t, fake.Requests(), 1, "the second call was not sent")
	assert.EqualValues(t, 1, limiter.Stats().Refused)
	require.Len(t, res.Calls, 2)
	assert.Empty(t, res.Calls[1].Requests[0].Status, "no answer")
}

// TestThrottledAnswerPausesTheBudget: a 429 pauses the budget of every
// script until the provider's retry-after: a call made by another script
// just after it waits out the pause before it is sent.
func TestThrottledAnswerPausesTheBudget(t *testing.T) {
	fake := openaitest.NewServer()
	defer fake.Close()
	fake.InjectFault(openaitest.Fault{Status: 429, Header: map[string]string{"retry-after-ms": "1000"}, Times: 1})
	limiter := ratelimit.New(ratelimit.NewMemory())
	h := host(fake, limiter, integration.RateLimits{RPM: 6000})
	call := `return app.integrations.openai.openai_chat_completion{ model = "gpt-4o-mini", messages = { { role = "user", content = "Hi" } } }.object`

	_, err := h.Run(t.Context(), "first.lua", call)
	var se *luabridge.ScriptError
	require.ErrorAs(t, err, &se, "the account allows no retry")
	assert.Equal(t, "rate_limit_exceeded", se.Fields["code"])
	assert.Zero(t, limiter.Stats().Waited)

	res, err := h.Run(t.Context(), "second.lua", call)
	require.NoError(t, err)
	assert.Equal(t, []any{"chat.completion"}, res.Values)
	st := limiter.Stats()
	assert.EqualValues(t, 1, st.Throttled)
	assert.EqualValues(t, 1, st.Waited, "the second call waited for the pause")
	assert.GreaterOrEqual(t, st.LongestWait, 500*time.Millisecond)
}

// TestHostsShareABudgetThroughRedis: two hosts, each with its own
// connection to Redis, run scripts at once through one account: together
// they keep to the budget (no 429) that either alone would exceed.
func TestHostsShareABudgetThroughRedis(t *testing.T) {
	url := os.Getenv("KOSMO_TEST_REDIS_URL")
	if url == "" {
		t.Skip("KOSMO_TEST_REDIS_URL is not set: run `source .ci/services.sh` (starts PostgreSQL and Redis) and test again")
	}
	// A key of its own, so that runs of the test never share a budget.
	key := fmt.Sprintf("sk-kosmo-test-%d", time.Now().UnixNano())
	fake := openaitest.NewServer(openaitest.WithRateLimits(openaitest.RateLimits{RPM: 600}), openaitest.WithAPIKeys(key))
	defer fake.Close()
	var hosts []*kosmo.Host
	for range 2 {
		rdb, err := ratelimit.OpenRedis(t.Context(), url)
		require.NoError(t, err)
		defer rdb.Close()
		client := integration.NewClient()
		client.Limiter = ratelimit.New(rdb)
		noRetries := 0
		hosts = append(hosts, kosmo.New(kosmo.Options{Client: client, Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{{
			Name: "default", Key: integration.NewSecret(key), BaseURL: fake.BaseURL(),
			RateLimits: integration.RateLimits{RPM: 600}, MaxRetries: &noRetries,
		}}}}}))
	}
	for _, err := range runAll(t.Context(), hosts, 8, chatScript(3)) {
		require.NoError(t, err)
	}
	assert.Zero(t, fake.RateLimited())
	assert.Len(t, fake.Requests(), 24)
}

// TestRedisURLNeverShown: a Redis that cannot be reached fails with its URL
// redacted.
func TestRedisURLNeverShown(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for _, url := range []string{"redis://:r3dis-s3cret@127.0.0.1:1/0", "redis://user:r3dis-s3cret@127.0.0.1:1/0", "redis://user:r3dis-s3cret@[::1/0"} {
		_, err := ratelimit.OpenRedis(ctx, url)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "r3dis-s3cret")
	}
}
