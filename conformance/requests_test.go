//go:build conformance

package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"slices"
	"strings"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/mediamodels"
)

// coverage says which parameters a request case must carry.
type coverage string

const (
	full    coverage = "full"    // every documented parameter
	minimal coverage = "minimal" // the required ones only
	value   coverage = "value"   // one more value of an enum; not checked
)

// requestCase is one call whose request the oracle must accept.
type requestCase struct {
	fn, name string
	kind     coverage
	args     args // nil: the call has no argument
}

// toMock lists the functions whose requests go to the mock: binary uploads,
// which the proxy would corrupt, and speech, whose binary answer it would.
func toMock(fn string) bool {
	switch fn {
	case "openai_transcribe_audio", "openai_upload_file", "openai_text_to_speech":
		return true
	}
	return false
}

// setup is the Lua that creates what fn's calls refer to (thread, asst,
// run) or list, when it goes through the proxy to the fake.
func setup(fn string) string {
	switch fn {
	case "openai_add_message_to_thread", "openai_list_thread_messages":
		return `local thread = oa.openai_create_thread{ messages = { { role = "user", content = "Hello" } } }`
	case "openai_list_assistants":
		return `oa.openai_create_assistant{ model = "gpt-4o" }`
	case "openai_list_files":
		return `oa.openai_upload_file{ file_content = base64.encode("x"), filename = "a.txt", purpose = "assistants" }`
	case "openai_create_run":
		return `local asst = oa.openai_create_assistant{ model = "gpt-4o" }
local thread = oa.openai_create_thread{ messages = { { role = "user", content = "Hello" } } }`
	case "openai_get_run":
		return `local asst = oa.openai_create_assistant{ model = "gpt-4o" }
local thread = oa.openai_create_thread{ messages = { { role = "user", content = "Hello" } } }
local run = oa.openai_create_run{ thread_id = thread.id, assistant_id = asst.id }`
	}
	return ""
}

