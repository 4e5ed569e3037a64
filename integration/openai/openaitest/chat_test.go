package openaitest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func userMsg(content any) map[string]any { return map[string]any{"role": "user", "content": content} }

func TestChatCompletionShape(t *testing.T) {
	s := newTestServer(t)
	r := postJSON(t, s, "/v1/chat/completions", map[string]any{
		"model": "gpt-4.1-nano",
		"messages": []any{
			map[string]any{"role": "system", "content": "Be brief."},
			userMsg("What is the capital of France?"),
		},
	}, authHeaders())
	m := ok(t, r)
	conformsTo(t, "CreateChatCompletionResponse", r.body)
	requireKeys(t, m, "id", "object", "created", "model", "choices", "usage", "system_fingerprint", "service_tier")
	assert.True(t, strings.HasPrefix(m["id"].(string), "chatcmpl-"))
	assert.Equal(t, "chat.completion", m["object"])
	assert.Equal(t, "gpt-4.1-nano", m["model"])
	assert.Equal(t, "default", m["service_tier"])

	choices := arr(t, m["choices"])
	require.Len(t, choices, 1)
	c := obj(t, choices[0])
	requireKeys(t, c, "index", "message", "logprobs", "finish_reason")
	assert.Nil(t, c["logprobs"])
	assert.Equal(t, "stop", c["finish_reason"])
	msg := obj(t, c["message"])
	requireKeys(t, msg, "role", "content", "refusal", "annotations")
	assert.Equal(t, "assistant", msg["role"])
	assert.Equal(t, "This is a fake reply to: What is the capital of France?", msg["content"])
	assert.Nil(t, msg["refusal"])
	assert.Equal(t, []any{}, msg["annotations"])

	u := obj(t, m["usage"])
	requireKeys(t, u, "prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details", "completion_tokens_details")
	// "Be brief." = 3 tokens; "What is the capital of France?" = 7.
	assert.Equal(t, int64(10), num(t, u["prompt_tokens"]))
	assert.Equal(t, int64(CountTokens(msg["content"].(string))), num(t, u["completion_tokens"]))
	assert.Equal(t, num(t, u["prompt_tokens"])+num(t, u["completion_tokens"]), num(t, u["total_tokens"]))
}

func TestCountTokens(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"   ", 0},
		{"Hello, world!", 4},
		{"don't", 3},
		{"a...b", 3},
		{"snake_case x2", 2},
		{"héllo wörld", 2},
		{"日本語 テキスト", 2},
	} {
		assert.Equal(t, tt.want, CountTokens(tt.in), tt.in)
	}
}

