package openaitest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// conformsToResponse checks a Response against the spec. The real API sends
// "usage": null until a response completes (and for a cancelled one), as the
// spec's own example of a cancelled response shows, although its schema
// types usage as an object only: that one field is checked apart.
func conformsToResponse(t *testing.T, body []byte) {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m))
	if u, ok := m["usage"]; ok && string(u) == "null" {
		assert.Contains(t, []string{`"queued"`, `"in_progress"`, `"cancelled"`}, string(m["status"]), "usage is null only before completion")
		delete(m, "usage")
		var err error
		body, err = json.Marshal(m)
		require.NoError(t, err)
	}
	conformsTo(t, "Response", body)
}

// createResponse posts a response request that must succeed and checks the
// answer against the spec.
func createResponse(t *testing.T, s *Server, body any) map[string]any {
	t.Helper()
	r := postJSON(t, s, "/v1/responses", body, authHeaders())
	m := ok(t, r)
	conformsToResponse(t, r.body)
	requireResponseShape(t, m)
	return m
}

// getResponse reads a response back, which advances a background one.
func getResponse(t *testing.T, s *Server, id string) map[string]any {
	t.Helper()
	r := call(t, s, http.MethodGet, "/v1/responses/"+id, nil, authHeaders())
	m := ok(t, r)
	conformsToResponse(t, r.body)
	requireResponseShape(t, m)
	return m
}

func cancelResponse(t *testing.T, s *Server, id string) response {
	t.Helper()
	return call(t, s, http.MethodPost, "/v1/responses/"+id+"/cancel", nil, authHeaders())
}

// requireResponseShape checks what every response has, and what it must
// not have: output_text is a convenience of the SDKs, not of the API.
func requireResponseShape(t *testing.T, m map[string]any) {
	t.Helper()
	requireKeys(t, m, "id", "object", "created_at", "status", "background", "completed_at", "error", "incomplete_details",
		"instructions", "max_output_tokens", "max_tool_calls", "model", "output", "parallel_tool_calls", "previous_response_id",
		"prompt_cache_key", "reasoning", "safety_identifier", "service_tier", "temperature", "text", "tool_choice", "tools",
		"top_logprobs", "top_p", "truncation", "usage", "metadata")
	assert.NotContains(t, m, "output_text")
	assert.NotContains(t, m, "store")
	assert.True(t, strings.HasPrefix(m["id"].(string), "resp_"), m["id"])
	assert.Equal(t, "response", m["object"])
	assert.Nil(t, m["error"])
}

// outputText is the text of a response's message output.
func outputTextOf(t *testing.T, m map[string]any) string {
	t.Helper()
	out := arr(t, m["output"])
	require.Len(t, out, 1)
	msg := obj(t, out[0])
	require.Equal(t, "message", msg["type"])
	content := arr(t, msg["content"])
	require.Len(t, content, 1)
	return obj(t, content[0])["text"].(string)
}