// requestCases are, for each function, a full and a minimal call, then one
// call per value of each enum kosmo accepts.
func requestCases() []requestCase {
	weatherTool := map[string]any{
		"type": "function",
		"function": map[string]any{
			"name":        "get_weather",
			"description": "The weather in a city.",
			"parameters": map[string]any{
				"type":       "object",
				"properties": map[string]any{"city": map[string]any{"type": "string"}},
				"required":   []any{"city"},
			},
		},
	}
	hello := []any{map[string]any{"role": "user", "content": "Hello"}}
	cases := []requestCase{
		{fn: "openai_chat_completion", name: "full", kind: full, args: args{
			"model": "gpt-4o",
			"messages": []any{
				map[string]any{"role": "system", "content": "You are a helpful assistant. Answer in JSON."},
				map[string]any{"role": "user", "content": "Explain quantum computing in one sentence."},
			},
			"temperature": 0.7, "max_tokens": 100, "top_p": 0.9,
			"frequency_penalty": 0.5, "presence_penalty": -0.5,
			"response_format": map[string]any{"type": "json_object"},
		}},
		{fn: "openai_chat_completion", name: "minimal", kind: minimal, args: args{"model": "gpt-4o-mini", "messages": hello}},
		{fn: "openai_chat_completion", name: "content parts", kind: value, args: args{"model": "gpt-4o", "messages": []any{
			map[string]any{"role": "developer", "content": "Be brief."},
			map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "Hello"}}},
		}}},
		{fn: "openai_chat_completion", name: "tool round trip", kind: value, args: args{"model": "gpt-4o", "messages": []any{
			map[string]any{"role": "user", "content": "Weather in Paris?"},
			map[string]any{"role": "assistant", "content": "Checking.", "tool_calls": []any{map[string]any{
				"id": "call_1", "type": "function",
				"function": map[string]any{"name": "get_weather", "arguments": `{"city":"Paris"}`},
			}}},
			map[string]any{"role": "tool", "tool_call_id": "call_1", "content": "Sunny"},
		}}},
		{fn: "openai_chat_completion", name: "response_format text", kind: value, args: args{"model": "gpt-4o", "messages": hello,
			"response_format": map[string]any{"type": "text"}}},
		{fn: "openai_chat_completion", name: "response_format json_schema", kind: value, args: args{"model": "gpt-4o", "messages": hello,
			"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{
				"name":   "answer",
				"strict": true,
				"schema": map[string]any{
					"type": "object", "additionalProperties": false,
					"properties": map[string]any{"answer": map[string]any{"type": "string"}},
					"required":   []any{"answer"},
				},
			}}}},

		// Tools, and streamed requests (stream = true; the answer is
		// text/event-stream, whose chunks TestStreamedChunksMatchTheSpec
		// checks, since Prism cannot).
		{fn: "openai_chat_completion", name: "tools", kind: value, args: args{"model": "gpt-5.1", "messages": hello,
			"tools": []any{weatherTool}, "tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "get_weather"}},
			"parallel_tool_calls": false, "max_tokens": 50, "reasoning_effort": "low"}},
		{fn: "openai_chat_completion", name: "tool_choice required", kind: value, args: args{"model": "gpt-4.1", "messages": hello,
			"tools": []any{weatherTool}, "tool_choice": "required"}},
		{fn: "openai_chat_completion", name: "stream", kind: value, args: args{"model": "gpt-5.1", "messages": hello,
			"stream": true, "stream_options": map[string]any{"include_usage": true}}},
		{fn: "openai_chat_completion", name: "stream with tools", kind: value, args: args{"model": "gpt-4.1", "messages": hello,
			"stream": true, "tools": []any{weatherTool}, "tool_choice": "auto"}},

		{fn: "openai_create_embedding", name: "full", kind: full, args: args{"model": "text-embedding-3-small",
			"input": []any{"The quick brown fox", "jumps over the lazy dog"}}},
		{fn: "openai_create_embedding", name: "minimal", kind: minimal, args: args{"model": "text-embedding-3-small",
			"input": "The quick brown fox jumps over the lazy dog"}},

		{fn: "openai_create_image", name: "full", kind: full, args: args{"prompt": "A sunset over a mountain lake in watercolor style",
			"model": "dall-e-3", "n": 1, "size": "1024x1792", "quality": "hd", "style": "natural", "response_format": "b64_json"}},
		{fn: "openai_create_image", name: "minimal", kind: minimal, args: args{"prompt": "A red circle"}},
		// Today's parameters, from the spec, on today's models.
		{fn: "openai_create_image", name: "gpt-image-2 transparent webp", kind: value, args: args{"prompt": "A paper lantern",
			"model": "gpt-image-2", "n": 2, "size": "1536x1024", "quality": "high", "output_format": "webp", "output_compression": 80,
			"background": "transparent", "moderation": "low", "user": "user-1"}},
		{fn: "openai_create_image", name: "gpt-image-2 custom size jpeg", kind: value, args: args{"prompt": "A paper lantern",
			"model": "gpt-image-2", "size": "1536x864", "quality": "low", "output_format": "jpeg", "background": "opaque"}},

		{fn: "openai_transcribe_audio", name: "full", kind: full, args: args{"file_content": base64Binary(), "filename": "speech.wav",
			"model": "whisper-1", "language": "en", "response_format": "verbose_json"}},
		{fn: "openai_transcribe_audio", name: "minimal", kind: minimal, args: args{"file_content": base64Binary(), "filename": "speech.mp3",
			"model": "whisper-1"}},
		{fn: "openai_transcribe_audio", name: "gpt-4o-transcribe with spec parameters", kind: value, args: args{"file_content": base64Binary(),
			"filename": "speech.wav", "model": "gpt-4o-transcribe", "include": []any{"logprobs"}, "prompt": "An order update.",
			"temperature": 0.2, "chunking_strategy": "auto"}},
		{fn: "openai_transcribe_audio", name: "whisper-1 timestamp granularities", kind: value, args: args{"file_content": base64Binary(),
			"filename": "speech.wav", "model": "whisper-1", "response_format": "verbose_json", "timestamp_granularities": []any{"word", "segment"}}},
		{fn: "openai_transcribe_audio", name: "diarize with server_vad", kind: value, args: args{"file_content": base64Binary(),
			"filename": "speech.wav", "model": "gpt-4o-transcribe-diarize", "response_format": "diarized_json",
			"chunking_strategy": map[string]any{"type": "server_vad", "threshold": 0.5}}},
		{fn: "openai_transcribe_audio", name: "gpt-transcribe languages and keywords", kind: value, args: args{"file_content": base64Binary(),
			"filename": "speech.wav", "model": "gpt-transcribe", "languages": []any{"en", "fr"}, "keywords": []any{"kosmo"}}},

		{fn: "openai_text_to_speech", name: "full", kind: full, args: args{"model": "tts-1-hd", "input": "Hello there.", "voice": "nova",
			"speed": 1.25, "response_format": "opus"}},
		{fn: "openai_text_to_speech", name: "minimal", kind: minimal, args: args{"model": "tts-1", "input": "Hello.", "voice": "alloy"}},
		{fn: "openai_text_to_speech", name: "gpt-4o-mini-tts instructions, custom voice", kind: value, args: args{"model": "gpt-4o-mini-tts",
			"input": "Hello.", "voice": map[string]any{"id": "voice_1234"}, "instructions": "Speak warmly.", "stream_format": "audio"}},

		{fn: "openai_create_assistant", name: "full", kind: full, args: args{"model": "gpt-4o", "name": "Math tutor",
			"description": "Answers math questions.", "instructions": "You are a personal math tutor.",
			"tools": []any{map[string]any{"type": "code_interpreter"}, map[string]any{"type": "file_search"}, weatherTool}}},
		{fn: "openai_create_assistant", name: "minimal", kind: minimal, args: args{"model": "gpt-4o"}},

		{fn: "openai_list_assistants", name: "full", kind: full, args: args{"limit": 5}},
		{fn: "openai_list_assistants", name: "minimal", kind: minimal},

		{fn: "openai_create_thread", name: "full", kind: full, args: args{"messages": []any{
			map[string]any{"role": "user", "content": "Hello"},
			map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "text", "text": "Hi, how can I help?"}}},
		}}},
		{fn: "openai_create_thread", name: "minimal", kind: minimal, args: args{}},

		{fn: "openai_add_message_to_thread", name: "full", kind: full, args: args{"thread_id": luaExpr("thread.id"), "role": "user",
			"content": "What is 2 + 2?"}},
		{fn: "openai_add_message_to_thread", name: "minimal", kind: minimal, args: args{"thread_id": luaExpr("thread.id"), "role": "user",
			"content": "Hi"}},

		{fn: "openai_list_thread_messages", name: "full", kind: full, args: args{"thread_id": luaExpr("thread.id"), "limit": 10}},
		{fn: "openai_list_thread_messages", name: "minimal", kind: minimal, args: args{"thread_id": luaExpr("thread.id")}},

		{fn: "openai_create_run", name: "full", kind: full, args: args{"thread_id": luaExpr("thread.id"), "assistant_id": luaExpr("asst.id"),
			"instructions": "Answer in one word."}},
		{fn: "openai_create_run", name: "minimal", kind: minimal, args: args{"thread_id": luaExpr("thread.id"), "assistant_id": luaExpr("asst.id")}},

		{fn: "openai_get_run", name: "full", kind: full, args: args{"thread_id": luaExpr("thread.id"), "run_id": luaExpr("run.id")}},
		{fn: "openai_get_run", name: "minimal", kind: minimal, args: args{"thread_id": luaExpr("thread.id"), "run_id": luaExpr("run.id")}},

		{fn: "openai_upload_file", name: "full", kind: full, args: args{"file_content": base64Binary(), "filename": "notes.pdf",
			"purpose": "assistants"}},
		{fn: "openai_upload_file", name: "minimal", kind: minimal, args: args{"file_content": b64("{\"a\":1}\n"), "filename": "data.jsonl",
			"purpose": "batch"}},

		{fn: "openai_list_files", name: "full", kind: full, args: args{"purpose": "assistants", "limit": 50}},
		{fn: "openai_list_files", name: "minimal", kind: minimal},
		{fn: "openai_list_files", name: "order asc", kind: value, args: args{"order": "asc", "limit": 5}},
		{fn: "openai_upload_file", name: "expires_after", kind: value, args: args{"file_content": b64("{\"a\":1}\n"), "filename": "data.jsonl",
			"purpose": "batch", "expires_after": map[string]any{"anchor": "created_at", "seconds": 3600}}},

		{fn: "openai_list_models", name: "full", kind: full, args: args{}},
		{fn: "openai_list_models", name: "minimal", kind: minimal},
	}
	// Nested enums: every role of a chat message and of a thread message,
	// every assistant tool type.
	for _, role := range []string{"system", "user", "assistant", "developer"} {
		cases = append(cases, requestCase{fn: "openai_chat_completion", name: "role " + role, kind: value, args: args{"model": "gpt-4o",
			"messages": []any{map[string]any{"role": role, "content": "Hello"}, map[string]any{"role": "user", "content": "Go on"}}}})
	}
	for _, role := range []string{"user", "assistant"} {
		cases = append(cases, requestCase{fn: "openai_create_thread", name: "role " + role, kind: value, args: args{
			"messages": []any{map[string]any{"role": role, "content": "Hello"}}}})
	}
	for _, tool := range []any{map[string]any{"type": "code_interpreter"}, map[string]any{"type": "file_search"}, weatherTool} {
		typ := tool.(map[string]any)["type"].(string)
		cases = append(cases, requestCase{fn: "openai_create_assistant", name: "tool " + typ, kind: value, args: args{
			"model": "gpt-4o", "tools": []any{tool}}})
	}
	return append(cases, enumCases(cases)...)
}

