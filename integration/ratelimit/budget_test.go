package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clock is a settable time for Memory.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func memoryAt(c *clock) *Memory      { m := NewMemory(); m.now = c.now; return m }
func take(m *Memory, b Bucket, n int) time.Duration {
	d, _ := m.Take(context.Background(), "k", b, n)
	return d
}

func TestMemoryGCRA(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	m := memoryAt(c)
	b := Bucket{Rate: 60, Burst: 2} // one a second, two at once

	assert.Zero(t, take(m, b, 1))
	assert.Zero(t, take(m, b, 1), "the burst")
	assert.Equal(t, time.Second, take(m, b, 1), "then one a second")
	rem, reset := m.State("k", b)
	assert.Equal(t, 58, rem)
	assert.Equal(t, 2*time.Second, reset)

	c.add(time.Second)
	assert.Zero(t, take(m, b, 1))
	assert.Equal(t, time.Second, take(m, b, 1))

	// A give-back makes room at once; a forced charge takes what is not there.
	require.NoError(t, m.Charge(context.Background(), "k", b, -1))
	assert.Zero(t, take(m, b, 1))
	require.NoError(t, m.Charge(context.Background(), "k", b, 3))
	assert.Equal(t, 4*time.Second, take(m, b, 1))

	// Giving back more than was taken leaves a full bucket, no credit.
	require.NoError(t, m.Charge(context.Background(), "k", b, -100))
	assert.Zero(t, take(m, b, 2))
	assert.Equal(t, time.Second, take(m, b, 1))

	// A rate of zero is no budget.
	assert.Zero(t, take(m, Bucket{}, 1000))
}

func TestMemoryPause(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	m := memoryAt(c)
	ctx := context.Background()
	require.NoError(t, m.Pause(ctx, "k", 2*time.Second))
	require.NoError(t, m.Pause(ctx, "k", time.Second), "a shorter pause changes nothing")
	d, err := m.Paused(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, 2*time.Second, d)
	c.add(2 * time.Second)
	d, err = m.Paused(ctx, "k")
	require.NoError(t, err)
	assert.Zero(t, d)
}

func TestEstimate(t *testing.T) {
	cases := []struct {
		name, body, model string
		tokens            int
	}{
		// 3 (reply) + 3 per message + ceil(chars/4) of each message's text.
		{"chat", `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is the capital of France?"}]}`,
			"gpt-4o", 3 + 3 + 3 + 3 + 8},
		{"chat with max_tokens and n", `{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"max_tokens":100,"n":2}`,
			"gpt-4o", 3 + 3 + 1 + 200},
		{"max_completion_tokens", `{"model":"o3","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":50}`, "o3", 3 + 3 + 1 + 50},
		{"content parts", `{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"abcdefgh"}]}]}`, "gpt-4o", 3 + 3 + 2},
		{"embedding string", `{"model":"text-embedding-3-small","input":"abcdefghij"}`, "text-embedding-3-small", 3},
		{"embedding strings", `{"model":"text-embedding-3-small","input":["abcd","efgh"]}`, "text-embedding-3-small", 2},
		{"embedding token ids", `{"model":"text-embedding-3-small","input":[1,2,3,4,5]}`, "text-embedding-3-small", 5},
		{"embedding token id lists", `{"model":"text-embedding-3-small","input":[[1,2],[3]]}`, "text-embedding-3-small", 3},
		{"responses", `{"model":"gpt-4o","input":"abcd","instructions":"efgh","max_output_tokens":10}`, "gpt-4o", 1 + 1 + 10},
		{"escapes and non-ASCII count as one character each", `{"model":"m","input":"\"\u00e9\n\\été"}`, "m", 2},
		{"framing values aside, other values counted", `{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"abcd"},{"type":"image_url","image_url":{"url":"abcdefgh"}}]}]}`, "m", 3 + 3 + 3},
		{"no model", `{"input":"abcd"}`, "", 1},
		{"other request", `{"model":"dall-e-3","prompt":"a cat"}`, "dall-e-3", 0},
		{"not JSON", `--boundary`, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			model, tokens := Estimate("application/json", []byte(c.body))
			assert.Equal(t, c.model, model)
			assert.Equal(t, c.tokens, tokens)
		})
	}
}