func TestResponseSync(t *testing.T) {
	now := time.Unix(1767225600, 0)
	s := newTestServer(t, WithClock(func() time.Time { return now }))
	m := createResponse(t, s, map[string]any{
		"model": "gpt-4.1-nano", "input": "What is 2+2?", "instructions": "Be brief.",
		"metadata": map[string]any{"k": "v"}, "user": "u1", "safety_identifier": "s1", "prompt_cache_key": "pk",
		"temperature": 0.5, "top_p": 0.9, "parallel_tool_calls": false, "truncation": "auto", "service_tier": "flex",
		"include": []any{"message.output_text.logprobs"}, "stream": false, "store": true, "max_output_tokens": 100,
		"max_tool_calls": 3, "top_logprobs": 2, "text": map[string]any{"verbosity": "low"},
	})
	assert.Equal(t, "completed", m["status"])
	assert.Equal(t, false, m["background"])
	assert.Equal(t, now.Unix(), num(t, m["created_at"]))
	assert.Equal(t, now.Unix(), num(t, m["completed_at"]))
	assert.Nil(t, m["incomplete_details"])
	assert.NotContains(t, m, "conversation")
	assert.Equal(t, "Be brief.", m["instructions"])
	assert.Equal(t, "gpt-4.1-nano", m["model"])
	assert.Equal(t, map[string]any{"k": "v"}, m["metadata"])
	assert.Equal(t, "u1", m["user"])
	assert.Equal(t, "s1", m["safety_identifier"])
	assert.Equal(t, "pk", m["prompt_cache_key"])
	assert.Equal(t, json.Number("0.5"), m["temperature"])
	assert.Equal(t, json.Number("0.9"), m["top_p"])
	assert.Equal(t, false, m["parallel_tool_calls"])
	assert.Equal(t, "auto", m["truncation"])
	assert.Equal(t, "flex", m["service_tier"])
	assert.Equal(t, int64(100), num(t, m["max_output_tokens"]))
	assert.Equal(t, int64(3), num(t, m["max_tool_calls"]))
	assert.Equal(t, int64(2), num(t, m["top_logprobs"]))
	assert.Equal(t, map[string]any{"format": map[string]any{"type": "text"}, "verbosity": "low"}, m["text"])
	assert.Equal(t, map[string]any{"effort": nil, "summary": nil}, m["reasoning"])
	assert.Equal(t, "auto", m["tool_choice"])
	assert.Equal(t, []any{}, m["tools"])
	assert.Nil(t, m["previous_response_id"])

	out := arr(t, m["output"])
	require.Len(t, out, 1)
	msg := obj(t, out[0])
	assert.True(t, strings.HasPrefix(msg["id"].(string), "msg_"))
	reply := "This is a fake reply to: What is 2+2?"
	assert.Equal(t, map[string]any{"type": "message", "id": msg["id"], "status": "completed", "role": "assistant",
		"content": []any{map[string]any{"type": "output_text", "text": reply, "annotations": []any{}, "logprobs": []any{}}}}, msg)

	in := CountTokens("Be brief.") + CountTokens("What is 2+2?")
	assert.Equal(t, map[string]any{
		"input_tokens": json.Number(strconv.Itoa(in)), "input_tokens_details": map[string]any{"cached_tokens": json.Number("0"), "cache_write_tokens": json.Number("0")},
		"output_tokens": json.Number(strconv.Itoa(CountTokens(reply))), "output_tokens_details": map[string]any{"reasoning_tokens": json.Number("0")},
		"total_tokens": json.Number(strconv.Itoa(in + CountTokens(reply))),
	}, m["usage"])

	// Read back unchanged.
	assert.Equal(t, m, getResponse(t, s, m["id"].(string)))

	// Defaults.
	d := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "Hi"})
	assert.Nil(t, d["instructions"])
	assert.Nil(t, d["max_output_tokens"])
	assert.Equal(t, json.Number("1"), d["temperature"])
	assert.Equal(t, json.Number("1"), d["top_p"])
	assert.Equal(t, true, d["parallel_tool_calls"])
	assert.Equal(t, "disabled", d["truncation"])
	assert.Equal(t, "default", d["service_tier"])
	assert.Equal(t, map[string]any{}, d["metadata"])
	assert.NotContains(t, d, "user")
	assert.Equal(t, map[string]any{"format": map[string]any{"type": "text"}, "verbosity": "medium"}, d["text"])
	assert.Equal(t, "This is a fake reply to: Hi", outputTextOf(t, d))

	// A reasoning model reports its effort. o3 and gpt-5 shut down on
	// 2026-12-11: the fake's clock is pinned to 2026-01-01, when both served.
	o := createResponse(t, s, map[string]any{"model": "o3", "input": "Hi"})
	assert.Equal(t, map[string]any{"effort": "medium", "summary": nil}, o["reasoning"])
	o = createResponse(t, s, map[string]any{"model": "gpt-5", "input": "Hi", "reasoning": map[string]any{"effort": "low", "summary": "auto"}})
	assert.Equal(t, map[string]any{"effort": "low", "summary": "auto"}, o["reasoning"])
}

func TestResponseInputItems(t *testing.T) {
	s := newTestServer(t)
	m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": []any{
		map[string]any{"role": "developer", "content": "Answer in French."},
		map[string]any{"role": "user", "content": "First question"},
		map[string]any{"role": "assistant", "content": "First answer"},
		map[string]any{"type": "message", "role": "user", "content": []any{
			map[string]any{"type": "input_text", "text": "Second"},
			map[string]any{"type": "input_image", "file_id": "file-1"},
			map[string]any{"type": "input_text", "text": "question"},
		}},
	}})
	assert.Equal(t, "This is a fake reply to: Second question", outputTextOf(t, m))
	in := 0
	for _, s := range []string{"Answer in French.", "First question", "First answer", "Second question"} {
		in += CountTokens(s)
	}
	assert.Equal(t, int64(in), num(t, obj(t, m["usage"])["input_tokens"]))

	// Without a user message, the reply is to the last message.
	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": []any{map[string]any{"role": "system", "content": "Only rules"}}})
	assert.Equal(t, "This is a fake reply to: Only rules", outputTextOf(t, m))
}

func TestResponseWithConversation(t *testing.T) {
	s := newTestServer(t)
	conv := createConversation(t, s, map[string]any{"items": []any{map[string]any{"role": "user", "content": "First question"}}})
	cid := conv["id"].(string)

	m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "conversation": cid, "input": "Second question"})
	assert.Equal(t, map[string]any{"id": cid}, m["conversation"])
	reply := "This is a fake reply to: Second question"
	assert.Equal(t, reply, outputTextOf(t, m))
	in := CountTokens("First question") + CountTokens("Second question")
	assert.Equal(t, int64(in), num(t, obj(t, m["usage"])["input_tokens"]))

	items := arr(t, listItems(t, s, cid, "?order=asc")["data"])
	require.Len(t, items, 3)
	assert.Equal(t, "user", obj(t, items[1])["role"])
	assert.Equal(t, []any{map[string]any{"type": "input_text", "text": "Second question"}}, obj(t, items[1])["content"])
	// The output item is stored in the conversation as it was answered.
	assert.Equal(t, arr(t, m["output"])[0], items[2])

	// The object form, and no input: the reply is to the last user message.
	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "conversation": map[string]any{"id": cid}})
	assert.Equal(t, map[string]any{"id": cid}, m["conversation"])
	assert.Equal(t, reply, outputTextOf(t, m))
	in += CountTokens(reply)
	assert.Equal(t, int64(in), num(t, obj(t, m["usage"])["input_tokens"]))
	assert.Len(t, arr(t, listItems(t, s, cid, "")["data"]), 4)

	// An unknown conversation appends nothing anywhere.
	r := postJSON(t, s, "/v1/responses", map[string]any{"model": "gpt-4.1-nano", "conversation": "conv_nope", "input": "x"}, authHeaders())
	require.Equal(t, http.StatusNotFound, r.status)
	e := r.apiError(t)
	assert.Equal(t, "Conversation with id 'conv_nope' not found.", e["message"])
	assert.Nil(t, e["param"])
	assert.Nil(t, e["code"])
}