// base64Binary is binaryAudio as a script passes it.
func base64Binary() string { return b64(binaryAudio()) }

// enumCases adds, for every top-level enum parameter of every function, one
// call per value kosmo accepts, built on the function's minimal call.
func enumCases(cases []requestCase) []requestCase {
	minimalArgs := map[string]args{}
	for _, c := range cases {
		if c.kind == minimal {
			minimalArgs[c.fn] = c.args
		}
	}
	var out []requestCase
	for _, fn := range openai.New().Functions {
		for _, p := range fn.Params {
			for _, v := range p.Enum {
				a := minimalArgs[fn.Name].with(p.Name, v)
				if m := enumModel(fn.Name, p.Name, v); m != "" {
					a["model"] = m
				}
				out = append(out, requestCase{fn: fn.Name, name: p.Name + " " + v, kind: value, args: a})
			}
		}
	}
	return out
}

// enumModel is the first model of kosmo's media tables that takes an enum
// value of an image or transcription call, "" to keep the minimal call's.
func enumModel(fn, param, v string) string {
	switch fn {
	case "openai_create_image":
		for _, r := range mediamodels.Images {
			if len(r.Check(map[string]any{param: v})) == 0 {
				return r.Name
			}
		}
	case "openai_transcribe_audio":
		for _, r := range mediamodels.Transcriptions {
			if len(r.Check(map[string]any{param: v})) == 0 {
				return r.Name
			}
		}
	}
	return ""
}