func TestUsage(t *testing.T) {
	cases := []struct {
		body   string
		tokens int
		ok     bool
	}{
		{`{"usage":{"prompt_tokens":8,"completion_tokens":15,"total_tokens":23}}`, 23, true},
		{`{"usage":{"input_tokens":5,"output_tokens":7}}`, 12, true},
		{`{"usage":{"prompt_tokens":9,"total_tokens":9}}`, 9, true},
		{`{"data":[]}`, 0, false},
		{`{"choices":[{"message":{"content":"the \"usage\": {\"total_tokens\": 99} of it"}}],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}}`, 5, true},
		{`{"output":[{"usage":{"total_tokens":1}}],"usage":{"input_tokens":4,"output_tokens":4,"total_tokens":8,"details":{"x":"}"}}}`, 8, true},
		{`{"usage":null}`, 0, false},
		{`not json`, 0, false},
	}
	for _, c := range cases {
		tokens, ok := Usage([]byte(c.body))
		assert.Equal(t, c.tokens, tokens, c.body)
		assert.Equal(t, c.ok, ok, c.body)
	}
}

// TestUsageScanMatchesDecode requires the quick reading of usage objects
// to agree with encoding/json's wherever it answers, on the shapes APIs
// send and on the ones it leaves to encoding/json.
func TestUsageScanMatchesDecode(t *testing.T) {
	members := []string{
		`"usage":{"prompt_tokens":10,"completion_tokens":9,"total_tokens":19,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}`,
		`"usage" : { "input_tokens" : 5 , "output_tokens" : 7 , "x" : [1, {"y": "}]"}, "a\"b"] }`,
		`"usage":{}`,
		`"usage":null`,
		`"usage":7`,
		`"usage":"text"`,
		`"usage":[1]`,
		`"usage":{"total_tokens":null,"prompt_tokens":3}`,
		`"usage":{"total_tokens":4,"total_tokens":null,"prompt_tokens":3}`,
		`"usage":{"total_tokens":4,"total_tokens":6}`,
		`"usage":{"total_tokens":0}`,
		`"usage":{"total_tokens":-0,"prompt_tokens":-3}`,
		`"usage":{"prompt_tokens":null,"completion_tokens":2}`,
		`"usage":{"prompt_tokens":1.5}`,
		`"usage":{"prompt_tokens":1e2}`,
		`"usage":{"prompt_tokens":"3"}`,
		`"usage":{"prompt_tokens":true}`,
		`"usage":{"prompt_tokens":99999999999999999999999}`,
		`"usage":{"Total_Tokens":8,"prompt_tokens":1}`,
		`"usage":{"PROMPT_TOKENS":8}`,
		`"usage":{"total_to\u212aens":8}`,
		"\"usage\":{\"total_to\u212aens\":8}",
		"\"usage\":{\"\u017fotal\":1,\"prompt_tokens\":2}",
		`"usage":{"prompt\u005ftokens":8}`,
		`"usage":{"":1,"prompt_tokens":2}`,
		`"usage":{"prompt_tokens":2,}`,
		`"usage":{"prompt_tokens":02}`,
		`"usage":{"prompt_tokens":2`,
		`"usage"`,
		`"usage":`,
		`"usage" x`,
		`"usage":{"details":{"total_tokens":100},"prompt_tokens":1,"completion_tokens":1}`,
		`"usage":{"s":"\\","prompt_tokens":4,"t":"\"}","completion_tokens":5}`,
	}
	for _, m := range members {
		want, wantOK := decodeUsage([]byte(m))
		got, gotOK, sure := scanUsage([]byte(m))
		if !sure {
			continue
		}
		assert.Equal(t, want, got, m)
		assert.Equal(t, wantOK, gotOK, m)
	}
	// The common shapes are read without encoding/json.
	for _, m := range members[:3] {
		_, _, sure := scanUsage([]byte(m))
		assert.True(t, sure, m)
	}
}