func TestResponseBackgroundLifecycle(t *testing.T) {
	var clock time.Time = time.Unix(1767225600, 0)
	s := newTestServer(t, WithClock(func() time.Time { return clock }))
	conv := createConversation(t, s, `{}`)
	cid := conv["id"].(string)

	m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "conversation": cid, "input": "Hello", "background": true})
	id := m["id"].(string)
	assert.Equal(t, "queued", m["status"])
	assert.Equal(t, true, m["background"])
	assert.Equal(t, []any{}, m["output"])
	assert.Nil(t, m["usage"])
	assert.Nil(t, m["completed_at"])
	// The input is in the conversation at once, the reply not yet.
	assert.Len(t, arr(t, listItems(t, s, cid, "")["data"]), 1)

	clock = clock.Add(time.Second)
	m = getResponse(t, s, id)
	assert.Equal(t, "in_progress", m["status"])
	assert.Equal(t, []any{}, m["output"])
	assert.Nil(t, m["usage"])
	assert.Len(t, arr(t, listItems(t, s, cid, "")["data"]), 1)

	clock = clock.Add(time.Second)
	m = getResponse(t, s, id)
	assert.Equal(t, "completed", m["status"])
	assert.Equal(t, clock.Unix(), num(t, m["completed_at"]))
	assert.Equal(t, "This is a fake reply to: Hello", outputTextOf(t, m))
	assert.NotNil(t, m["usage"])
	items := arr(t, listItems(t, s, cid, "?order=asc")["data"])
	require.Len(t, items, 2)
	assert.Equal(t, arr(t, m["output"])[0], items[1])

	// Completed stays completed, and appends nothing more.
	again := getResponse(t, s, id)
	assert.Equal(t, m, again)
	assert.Len(t, arr(t, listItems(t, s, cid, "")["data"]), 2)

	// The statuses, in order, for a background response without conversation.
	b := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "x", "background": true})
	var statuses []string
	for range 4 {
		statuses = append(statuses, getResponse(t, s, b["id"].(string))["status"].(string))
	}
	assert.Equal(t, []string{"in_progress", "completed", "completed", "completed"}, statuses)
}

func TestResponseCancel(t *testing.T) {
	s := newTestServer(t)
	conv := createConversation(t, s, `{}`)
	cid := conv["id"].(string)

	// Queued: cancelled, and cancelling again changes nothing.
	m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "conversation": cid, "input": "Hello", "background": true})
	id := m["id"].(string)
	r := cancelResponse(t, s, id)
	c := ok(t, r)
	conformsToResponse(t, r.body)
	assert.Equal(t, "cancelled", c["status"])
	assert.Equal(t, []any{}, c["output"])
	assert.Nil(t, c["usage"])
	assert.Nil(t, c["completed_at"])
	assert.Equal(t, c, ok(t, cancelResponse(t, s, id)))
	// Reading it does not complete it, and its output never comes.
	assert.Equal(t, c, getResponse(t, s, id))
	assert.Equal(t, c, getResponse(t, s, id))
	items := arr(t, listItems(t, s, cid, "")["data"])
	require.Len(t, items, 1)
	assert.Equal(t, "user", obj(t, items[0])["role"])

	// In progress: cancelled too.
	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "x", "background": true})
	assert.Equal(t, "in_progress", getResponse(t, s, m["id"].(string))["status"])
	assert.Equal(t, "cancelled", ok(t, cancelResponse(t, s, m["id"].(string)))["status"])

	// Completed: returned unchanged.
	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "x", "background": true})
	getResponse(t, s, m["id"].(string))
	done := getResponse(t, s, m["id"].(string))
	require.Equal(t, "completed", done["status"])
	assert.Equal(t, done, ok(t, cancelResponse(t, s, m["id"].(string))))

	// Not a background response.
	sync := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "x"})
	r = cancelResponse(t, s, sync["id"].(string))
	require.Equal(t, http.StatusBadRequest, r.status)
	e := r.apiError(t)
	assert.Equal(t, "Cannot cancel a synchronous response.", e["message"])
	assert.Nil(t, e["param"])

	// Unknown.
	r = cancelResponse(t, s, "resp_nope")
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "Response with id 'resp_nope' not found.", r.apiError(t)["message"])
}