// hostDefaults are the parameters kosmo sends when a call leaves them out,
// with the value sent: the API's own default image model was removed.
var hostDefaults = map[string]map[string]any{
	"openai_create_image": {"model": mediamodels.DefaultImage},
}

// requestProblems are the reasons the oracle refused x: Prism answered a
// 4xx itself, or listed a violation of the request.
func requestProblems(x exchange) []string {
	if x.Err != nil {
		return []string{"no answer: " + x.Err.Error()}
	}
	var out []string
	if x.fromPrism() && x.Status >= 400 && x.Status < 500 {
		out = append(out, fmt.Sprintf("Prism refused %s %s with %d: %.1500s", x.Method, x.URL, x.Status, x.Body))
	}
	vs, err := x.violations()
	if err != nil {
		out = append(out, err.Error())
	}
	for _, v := range vs {
		if len(v.Location) == 0 || v.Location[0] != "response" {
			out = append(out, "request violation: "+v.String())
		}
	}
	return out
}

// responseRefused reports whether Prism accepted and forwarded the request
// of x but refused the answer (a 500 listing only response violations).
func responseRefused(x exchange) bool {
	if !x.fromPrism() || x.Status != 500 {
		return false
	}
	vs, err := x.violations()
	if err != nil || len(vs) == 0 {
		return false
	}
	for _, v := range vs {
		if len(v.Location) == 0 || v.Location[0] != "response" {
			return false
		}
	}
	return true
}

