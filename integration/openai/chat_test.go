package openai_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	in "github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

func chatFn(t *testing.T) *in.Function {
	t.Helper()
	fn := openai.New().Function("openai_chat_completion")
	require.NotNil(t, fn)
	return fn
}

func user(text string) map[string]any { return map[string]any{"role": "user", "content": text} }

func chatArgs(extra map[string]any) map[string]any {
	args := map[string]any{"model": "gpt-5.1", "messages": []any{user("hi")}}
	for k, v := range extra {
		args[k] = v
	}
	return args
}

func TestChatAcceptsTheSpecsParameters(t *testing.T) {
	fn := chatFn(t)
	tool := map[string]any{"type": "function", "function": map[string]any{
		"name": "get_weather", "description": "Weather of a city",
		"parameters": map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}},
			"required": map[string]any{}}}}
	args := chatArgs(map[string]any{
		"max_completion_tokens": 100.0, "reasoning_effort": "low", "verbosity": "high", "seed": 7.0, "n": 2.0,
		"stop": []any{"\n"}, "logprobs": true, "top_logprobs": 3.0, "user": "u1", "safety_identifier": "s1",
		"metadata": map[string]any{"k": "v"}, "store": false, "service_tier": "flex", "parallel_tool_calls": true,
		"tools": []any{tool}, "tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "get_weather"}},
		"prediction":         map[string]any{"type": "content", "content": "x"},
		"web_search_options": map[string]any{"search_context_size": "low"},
		"stream_options":     map[string]any{"include_usage": true},
		"messages": []any{
			map[string]any{"role": "developer", "content": "be brief"},
			user("weather?"),
			map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{"id": "call_1", "type": "function",
				"function": map[string]any{"name": "get_weather", "arguments": "{}"}}}},
			map[string]any{"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
			map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "and?"},
				map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/a.png", "detail": "low"}}}},
		},
	})
	out, err := fn.Validate(args)
	require.NoError(t, err)
	req := out["tools"].([]any)[0].(map[string]any)["function"].(map[string]any)["parameters"].(map[string]any)["required"]
	assert.Equal(t, []any{}, req, "an empty Lua table is an empty list where a JSON schema has one")
}