func weatherTool() map[string]any {
	return map[string]any{"type": "function", "name": "get_weather", "description": "The weather in a city.",
		"parameters": map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}},
			"required": []any{"city"}}}
}

func TestResponseFunctionCall(t *testing.T) {
	s := newTestServer(t)
	other := map[string]any{"type": "function", "name": "other"}
	tests := []struct {
		name       string
		choice     any
		wantCall   string
		extraTools []any
	}{
		{"auto answers in text", "auto", "", nil},
		{"none answers in text", "none", "", nil},
		{"required calls the first", "required", "get_weather", []any{other}},
		{"named function", map[string]any{"type": "function", "name": "other"}, "other", []any{other}},
		{"allowed tools, required", map[string]any{"type": "allowed_tools", "mode": "required",
			"tools": []any{map[string]any{"type": "function", "name": "other"}}}, "other", []any{other}},
		{"allowed tools, auto", map[string]any{"type": "allowed_tools", "mode": "auto",
			"tools": []any{map[string]any{"type": "function", "name": "other"}}}, "", []any{other}},
		{"a built-in tool", map[string]any{"type": "web_search_preview"}, "", []any{map[string]any{"type": "web_search_preview"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tools := append([]any{weatherTool()}, tt.extraTools...)
			m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "Weather in Paris?", "tools": tools, "tool_choice": tt.choice})
			assert.Len(t, arr(t, m["tools"]), len(tools))
			if tt.wantCall == "" {
				assert.Equal(t, "This is a fake reply to: Weather in Paris?", outputTextOf(t, m))
				return
			}
			out := arr(t, m["output"])
			require.Len(t, out, 1)
			fc := obj(t, out[0])
			assert.Equal(t, "function_call", fc["type"])
			assert.True(t, strings.HasPrefix(fc["id"].(string), "fc_"), fc["id"])
			assert.True(t, strings.HasPrefix(fc["call_id"].(string), "call_"), fc["call_id"])
			assert.Equal(t, tt.wantCall, fc["name"])
			assert.Equal(t, "completed", fc["status"])
			requireKeys(t, fc, "arguments")
			var args map[string]any
			require.NoError(t, json.Unmarshal([]byte(fc["arguments"].(string)), &args))
			if tt.wantCall == "get_weather" {
				assert.Equal(t, map[string]any{"city": "This is a fake reply to: Weather in Paris?"}, args)
			}
			u := obj(t, m["usage"])
			assert.Equal(t, int64(CountTokens(tt.wantCall)+CountTokens(fc["arguments"].(string))), num(t, u["output_tokens"]))
		})
	}

	// Function tools are listed flat, with their defaults.
	m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "x", "tools": []any{weatherTool(), map[string]any{"type": "function", "name": "bare", "strict": false}}})
	assert.Equal(t, []any{
		map[string]any{"type": "function", "name": "get_weather", "description": "The weather in a city.",
			"parameters": weatherTool()["parameters"], "strict": true},
		map[string]any{"type": "function", "name": "bare", "description": nil, "parameters": nil, "strict": false},
	}, roundTrip(t, m["tools"]))

	// The round trip: the call is stored in the conversation, its output
	// goes back as input, and with auto the reply is text.
	conv := createConversation(t, s, `{}`)
	cid := conv["id"].(string)
	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "conversation": cid, "input": "Weather in Paris?",
		"tools": []any{weatherTool()}, "tool_choice": "required"})
	fc := obj(t, arr(t, m["output"])[0])
	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "conversation": cid, "tools": []any{weatherTool()},
		"input": []any{map[string]any{"type": "function_call_output", "call_id": fc["call_id"], "output": "Sunny"}}})
	assert.Equal(t, "This is a fake reply to: Weather in Paris?", outputTextOf(t, m))
	items := arr(t, listItems(t, s, cid, "?order=asc")["data"])
	require.Len(t, items, 4)
	assert.Equal(t, fc, obj(t, items[1]))
	assert.Equal(t, "function_call_output", obj(t, items[2])["type"])
	assert.Equal(t, fc["call_id"], obj(t, items[2])["call_id"])

	// The same through previous_response_id.
	first := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "Weather?", "tools": []any{weatherTool()},
		"tool_choice": map[string]any{"type": "function", "name": "get_weather"}})
	call1 := obj(t, arr(t, first["output"])[0])
	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "previous_response_id": first["id"],
		"input": []any{map[string]any{"type": "function_call_output", "call_id": call1["call_id"], "output": "Sunny"}}})
	assert.Equal(t, first["id"], m["previous_response_id"])
	assert.Equal(t, "This is a fake reply to: Weather?", outputTextOf(t, m))

	// An output for a call nobody made.
	r := postJSON(t, s, "/v1/responses", map[string]any{"model": "gpt-4.1-nano",
		"input": []any{map[string]any{"type": "function_call_output", "call_id": "call_nope", "output": "x"}}}, authHeaders())
	require.Equal(t, http.StatusBadRequest, r.status)
	e := r.apiError(t)
	assert.Equal(t, "input", e["param"])
	assert.Equal(t, "No tool call found for function call output with call_id call_nope.", e["message"])

	// A custom tool forced by name gives a custom tool call.
	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "Run it",
		"tools": []any{map[string]any{"type": "custom", "name": "shell_cmd"}}, "tool_choice": map[string]any{"type": "custom", "name": "shell_cmd"}})
	ct := obj(t, arr(t, m["output"])[0])
	assert.Equal(t, "custom_tool_call", ct["type"])
	assert.Equal(t, "shell_cmd", ct["name"])
	assert.Equal(t, "This is a fake reply to: Run it", ct["input"])
}