func TestChatCompletionBehaviour(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name   string
		req    map[string]any
		check  func(t *testing.T, m map[string]any)
		schema bool
	}{
		{
			name: "array content uses the text parts",
			req: map[string]any{"model": "gpt-4.1-nano", "messages": []any{userMsg([]any{
				map[string]any{"type": "text", "text": "Describe"},
				map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/a.png"}},
				map[string]any{"type": "text", "text": "this picture."},
			})}},
			check: func(t *testing.T, m map[string]any) {
				assert.Equal(t, "This is a fake reply to: Describe this picture.", content(t, m, 0))
			},
		},
		{
			name: "last user message wins",
			req: map[string]any{"model": "gpt-4.1-nano", "messages": []any{
				userMsg("first"), map[string]any{"role": "assistant", "content": "ok"}, userMsg("second"),
				map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{}},
			}},
			check: func(t *testing.T, m map[string]any) {
				assert.Equal(t, "This is a fake reply to: second", content(t, m, 0))
			},
		},
		{
			name: "max_tokens cuts and says length",
			req:  map[string]any{"model": "gpt-4.1-nano", "max_tokens": 3, "messages": []any{userMsg("tell me a long story")}},
			check: func(t *testing.T, m map[string]any) {
				assert.Equal(t, "This is a", content(t, m, 0))
				assert.Equal(t, "length", choice(t, m, 0)["finish_reason"])
				assert.Equal(t, int64(3), num(t, obj(t, m["usage"])["completion_tokens"]))
			},
		},
		{
			name: "max_completion_tokens too",
			req:  map[string]any{"model": "gpt-5.1-mini", "max_completion_tokens": 5, "messages": []any{userMsg("hi")}},
			check: func(t *testing.T, m map[string]any) {
				assert.Equal(t, "This is a fake reply", content(t, m, 0))
				assert.Equal(t, "length", choice(t, m, 0)["finish_reason"])
			},
		},
		{
			name: "max_tokens larger than the reply",
			req:  map[string]any{"model": "gpt-4.1-nano", "max_tokens": 100, "messages": []any{userMsg("hi")}},
			check: func(t *testing.T, m map[string]any) {
				assert.Equal(t, "stop", choice(t, m, 0)["finish_reason"])
			},
		},
		{
			name: "n choices",
			req:  map[string]any{"model": "gpt-4.1-nano", "n": 3, "messages": []any{userMsg("hi")}},
			check: func(t *testing.T, m map[string]any) {
				choices := arr(t, m["choices"])
				require.Len(t, choices, 3)
				for i := range choices {
					assert.Equal(t, int64(i), num(t, choice(t, m, i)["index"]))
				}
				per := int64(CountTokens(content(t, m, 0)))
				assert.Equal(t, 3*per, num(t, obj(t, m["usage"])["completion_tokens"]))
			},
		},
		{
			name: "json_object",
			req: map[string]any{"model": "gpt-4.1-nano", "response_format": map[string]any{"type": "json_object"},
				"messages": []any{userMsg("Answer in JSON: hi")}},
			check: func(t *testing.T, m map[string]any) {
				var v map[string]any
				require.NoError(t, json.Unmarshal([]byte(content(t, m, 0)), &v))
				assert.Equal(t, "This is a fake reply to: Answer in JSON: hi", v["reply"])
				assert.Equal(t, "gpt-4.1-nano", v["model"])
			},
		},
		{
			name: "json_schema follows the schema",
			req: map[string]any{"model": "gpt-4.1-nano", "messages": []any{userMsg("weather?")},
				"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{
					"name": "weather", "strict": true, "schema": map[string]any{
						"type": "object", "required": []any{"city", "temp", "tags", "unit"},
						"properties": map[string]any{
							"city": map[string]any{"type": "string"},
							"temp": map[string]any{"type": "number"},
							"tags": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/$defs/tag"}},
							"unit": map[string]any{"enum": []any{"C", "F"}},
						},
						"$defs": map[string]any{"tag": map[string]any{"type": "string"}},
					}}}},
			check: func(t *testing.T, m map[string]any) {
				var v map[string]any
				require.NoError(t, json.Unmarshal([]byte(content(t, m, 0)), &v))
				assert.Equal(t, "This is a fake reply to: weather?", v["city"])
				assert.Equal(t, float64(0), v["temp"])
				assert.Equal(t, []any{"This is a fake reply to: weather?"}, v["tags"])
				assert.Equal(t, "C", v["unit"])
			},
		},
		{
			name: "stop sequence",
			req:  map[string]any{"model": "gpt-4.1-nano", "stop": "fake", "messages": []any{userMsg("hi")}},
			check: func(t *testing.T, m map[string]any) {
				assert.Equal(t, "This is a ", content(t, m, 0))
				assert.Equal(t, "stop", choice(t, m, 0)["finish_reason"])
			},
		},
		{
			name: "forced tool call",
			req: map[string]any{"model": "gpt-4.1-nano", "messages": []any{userMsg("weather in Paris")},
				"tools": []any{map[string]any{"type": "function", "function": map[string]any{
					"name": "get_weather", "parameters": map[string]any{"type": "object",
						"properties": map[string]any{"city": map[string]any{"type": "string"}}}}}},
				"tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "get_weather"}}},
			check: func(t *testing.T, m map[string]any) {
				c := choice(t, m, 0)
				assert.Equal(t, "tool_calls", c["finish_reason"])
				msg := obj(t, c["message"])
				assert.Nil(t, msg["content"])
				calls := arr(t, msg["tool_calls"])
				require.Len(t, calls, 1)
				tc := obj(t, calls[0])
				assert.True(t, strings.HasPrefix(tc["id"].(string), "call_"))
				fn := obj(t, tc["function"])
				assert.Equal(t, "get_weather", fn["name"])
				assert.JSONEq(t, `{"city":"This is a fake reply to: weather in Paris"}`, fn["arguments"].(string))
			},
		},
		{
			name: "tools with auto answer in text",
			req: map[string]any{"model": "gpt-4.1-nano", "messages": []any{userMsg("hi")}, "tool_choice": "auto",
				"tools": []any{map[string]any{"type": "function", "function": map[string]any{"name": "f"}}}},
			check: func(t *testing.T, m map[string]any) {
				assert.Equal(t, "This is a fake reply to: hi", content(t, m, 0))
			},
		},
		{
			name: "logprobs",
			req:  map[string]any{"model": "gpt-4.1-nano", "logprobs": true, "top_logprobs": 2, "messages": []any{userMsg("hi")}},
			check: func(t *testing.T, m map[string]any) {
				lp := obj(t, choice(t, m, 0)["logprobs"])
				var joined strings.Builder
				for _, x := range arr(t, lp["content"]) {
					joined.WriteString(obj(t, x)["token"].(string))
				}
				assert.Equal(t, content(t, m, 0), joined.String())
				assert.Nil(t, lp["refusal"])
			},
		},
		{
			name: "service tier",
			req:  map[string]any{"model": "gpt-4.1-nano", "service_tier": "flex", "messages": []any{userMsg("hi")}},
			check: func(t *testing.T, m map[string]any) {
				assert.Equal(t, "flex", m["service_tier"])
			},
		},
		{
			name: "no user message",
			req:  map[string]any{"model": "gpt-4.1-nano", "messages": []any{map[string]any{"role": "developer", "content": "rules"}}},
			check: func(t *testing.T, m map[string]any) {
				assert.Equal(t, "This is a fake reply to: rules", content(t, m, 0))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, s, "/v1/chat/completions", tt.req, authHeaders())
			m := ok(t, r)
			conformsTo(t, "CreateChatCompletionResponse", r.body)
			tt.check(t, m)
		})
	}
}