// sentParams names the parameters of fn that x carried: JSON body keys,
// query keys, multipart fields (file_content and filename for the file
// part), and the path parameters. Keys that are no parameter of fn (such
// as an encoding kosmo chooses itself) are left out: Prism checks those.
func sentParams(in *integration.Integration, fn *integration.Function, x exchange) (map[string]bool, error) {
	present := map[string]bool{}
	note := func(k string) {
		if fn.Param(k) != nil {
			present[k] = true
		}
	}
	for _, p := range pathParams(in, fn) {
		present[p] = true
	}
	u, err := url.Parse(x.URL)
	if err != nil {
		return nil, err
	}
	for k := range u.Query() {
		note(k)
	}
	mt, params, _ := mime.ParseMediaType(x.ReqHeader.Get("Content-Type"))
	switch mt {
	case "application/json":
		var body map[string]json.RawMessage
		if err := json.Unmarshal(x.ReqBody, &body); err != nil {
			return nil, fmt.Errorf("request body is not a JSON object: %w", err)
		}
		for k := range body {
			note(k)
		}
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(x.ReqBody), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("reading multipart body: %w", err)
			}
			if part.FormName() == "file" {
				data, _ := io.ReadAll(part)
				if len(data) > 0 {
					present["file_content"] = true
				}
				if part.FileName() != "" {
					present["filename"] = true
				}
				continue
			}
			note(part.FormName())
		}
	}
	return present, nil
}

// pathParams lists the parameters of fn that its request puts in the path,
// found by building a request with marked values.
func pathParams(in *integration.Integration, fn *integration.Function) []string {
	a := integration.Args{}
	for _, p := range fn.Params {
		if p.Type == integration.TypeString && !p.Base64 {
			a[p.Name] = "zz" + p.Name + "zz"
		}
	}
	plan, err := integration.PlanCall(in, fn, &integration.Account{BaseURL: "http://x"}, a)
	if err != nil {
		return nil
	}
	u, err := url.Parse(plan.URL)
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range fn.Params {
		if strings.Contains(u.EscapedPath(), "zz"+p.Name+"zz") {
			out = append(out, p.Name)
		}
	}
	return out
}

// coverageProblems checks that a full call carried every parameter and a
// minimal one only the required ones.
func coverageProblems(in *integration.Integration, fn *integration.Function, kind coverage, x exchange) []string {
	present, err := sentParams(in, fn, x)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, p := range fn.Params {
		want := kind == full || p.Required
		if kind == value || present[p.Name] == want {
			continue
		}
		if def, ok := hostDefaults[fn.Name][p.Name]; ok && !want && sentJSON(x, p.Name) == def {
			continue // kosmo's own default, sent on purpose
		}
		if want {
			out = append(out, fmt.Sprintf("a %s call must send parameter %q; it did not", kind, p.Name))
		} else {
			out = append(out, fmt.Sprintf("a %s call must not send optional parameter %q; it did", kind, p.Name))
		}
	}
	return out
}

// sentJSON is the value of a top-level field of a JSON request body, nil
// when there is none.
func sentJSON(x exchange, name string) any {
	var body map[string]any
	if json.Unmarshal(x.ReqBody, &body) != nil {
		return nil
	}
	return body[name]
}

// forwardProblems checks, for the proxy, that the fake received exactly
// what kosmo sent, one request per exchange.
func forwardProblems(o outcome) []string {
	if len(o.Received) != len(o.Exchanges) {
		return []string{fmt.Sprintf("kosmo sent %d requests, the fake behind the proxy received %d", len(o.Exchanges), len(o.Received))}
	}
	var out []string
	for i, x := range o.Exchanges {
		got := o.Received[i]
		u, err := url.Parse(x.URL)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		if got.Method != x.Method || got.Path != "/v1"+u.EscapedPath() || got.RawQuery != u.RawQuery {
			out = append(out, fmt.Sprintf("kosmo sent %s %s, the fake received %s %s?%s", x.Method, x.URL, got.Method, got.Path, got.RawQuery))
		}
		if !bytes.Equal(got.Body, x.ReqBody) {
			out = append(out, fmt.Sprintf("the body of %s %s changed on its way through the proxy", x.Method, x.URL))
		}
	}
	return out
}

// fnByName returns the function named name of the OpenAI integration.
func fnByName(in *integration.Integration, name string) *integration.Function {
	i := slices.IndexFunc(in.Functions, func(f *integration.Function) bool { return f.Name == name })
	if i < 0 {
		return nil
	}
	return in.Functions[i]
}