// roundTrip re-decodes a value without json.Number, to compare it with Go
// literals.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func TestResponseBuiltInTools(t *testing.T) {
	s := newTestServer(t)
	tools := []any{
		map[string]any{"type": "code_interpreter", "container": "cntr_123"},
		map[string]any{"type": "code_interpreter", "container": map[string]any{"type": "auto", "file_ids": []any{"file-1"}}},
		map[string]any{"type": "file_search", "vector_store_ids": []any{"vs_1"}, "max_num_results": 5},
		map[string]any{"type": "web_search"},
		map[string]any{"type": "image_generation"},
		map[string]any{"type": "mcp", "server_label": "docs", "server_url": "https://example.com/mcp"},
	}
	m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "x", "tools": tools, "tool_choice": "required"})
	assert.Equal(t, roundTrip(t, tools), roundTrip(t, m["tools"]))
	// No callable tool: the reply is text.
	assert.Equal(t, "This is a fake reply to: x", outputTextOf(t, m))
}

func TestResponseStoreFalse(t *testing.T) {
	s := newTestServer(t)
	m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "Secret", "store": false})
	assert.Equal(t, "completed", m["status"])
	assert.Equal(t, "This is a fake reply to: Secret", outputTextOf(t, m))
	id := m["id"].(string)

	r := call(t, s, http.MethodGet, "/v1/responses/"+id, nil, authHeaders())
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "Response with id '"+id+"' not found.", r.apiError(t)["message"])
	require.Equal(t, http.StatusNotFound, cancelResponse(t, s, id).status)

	r = postJSON(t, s, "/v1/responses", map[string]any{"model": "gpt-4.1-nano", "input": "x", "previous_response_id": id}, authHeaders())
	require.Equal(t, http.StatusBadRequest, r.status)
	e := r.apiError(t)
	assert.Equal(t, "previous_response_id", e["param"])
	assert.Equal(t, "previous_response_not_found", e["code"])
	assert.Equal(t, "Previous response with id '"+id+"' not found.", e["message"])

	r = postJSON(t, s, "/v1/responses", map[string]any{"model": "gpt-4.1-nano", "input": "x", "background": true, "store": false}, authHeaders())
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "background", r.apiError(t)["param"])
}

func TestResponsePreviousChain(t *testing.T) {
	s := newTestServer(t)
	first := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "One", "instructions": "Not carried over."})
	second := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "Two", "previous_response_id": first["id"]})
	assert.Equal(t, "This is a fake reply to: Two", outputTextOf(t, second))
	in := CountTokens("One") + CountTokens(outputTextOf(t, first)) + CountTokens("Two")
	assert.Equal(t, int64(in), num(t, obj(t, second["usage"])["input_tokens"]))
	assert.Nil(t, second["instructions"])

	// No new input: the reply is about the chain's last user message.
	third := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": []any{}, "previous_response_id": second["id"]})
	assert.Equal(t, "This is a fake reply to: Two", outputTextOf(t, third))

	// A background response still running cannot be built upon.
	bg := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "x", "background": true})
	r := postJSON(t, s, "/v1/responses", map[string]any{"model": "gpt-4.1-nano", "input": "y", "previous_response_id": bg["id"]}, authHeaders())
	require.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "previous_response_id", r.apiError(t)["param"])
}

func TestResponseIncompleteAndFormats(t *testing.T) {
	s := newTestServer(t)
	long := strings.Repeat("word ", 100)
	m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": long, "max_output_tokens": 16})
	assert.Equal(t, "incomplete", m["status"])
	assert.Equal(t, map[string]any{"reason": "max_output_tokens"}, m["incomplete_details"])
	assert.Nil(t, m["completed_at"])
	msg := obj(t, arr(t, m["output"])[0])
	assert.Equal(t, "incomplete", msg["status"])
	assert.Equal(t, int64(16), num(t, obj(t, m["usage"])["output_tokens"]))

	// A background one ends incomplete the same way.
	b := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": long, "max_output_tokens": 16, "background": true})
	getResponse(t, s, b["id"].(string))
	assert.Equal(t, "incomplete", getResponse(t, s, b["id"].(string))["status"])

	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "Reply in JSON", "text": map[string]any{"format": map[string]any{"type": "json_object"}}})
	assert.JSONEq(t, `{"reply":"This is a fake reply to: Reply in JSON","model":"gpt-4.1-nano"}`, outputTextOf(t, m))
	assert.Equal(t, map[string]any{"format": map[string]any{"type": "json_object"}, "verbosity": "medium"}, m["text"])

	format := map[string]any{"type": "json_schema", "name": "answer", "strict": true, "schema": map[string]any{
		"type": "object", "properties": map[string]any{"answer": map[string]any{"type": "string"}, "n": map[string]any{"type": "integer"}},
		"required": []any{"answer", "n"}, "additionalProperties": false}}
	m = createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "Hi", "text": map[string]any{"format": format}})
	assert.JSONEq(t, `{"answer":"This is a fake reply to: Hi","n":0}`, outputTextOf(t, m))
	assert.Equal(t, roundTrip(t, format), roundTrip(t, obj(t, m["text"])["format"]))
}