func choice(t *testing.T, m map[string]any, i int) map[string]any {
	t.Helper()
	return obj(t, arr(t, m["choices"])[i])
}

func content(t *testing.T, m map[string]any, i int) string {
	t.Helper()
	c, ok := obj(t, choice(t, m, i)["message"])["content"].(string)
	require.True(t, ok)
	return c
}

func TestChatDeterministic(t *testing.T) {
	s := newTestServer(t)
	req := map[string]any{"model": "gpt-4.1-nano", "messages": []any{userMsg("same")}}
	a := ok(t, postJSON(t, s, "/v1/chat/completions", req, authHeaders()))
	b := ok(t, postJSON(t, s, "/v1/chat/completions", req, authHeaders()))
	assert.Equal(t, content(t, a, 0), content(t, b, 0))
	assert.Equal(t, a["usage"], b["usage"])
	assert.Equal(t, a["system_fingerprint"], b["system_fingerprint"])
	assert.NotEqual(t, a["id"], b["id"])
}

func TestChatStreaming(t *testing.T) {
	s := newTestServer(t)
	r := postJSON(t, s, "/v1/chat/completions", map[string]any{
		"model": "gpt-4.1-nano", "stream": true, "stream_options": map[string]any{"include_usage": true},
		"messages": []any{userMsg("Stream, please.")},
	}, authHeaders())
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, "text/event-stream; charset=utf-8", r.header.Get("Content-Type"))

	var text strings.Builder
	var finish string
	var usage map[string]any
	done := false
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, found := strings.CutPrefix(line, "data: ")
		require.True(t, found, line)
		if data == "[DONE]" {
			done = true
			continue
		}
		conformsTo(t, "CreateChatCompletionStreamResponse", []byte(data))
		var chunk map[string]any
		require.NoError(t, json.Unmarshal([]byte(data), &chunk))
		require.Equal(t, "chat.completion.chunk", chunk["object"])
		require.Contains(t, chunk, "usage")
		if u, ok := chunk["usage"].(map[string]any); ok {
			usage = u
		}
		for _, c := range chunk["choices"].([]any) {
			c := c.(map[string]any)
			if d, ok := c["delta"].(map[string]any)["content"].(string); ok {
				text.WriteString(d)
			}
			if f, ok := c["finish_reason"].(string); ok {
				finish = f
			}
		}
	}
	require.True(t, done)
	assert.Equal(t, "This is a fake reply to: Stream, please.", text.String())
	assert.Equal(t, "stop", finish)
	require.NotNil(t, usage)
	assert.Equal(t, float64(CountTokens(text.String())), usage["completion_tokens"])
}

func TestChatOutputCap(t *testing.T) {
	s := newTestServer(t)
	long := strings.Repeat("word ", maxOutputTokens+10)
	m := ok(t, postJSON(t, s, "/v1/chat/completions", map[string]any{"model": "gpt-4.1-nano", "messages": []any{userMsg(long)}}, authHeaders()))
	assert.Equal(t, "length", choice(t, m, 0)["finish_reason"])
	assert.Equal(t, int64(maxOutputTokens), num(t, obj(t, m["usage"])["completion_tokens"]))
}
