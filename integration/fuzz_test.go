package integration_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
)

// FuzzValidate feeds arbitrary argument tables (as JSON, the shape a Lua
// table takes once converted) to every function's validation. It must never
// panic nor change its input; it either lists problems, each naming a
// parameter path in the arguments, or accepts arguments that the function
// can build a request from.
func FuzzValidate(f *testing.F) {
	for _, seed := range []struct {
		fn   byte
		args string
	}{
		{0, `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":0.7,"max_tokens":100}`},
		{0, `{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"image_url","image_url":{"url":"http://x"}}]}],"max_token":1}`},
		{1, `{"model":"text-embedding-3-small","input":["a","b"],"dimensions":3}`},
		{2, `{"prompt":"cat","size":"1024x1024","n":1.5}`},
		{3, `{"file_content":"UklGRg==","filename":"a.wav","model":"whisper-1","response_format":"srt"}`},
		{3, `{"file_content":"not base64!","filename":"a.wav","model":"whisper-1"}`},
		{4, `{"model":"tts-1","input":"hi","voice":"alloy","speed":9}`},
		{5, `{"model":"gpt-4o","tools":[{"type":"code_interpreter"}],"metadata":{"k":"v"}}`},
		{7, `{"messages":[null]}`},
		{8, `{"thread_id":"thread_1","role":"user","content":"x"}`},
		{10, `{"thread_id":"../x","assistant_id":"asst_1"}`},
		{11, `{"thread_id":"t","run_id":"r/../../x"}`},
		{12, `{"file_content":"eA","filename":"x.jsonl","purpose":"assistants"}`},
		{13, `{"limit":1e309}`},
		{14, `{"after":"x","limit":-1,"order":"sideways"}`},
		{0, `{}`},
		{0, `{"model":null,"messages":{}}`},
	} {
		f.Add(seed.fn, []byte(seed.args))
	}
	oa := openai.New()
	acct := &integration.Account{Name: "a", BaseURL: "https://api.example/v1"}
	f.Fuzz(func(t *testing.T, fnIndex byte, data []byte) {
		fn := oa.Functions[int(fnIndex)%len(oa.Functions)]
		var args map[string]any
		if json.Unmarshal(data, &args) != nil || args == nil {
			return
		}
		before, err := json.Marshal(args)
		require.NoError(t, err)

		valid, err := fn.Validate(args)

		after, merr := json.Marshal(args)
		require.NoError(t, merr)
		require.Equal(t, string(before), string(after), "Validate changed its input")
		if err != nil {
			var ve *integration.ValidationError
			require.True(t, errors.As(err, &ve), "%T: %v", err, err)
			require.NotEmpty(t, ve.Problems)
			require.True(t, strings.HasPrefix(ve.Error(), fn.Name+": "), ve.Error())
			for _, p := range ve.Problems {
				require.NotEmpty(t, p.Message)
				if p.Path != "" {
					assert.True(t, pathStartsAtParam(p.Path, args, fn), "problem path %q names neither an argument nor a parameter", p.Path)
				}
			}
			return
		}
		require.NotNil(t, valid)
		// Validating what validation gave back changes nothing more.
		again, err := fn.Validate(reencode(t, valid))
		if err == nil {
			assert.True(t, reflect.DeepEqual(reencodeAny(t, valid), reencodeAny(t, again)), "validation is idempotent")
		}
		plan, err := integration.PlanCall(oa, fn, acct, valid)
		if err != nil {
			var ve *integration.ValidationError
			require.True(t, errors.As(err, &ve), "a plan fails only on its path: %v", err)
			return
		}
		require.NotEmpty(t, plan.Method)
		path, ok := strings.CutPrefix(plan.URL, acct.BaseURL)
		require.True(t, ok, "the URL %q starts at the base URL", plan.URL)
		path, _, _ = strings.Cut(path, "?")
		for i, seg := range strings.Split(path, "/") {
			if i > 0 {
				require.NotContains(t, []string{"", ".", ".."}, seg, "the path %q stays on its endpoint", path)
			}
		}
		if plan.ContentType == "application/json" {
			require.True(t, json.Valid(plan.Body), "the request body is JSON: %q", plan.Body)
		}
	})
}

// reencode turns validated arguments back into what a script would pass:
// binary (decoded base64) back to base64 text via JSON.
func reencode(t *testing.T, a integration.Args) map[string]any {
	t.Helper()
	b, err := json.Marshal(a)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func reencodeAny(t *testing.T, a integration.Args) any {
	t.Helper()
	b, err := json.Marshal(a)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

// pathStartsAtParam reports whether a problem's path starts with an argument
// key or a parameter name (keys may themselves hold '.' or '[').
func pathStartsAtParam(path string, args map[string]any, fn *integration.Function) bool {
	names := make([]string, 0, len(args)+len(fn.Params))
	for k := range args {
		names = append(names, k)
	}
	for _, p := range fn.Params {
		names = append(names, p.Name)
	}
	for _, k := range names {
		if path == k || strings.HasPrefix(path, k+".") || strings.HasPrefix(path, k+"[") {
			return true
		}
	}
	return false
}

// TestPathSegmentsStayOnTheEndpoint is the regression test of what
// FuzzValidate found: an id of "..", "." or "" passed validation and made
// a path such as /threads/../messages, which a server resolves to another
// endpoint. The plan is now refused, naming the parameter.
func TestPathSegmentsStayOnTheEndpoint(t *testing.T) {
	oa := openai.New()
	acct := &integration.Account{Name: "a", BaseURL: "https://api.example/v1"}
	tests := []struct {
		fn    string
		args  integration.Args
		param string
	}{
		{"openai_list_thread_messages", integration.Args{"thread_id": ".."}, "thread_id"},
		{"openai_add_message_to_thread", integration.Args{"thread_id": ".", "role": "user", "content": "x"}, "thread_id"},
		{"openai_create_run", integration.Args{"thread_id": "", "assistant_id": "asst_1"}, "thread_id"},
		{"openai_get_run", integration.Args{"thread_id": "thread_1", "run_id": ".."}, "run_id"},
	}
	for _, tt := range tests {
		t.Run(tt.fn+" "+tt.param, func(t *testing.T) {
			fn := oa.Function(tt.fn)
			valid, err := fn.Validate(tt.args)
			if err == nil { // validation may refuse it first ("" is too short)
				_, err = integration.PlanCall(oa, fn, acct, valid)
			}
			var ve *integration.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.param, ve.Param())
		})
	}
	plan, err := integration.PlanCall(oa, oa.Function("openai_get_run"), acct, integration.Args{"thread_id": "thread_..", "run_id": "run_1"})
	require.NoError(t, err, "dots inside an id are fine")
	assert.Equal(t, "https://api.example/v1/threads/thread_../runs/run_1", plan.URL)
}