func TestResponseValidation(t *testing.T) {
	s := newTestServer(t)
	fn := `[{"type":"function","name":"f"}]`
	tests := []struct {
		name, body  string
		status      int
		param, code string
		message     string
	}{
		{"no model", `{"input":"x"}`, 400, "model", "missing_required_parameter", "Missing required parameter: 'model'."},
		{"no input", `{"model":"gpt-4.1-nano"}`, 400, "input", "missing_required_parameter", "Missing required parameter: 'input'."},
		{"unknown model", `{"model":"gpt-nope","input":"x"}`, 400, "model", "model_not_found", "The requested model 'gpt-nope' does not exist."},
		{"not a text model", `{"model":"whisper-1","input":"x"}`, 400, "model", "model_not_found",
			"The requested model 'whisper-1' is not supported with the Responses API."},
		{"unknown field", `{"model":"gpt-4.1-nano","input":"x","n":2}`, 400, "n", "unknown_parameter", "Unknown parameter: 'n'."},
		{"chat messages", `{"model":"gpt-4.1-nano","input":"x","messages":[]}`, 400, "", "unsupported_parameter", ""},
		{"input of a wrong type", `{"model":"gpt-4.1-nano","input":{"a":1}}`, 400, "input", "invalid_type",
			"Invalid type for 'input': expected one of a string or array of input items, but got an object instead."},
		{"input item not an object", `{"model":"gpt-4.1-nano","input":[7]}`, 400, "input[0]", "invalid_type",
			"Invalid type for 'input[0]': expected an input item, but got an integer instead."},
		{"input item role", `{"model":"gpt-4.1-nano","input":[{"role":"bogus","content":"x"}]}`, 400, "input[0]", "invalid_value",
			"Invalid value: 'bogus'. Supported values are: 'assistant', 'system', 'developer', and 'user'."},
		{"input item member", `{"model":"gpt-4.1-nano","input":[{"role":"user","content":"x","bogus":1}]}`, 400, "input[0].bogus", "unknown_parameter", ""},
		{"empty input", `{"model":"gpt-4.1-nano","input":""}`, 400, "", "missing_required_parameter",
			`One of "input" or "previous_response_id" or 'prompt' or 'conversation' must be provided.`},
		{"empty input list", `{"model":"gpt-4.1-nano","input":[]}`, 400, "", "missing_required_parameter", ""},
		{"max_output_tokens below 16", `{"model":"gpt-4.1-nano","input":"x","max_output_tokens":15}`, 400, "max_output_tokens", "integer_below_min_value",
			"Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 15 instead."},
		{"temperature above 2", `{"model":"gpt-4.1-nano","input":"x","temperature":3}`, 400, "temperature", "decimal_above_max_value", ""},
		{"top_p above 1", `{"model":"gpt-4.1-nano","input":"x","top_p":1.5}`, 400, "top_p", "decimal_above_max_value", ""},
		{"metadata", `{"model":"gpt-4.1-nano","input":"x","metadata":{"k":1}}`, 400, "metadata.k", "invalid_type", ""},
		{"background of a wrong type", `{"model":"gpt-4.1-nano","input":"x","background":"yes"}`, 400, "background", "invalid_type",
			"Invalid type for 'background': expected a boolean, but got a string instead."},
		{"background without store", `{"model":"gpt-4.1-nano","input":"x","background":true,"store":false}`, 400, "background", "invalid_value", ""},
		{"stream", `{"model":"gpt-4.1-nano","input":"x","stream":true}`, 400, "stream", "unsupported_by_fake", ""},
		{"stream_options member", `{"model":"gpt-4.1-nano","input":"x","stream_options":{"include_usage":true}}`, 400, "stream_options.include_usage", "unknown_parameter", ""},
		{"tools of a wrong type", `{"model":"gpt-4.1-nano","input":"x","tools":"x"}`, 400, "tools", "invalid_type",
			"Invalid type for 'tools': expected an array of tools, but got a string instead."},
		{"tool without type", `{"model":"gpt-4.1-nano","input":"x","tools":[{}]}`, 400, "tools[0].type", "missing_required_parameter", ""},
		{"tool of an unknown type", `{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"browser"}]}`, 400, "tools[0].type", "invalid_value", ""},
		{"function without a name", `{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"function"}]}`, 400, "tools[0].name", "missing_required_parameter", ""},
		{"chat-shaped function", `{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"function","function":{"name":"f"}}]}`, 400, "tools[0].name", "missing_required_parameter",
			"Missing required parameter: 'tools[0].name'."},
		{"function name pattern", `{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"function","name":"a b"}]}`, 400, "tools[0].name", "invalid_value", ""},
		{"code_interpreter without container", `{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"code_interpreter"}]}`, 400, "tools[0].container", "missing_required_parameter",
			"Missing required parameter: 'tools[0].container'."},
		{"code_interpreter container type", `{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"code_interpreter","container":{"type":"manual"}}]}`, 400, "tools[0].container.type", "invalid_value", ""},
		{"file_search without stores", `{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"file_search"}]}`, 400, "tools[0].vector_store_ids", "missing_required_parameter", ""},
		{"file_search with no stores", `{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"file_search","vector_store_ids":[]}]}`, 400, "tools[0].vector_store_ids", "empty_array", ""},
		{"mcp without a label", `{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"mcp"}]}`, 400, "tools[0].server_label", "missing_required_parameter", ""},
		{"tool_choice of a wrong type", `{"model":"gpt-4.1-nano","input":"x","tool_choice":7}`, 400, "tool_choice", "invalid_type",
			"Invalid type for 'tool_choice': expected one of an object or 'none', 'auto', or 'required', but got an integer instead."},
		{"tool_choice value", `{"model":"gpt-4.1-nano","input":"x","tools":` + fn + `,"tool_choice":"bogus"}`, 400, "tool_choice", "invalid_value",
			"Invalid value: 'bogus'. Supported values are: 'none', 'auto', and 'required'."},
		{"tool_choice without a name", `{"model":"gpt-4.1-nano","input":"x","tools":` + fn + `,"tool_choice":{"type":"function"}}`, 400, "tool_choice.name", "missing_required_parameter", ""},
		{"chat-shaped tool_choice", `{"model":"gpt-4.1-nano","input":"x","tools":` + fn + `,"tool_choice":{"type":"function","function":{"name":"f"}}}`, 400, "tool_choice.name", "missing_required_parameter", ""},
		{"tool_choice not in tools", `{"model":"gpt-4.1-nano","input":"x","tools":` + fn + `,"tool_choice":{"type":"function","name":"g"}}`, 400, "tool_choice", "invalid_value", ""},
		{"required without tools", `{"model":"gpt-4.1-nano","input":"x","tool_choice":"required"}`, 400, "tool_choice", "invalid_value", ""},
		{"truncation", `{"model":"gpt-4.1-nano","input":"x","truncation":"bogus"}`, 400, "truncation", "invalid_value",
			"Invalid value: 'bogus'. Supported values are: 'auto' and 'disabled'."},
		{"include", `{"model":"gpt-4.1-nano","input":"x","include":["bogus.thing"]}`, 400, "include[0]", "invalid_value", ""},
		{"text member", `{"model":"gpt-4.1-nano","input":"x","text":{"zzz":1}}`, 400, "text.zzz", "unknown_parameter", ""},
		{"text format type", `{"model":"gpt-4.1-nano","input":"x","text":{"format":{"type":"bogus"}}}`, 400, "text.format.type", "invalid_value",
			"Invalid value: 'bogus'. Supported values are: 'json_object', 'text', and 'json_schema'."},
		{"json_schema without a name", `{"model":"gpt-4.1-nano","input":"x","text":{"format":{"type":"json_schema"}}}`, 400, "text.format.name", "missing_required_parameter", ""},
		{"json_object without json", `{"model":"gpt-4.1-nano","input":"x","text":{"format":{"type":"json_object"}}}`, 400, "input", "", ""},
		{"verbosity", `{"model":"gpt-4.1-nano","input":"x","text":{"verbosity":"bogus"}}`, 400, "text.verbosity", "invalid_value", ""},
		{"reasoning of a wrong type", `{"model":"o3","input":"x","reasoning":"low"}`, 400, "reasoning", "invalid_type", ""},
		{"reasoning effort", `{"model":"o3","input":"x","reasoning":{"effort":"bogus"}}`, 400, "reasoning.effort", "invalid_value", ""},
		{"reasoning generate_summary", `{"model":"o3","input":"x","reasoning":{"generate_summary":"auto"}}`, 400, "reasoning.generate_summary", "unknown_parameter", ""},
		{"effort on a model without reasoning", `{"model":"gpt-4.1-nano","input":"x","reasoning":{"effort":"low"}}`, 400, "reasoning.effort", "unsupported_parameter", ""},
		{"safety_identifier too long", `{"model":"gpt-4.1-nano","input":"x","safety_identifier":"` + strings.Repeat("s", 65) + `"}`, 400, "safety_identifier", "string_above_max_length", ""},
		{"service_tier", `{"model":"gpt-4.1-nano","input":"x","service_tier":"bogus"}`, 400, "service_tier", "invalid_value", ""},
		{"top_logprobs", `{"model":"gpt-4.1-nano","input":"x","top_logprobs":21}`, 400, "top_logprobs", "integer_above_max_value", ""},
		{"max_tool_calls", `{"model":"gpt-4.1-nano","input":"x","max_tool_calls":0}`, 400, "max_tool_calls", "integer_below_min_value",
			"Invalid 'max_tool_calls': integer below minimum value. Expected a value >= 1, but got 0 instead."},
		{"prompt_cache_retention", `{"model":"gpt-4.1-nano","input":"x","prompt_cache_retention":"x"}`, 400, "prompt_cache_retention", "invalid_value",
			"Invalid value: 'x'. Supported values are: 'in_memory' and '24h'."},
		{"prompt_cache_options member", `{"model":"gpt-4.1-nano","input":"x","prompt_cache_options":{"bogus":1}}`, 400, "prompt_cache_options.bogus", "unknown_parameter", ""},
		{"conversation of a wrong type", `{"model":"gpt-4.1-nano","input":"x","conversation":7}`, 400, "conversation", "invalid_type", ""},
		{"conversation and previous response", `{"model":"gpt-4.1-nano","input":"x","conversation":"conv_x","previous_response_id":"resp_x"}`, 400, "",
			"mutually_exclusive_parameters", "Mutually exclusive parameters: ''. Ensure you are only providing one of: 'pre..._id' or 'conversation'."},
		{"unknown conversation", `{"model":"gpt-4.1-nano","input":"x","conversation":"conv_x"}`, 404, "", "", "Conversation with id 'conv_x' not found."},
		{"unknown prompt", `{"model":"gpt-4.1-nano","input":"x","prompt":{"id":"pmpt_x"}}`, 404, "", "", "Prompt with id 'pmpt_x' not found."},
		{"unknown previous response", `{"model":"gpt-4.1-nano","input":"x","previous_response_id":"resp_x"}`, 400, "previous_response_id",
			"previous_response_not_found", "Previous response with id 'resp_x' not found."},
		{"not JSON", `{`, 400, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, s, "/v1/responses", tt.body, authHeaders())
			require.Equal(t, tt.status, r.status, "body: %s", r.body)
			e := r.apiError(t)
			assert.Equal(t, "invalid_request_error", e["type"])
			if tt.param == "" {
				assert.Nil(t, e["param"])
			} else {
				assert.Equal(t, tt.param, e["param"])
			}
			if tt.code == "" {
				assert.Nil(t, e["code"])
			} else {
				assert.Equal(t, tt.code, e["code"])
			}
			if tt.message != "" {
				assert.Equal(t, tt.message, e["message"])
			}
		})
	}
	// Nothing refused was stored: the only response is the one below.
	m := createResponse(t, s, map[string]any{"model": "gpt-4.1-nano", "input": "x"})
	assert.Equal(t, "completed", m["status"])

	// Reading: unknown id, unknown include, streaming.
	for _, tt := range []struct {
		path   string
		status int
		param  any
	}{
		{"/v1/responses/resp_nope", 404, nil},
		{"/v1/responses/" + m["id"].(string) + "?include=bogus", 400, "include[0]"},
		{"/v1/responses/" + m["id"].(string) + "?stream=true", 400, "stream"},
	} {
		r := call(t, s, http.MethodGet, tt.path, nil, authHeaders())
		require.Equal(t, tt.status, r.status, tt.path)
		assert.Equal(t, tt.param, r.apiError(t)["param"], tt.path)
	}
	// Known paths with other methods are unknown routes.
	r := call(t, s, http.MethodDelete, "/v1/responses/"+m["id"].(string), nil, authHeaders())
	require.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "Invalid URL (DELETE /v1/responses/"+m["id"].(string)+")", r.apiError(t)["message"])
}