func TestChatRefusesBySpec(t *testing.T) {
	fn := chatFn(t)
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{"unknown key suggests over the whole set", chatArgs(map[string]any{"max_completion_token": 5.0}),
			"parameter 'max_completion_token': unknown parameter; did you mean 'max_completion_tokens'?"},
		{"enum", chatArgs(map[string]any{"reasoning_effort": "hgh"}),
			`parameter 'reasoning_effort': expected one of "none", "minimal", "low", "medium", "high", "xhigh", "max", got "hgh"; did you mean "high"?`},
		{"integer", chatArgs(map[string]any{"n": 1.5}), "parameter 'n': integer expected, got 1.5"},
		{"bounds", chatArgs(map[string]any{"top_logprobs": 30.0}), "parameter 'top_logprobs': number between 0 and 20 expected, got 30"},
		{"stop has at most four", chatArgs(map[string]any{"stop": []any{"a", "b", "c", "d", "e"}}),
			"parameter 'stop': array of at most 4 elements expected, got 5"},
		{"tool message needs tool_call_id", chatArgs(map[string]any{"messages": []any{user("x"), map[string]any{"role": "tool", "content": "r"}}}),
			"parameter 'messages[2].tool_call_id': required string is missing"},
		{"content arrays have a part", chatArgs(map[string]any{"messages": []any{map[string]any{"role": "user", "content": []any{}}}}),
			"parameter 'messages[1].content': array of at least 1 element(s) expected, got 0"},
		{"user content needs content", chatArgs(map[string]any{"messages": []any{map[string]any{"role": "user"}}}),
			"parameter 'messages[1].content': required string or array is missing"},
		{"content part type", chatArgs(map[string]any{"messages": []any{map[string]any{"role": "user", "content": []any{map[string]any{"type": "txt", "text": "a"}}}}}),
			`parameter 'messages[1].content[1].type': expected one of "file", "image_url", "input_audio", "text", got "txt"; did you mean "text"?`},
		{"tool schema not an object", chatArgs(map[string]any{"tools": []any{map[string]any{"type": "function", "function": map[string]any{"name": "f", "parameters": "x"}}}}),
			"parameter 'tools[1].function.parameters': object expected, got string"},
		{"tool schema of another type", chatArgs(map[string]any{"tools": []any{map[string]any{"type": "function", "function": map[string]any{"name": "f", "parameters": map[string]any{"type": "string"}}}}}),
			`parameter 'tools[1].function.parameters.type': a function's parameters are a JSON schema of type "object", got "string"`},
		{"tool without function", chatArgs(map[string]any{"tools": []any{map[string]any{"type": "function"}}}),
			"parameter 'tools[1].function': required object is missing"},
		{"tool_choice", chatArgs(map[string]any{"tool_choice": "requried"}),
			`parameter 'tool_choice': expected one of "none", "auto", "required", got "requried"; did you mean "required"?`},
		{"n with stream: the choices would interleave", chatArgs(map[string]any{"stream": true, "n": 3.0}),
			"parameter 'n': one choice per streamed completion"},
		{"a seed parameter still checked first", chatArgs(map[string]any{"temperature": 3.0}),
			"parameter 'temperature': number between 0 and 2 expected, got 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fn.Validate(tc.args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// chatCall calls openai_chat_completion through an account with settings
// against a fresh fake and returns the result, the body sent, the notes of
// the call and its error.
func chatCall(t *testing.T, settings map[string]string, raw map[string]any) (*in.Result, map[string]any, []string, error) {
	t.Helper()
	srv := openaitest.NewServer()
	t.Cleanup(srv.Close)
	oa := openai.New()
	fn := oa.Function("openai_chat_completion")
	args, err := fn.Validate(raw)
	require.NoError(t, err)
	acct := &in.Account{Name: "default", Key: in.NewSecret(openaitest.DefaultAPIKey), BaseURL: srv.BaseURL(), Settings: settings}
	client := in.NewClient()
	client.MaxRetries = -1
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, info, err := client.Invoke(ctx, oa, fn, acct, args)
	var body map[string]any
	if reqs := srv.Requests(); len(reqs) == 1 {
		require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
	}
	return res, body, info.Notes, err
}

func seedArgs(model string) map[string]any {
	return map[string]any{"model": model, "temperature": 0.7, "max_tokens": 100.0, "messages": []any{
		map[string]any{"role": "system", "content": "You are a helpful assistant."},
		user("Explain quantum computing in one sentence."),
	}}
}

func TestReasoningModels(t *testing.T) {
	t.Run("the seed's script on gpt-4o is sent as written", func(t *testing.T) {
		res, body, notes, err := chatCall(t, nil, seedArgs("gpt-4.1-nano"))
		require.NoError(t, err)
		assert.NotNil(t, res)
		assert.Equal(t, 100.0, body["max_tokens"])
		assert.Empty(t, notes)
	})
	t.Run("max_tokens is max_completion_tokens for a reasoning model", func(t *testing.T) {
		args := seedArgs("gpt-5.1")
		delete(args, "temperature")
		_, body, _, err := chatCall(t, nil, args)
		require.NoError(t, err)
		assert.Equal(t, 100.0, body["max_completion_tokens"])
		assert.NotContains(t, body, "max_tokens")
	})
	t.Run("a refused temperature reaches the script as the API says it", func(t *testing.T) {
		_, body, notes, err := chatCall(t, nil, seedArgs("gpt-5.1"))
		var ae *in.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 400, ae.Status)
		assert.Equal(t, "invalid_request_error", ae.Type)
		assert.Equal(t, "unsupported_value", ae.Code)
		assert.Equal(t, "temperature", ae.Param)
		assert.Equal(t, "Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported.", ae.Message)
		assert.Equal(t, 0.7, body["temperature"])
		assert.Empty(t, notes)
	})
	t.Run("gpt-5.1 takes temperature with reasoning_effort none", func(t *testing.T) {
		args := seedArgs("gpt-5.1")
		args["reasoning_effort"] = "none"
		_, _, _, err := chatCall(t, nil, args)
		require.NoError(t, err)
	})
	t.Run("drop_params drops it and says so", func(t *testing.T) {
		res, body, notes, err := chatCall(t, map[string]string{openai.SettingDropParams: "true"}, seedArgs("gpt-5.1"))
		require.NoError(t, err)
		assert.NotNil(t, res)
		assert.NotContains(t, body, "temperature")
		require.Len(t, notes, 1)
		assert.Contains(t, notes[0], "dropped 'temperature'")
	})
	t.Run("an account whose models all reason", func(t *testing.T) {
		args := seedArgs("gpt-4.1-nano")
		delete(args, "temperature")
		_, body, _, err := chatCall(t, map[string]string{openai.SettingReasoningModels: "all"}, args)
		require.NoError(t, err)
		assert.Equal(t, 100.0, body["max_completion_tokens"])
	})
}

func TestChatDryRunShowsMaxCompletionTokens(t *testing.T) {
	oa := openai.New()
	fn := oa.Function("openai_chat_completion")
	args, err := fn.Validate(seedArgs("o3"))
	require.NoError(t, err)
	caller := in.Caller{Client: in.NewClient(), Policy: in.Policy{DryRun: true}}
	res, _, err := caller.Call(context.Background(), oa, fn, &in.Account{Name: "default"}, args)
	require.NoError(t, err)
	body := res.Value.(map[string]any)["body"].(map[string]any)
	assert.Equal(t, 100.0, body["max_completion_tokens"])
	assert.NotContains(t, body, "max_tokens")
}

// TestChatSpecProblemsInFieldOrder requires every problem of one message,
// each with its path, in the sorted order of the fields, on every call
// (Go's maps iterate in a different order each time).
func TestChatSpecProblemsInFieldOrder(t *testing.T) {
	fn := chatFn(t)
	msg := map[string]any{"role": "user", "name": 5.0, "content": []any{map[string]any{"type": "text", "text": true}}, "zzz": 1.0, "aaa": 2.0}
	var first string
	for i := range 20 {
		_, err := fn.Validate(chatArgs(map[string]any{"messages": []any{user("x"), msg}}))
		require.Error(t, err)
		if i == 0 {
			first = err.Error()
			continue
		}
		require.Equal(t, first, err.Error(), "the same problems in the same order every time")
	}
	content := strings.Index(first, "'messages[2].content[1].text': string expected, got boolean")
	name := strings.Index(first, "'messages[2].name': string expected, got number")
	require.GreaterOrEqual(t, content, 0, first)
	require.Greater(t, name, content, first)
}
