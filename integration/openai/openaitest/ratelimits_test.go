package openaitest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func postChat(t *testing.T, s *Server, key, model, content string) *http.Response {
	t.Helper()
	body := `{"model":"` + model + `","messages":[{"role":"user","content":"` + content + `"}]}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.BaseURL()+"/chat/completions", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestRateLimitsPerKeyAndModel: a fake limited to 60 requests a minute
// (one a second) answers the second request of a key and model at once
// with OpenAI's 429 rate_limit_exceeded, its body and headers; another
// model and another key have budgets of their own.
func TestRateLimitsPerKeyAndModel(t *testing.T) {
	s := NewServer(WithRateLimits(RateLimits{RPM: 60, TPM: 100000}), WithAPIKeys(DefaultAPIKey, "sk-other-0000000000000000"))
	defer s.Close()

	first := postChat(t, s, DefaultAPIKey, "gpt-4o-mini", "Hello there")
	require.Equal(t, http.StatusOK, first.StatusCode)
	for k, want := range map[string]string{
		"x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "59",
		"x-ratelimit-limit-tokens": "100000", "x-ratelimit-remaining-tokens": "99998",
	} {
		assert.Equal(t, want, first.Header.Get(k), k)
	}
	assert.Equal(t, "1s", first.Header.Get("x-ratelimit-reset-requests"))

	second := postChat(t, s, DefaultAPIKey, "gpt-4o-mini", "Hello again")
	require.Equal(t, http.StatusTooManyRequests, second.StatusCode)
	assert.NotEmpty(t, second.Header.Get("retry-after-ms"))
	assert.Equal(t, "1", second.Header.Get("retry-after"))
	assert.Equal(t, "60", second.Header.Get("x-ratelimit-limit-requests"))
	data, err := io.ReadAll(second.Body)
	require.NoError(t, err)
	var body struct {
		Error struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    string  `json:"code"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal(data, &body))
	assert.Equal(t, "rate_limit_exceeded", body.Error.Code)
	assert.Equal(t, "requests", body.Error.Type)
	assert.Nil(t, body.Error.Param)
	assert.Contains(t, body.Error.Message, "Rate limit reached for gpt-4o-mini in organization org-kosmofake on requests per min (RPM): Limit 60, Used 1, Requested 1. Please try again in")
	assert.EqualValues(t, 1, s.RateLimited())

	assert.Equal(t, http.StatusOK, postChat(t, s, DefaultAPIKey, "gpt-4o", "Hello").StatusCode, "another model")
	assert.Equal(t, http.StatusOK, postChat(t, s, "sk-other-0000000000000000", "gpt-4o-mini", "Hello").StatusCode, "another key")
}

// TestTokenLimits: a prompt larger than what is left of the tokens budget
// is refused with type tokens; the answer's usage (prompt and completion)
// is what the budget is charged.
func TestTokenLimits(t *testing.T) {
	s := NewServer(WithRateLimits(RateLimits{TPM: 600})) // 10 tokens a second
	defer s.Close()
	ok := postChat(t, s, DefaultAPIKey, "gpt-4o-mini", "one two three")
	require.Equal(t, http.StatusOK, ok.StatusCode)
	data, err := io.ReadAll(ok.Body)
	require.NoError(t, err)
	var answer struct {
		Usage struct {
			Total int `json:"total_tokens"`
		} `json:"usage"`
	}
	require.NoError(t, json.Unmarshal(data, &answer))
	require.Greater(t, answer.Usage.Total, 10)

	refused := postChat(t, s, DefaultAPIKey, "gpt-4o-mini", "four")
	require.Equal(t, http.StatusTooManyRequests, refused.StatusCode, "the completion's tokens were charged too")
	data, err = io.ReadAll(refused.Body)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"type":"tokens"`)
	assert.Contains(t, string(data), "on tokens per min (TPM): Limit 600")
	assert.Equal(t, "1000000", refused.Header.Get("x-ratelimit-limit-requests"), "requests are not limited")
}

// TestRateLimitHeadersWithoutLimits: a fake without limits still sends the
// headers (of a budget no test meets) and never answers 429.
func TestRateLimitHeadersWithoutLimits(t *testing.T) {
	s := NewServer()
	defer s.Close()
	for range 20 {
		resp := postChat(t, s, DefaultAPIKey, "gpt-4o-mini", "Hello")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "1000000", resp.Header.Get("x-ratelimit-limit-requests"))
		assert.Equal(t, "1000000000", resp.Header.Get("x-ratelimit-limit-tokens"))
		assert.NotEmpty(t, resp.Header.Get("x-ratelimit-remaining-tokens"))
	}
	assert.Zero(t, s.RateLimited())
}