func TestResponsesFaultsAndRecording(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Method: http.MethodPost, Path: "/v1/responses", Status: http.StatusTooManyRequests, Times: 1})
	s.InjectFault(Fault{Path: "/v1/conversations", Model: "", Status: http.StatusInternalServerError, Times: 1})
	s.InjectFault(Fault{Path: "/v1/responses", Model: "o3", Status: http.StatusBadGateway, Times: 1})
	body := map[string]any{"model": "gpt-4.1-nano", "input": "Hi"}

	r := postJSON(t, s, "/v1/responses", body, authHeaders())
	require.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "rate_limit_exceeded", r.apiError(t)["code"])
	createResponse(t, s, body)
	require.Equal(t, http.StatusInternalServerError, postJSON(t, s, "/v1/conversations", `{}`, authHeaders()).status)
	createConversation(t, s, `{}`)
	require.Equal(t, http.StatusBadGateway, postJSON(t, s, "/v1/responses", map[string]any{"model": "o3", "input": "Hi"}, authHeaders()).status)
	assert.Equal(t, 3, s.FaultsApplied())

	reqs := s.Requests()
	require.Len(t, reqs, 5)
	assert.Equal(t, "/v1/responses", reqs[0].Path)
	assert.JSONEq(t, `{"model":"gpt-4.1-nano","input":"Hi"}`, string(reqs[0].Body))
	assert.Equal(t, "/v1/conversations", reqs[3].Path)

	// Without a key, 401.
	require.Equal(t, http.StatusUnauthorized, postJSON(t, s, "/v1/responses", body, nil).status)
}
