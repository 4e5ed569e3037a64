//go:build conformance

package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// responseCase is one script through the proxy whose every answer from the
// fake must pass Prism's response validation (or differ from the spec
// exactly as documented by its deviation).
type responseCase struct {
	fn, name string
	before   string
	args     args
	// skipValidation lets the script send what kosmo does not offer but
	// the spec does, to reach an answer of the fake (an incomplete run, a
	// tool call).
	skipValidation bool
	// fault is injected into the fake, e.g. a 429 on the call's path.
	fault *openaitest.Fault
	// status is the status the call must end with (0: 200).
	status int
	// want are fields the result must have, by path ("choices.0.finish_reason").
	want map[string]any
	// deviation is a known difference between the spec and the real API,
	// which the fake follows; nil for none.
	deviation *deviation
}

// deviation is where the published spec and the real OpenAI API disagree
// and the fake follows the real API. The proxy must report exactly these
// violations for the call, no more and no fewer, and the fake, asked
// directly, must answer 200 with contentType.
type deviation struct {
	why         string
	contentType string
	violations  []violation
}

// mediaTypeDeviation is Prism's violation for an answer whose media type
// the spec does not declare. The messages here and below are those of the
// pinned Prism release, word for word.
func mediaTypeDeviation(got, declared string) violation {
	return violation{Location: []string{"response"}, Severity: "Error",
		Message: fmt.Sprintf("The received media type %q does not match the ones specified in the current response: %s", got, declared)}
}

// bodyViolation is Prism's violation of the answer's body at loc.
func bodyViolation(code, msg string, loc ...string) violation {
	return violation{Location: append([]string{"response", "body"}, loc...), Severity: "Error", Code: code, Message: msg}
}

// speechDeviation: the spec declares POST /audio/speech as
// application/octet-stream; the real API labels the audio with its type
// (audio/mpeg for mp3, audio/ogg for opus, …).
func speechDeviation(contentType string) *deviation {
	return &deviation{
		why:         "the spec declares speech as application/octet-stream; the real API sends the audio's own type",
		contentType: contentType,
		violations:  []violation{mediaTypeDeviation(contentType, "application/octet-stream, text/event-stream")},
	}
}

// textTranscriptDeviation: response_format text, srt and vtt come back as
// text/plain from the real API; the spec declares only JSON and SSE.
func textTranscriptDeviation() *deviation {
	objectExpected := bodyViolation("type", "Response body must be object")
	return &deviation{
		why:         "the real API answers response_format text, srt and vtt with text/plain; the spec declares only JSON",
		contentType: "text/plain; charset=utf-8",
		violations: []violation{
			mediaTypeDeviation("text/plain; charset=utf-8", "application/json, text/event-stream"),
			objectExpected, objectExpected, objectExpected,
			bodyViolation("oneOf", "Response body must match exactly one schema in oneOf"),
		},
	}
}

// verboseTranscriptDeviation: the spec's 200 answer is oneOf [Json,
// DiarizedJson, VerboseJson], but every verbose_json body (the real API's
// shape: task, language, duration, text, segments, usage) also matches
// CreateTranscriptionResponseJson, which only requires text, so "exactly
// one" can never hold. Prism then lists why the diarized alternative does
// not match either. The body is checked against VerboseJson by the field
// check all the same.
func verboseTranscriptDeviation() *deviation {
	return &deviation{
		why:         "oneOf in the spec: a verbose_json body always matches the plain Json alternative too",
		contentType: "application/json",
		violations: []violation{
			bodyViolation("required", "Response body property segments.0 must have required property 'type'", "segments", "0"),
			bodyViolation("required", "Response body property segments.0 must have required property 'speaker'", "segments", "0"),
			bodyViolation("type", "Response body property segments.0.id must be string", "segments", "0", "id"),
			bodyViolation("oneOf", "Response body must match exactly one schema in oneOf"),
		},
	}
}

// emptyListDeviation: an empty list page has first_id and last_id null in
// the real API; the spec types them as strings.
func emptyListDeviation() *deviation {
	return &deviation{
		why:         "the real API sends first_id and last_id null for an empty page; the spec says string",
		contentType: "application/json",
		violations: []violation{
			bodyViolation("type", "Response body property first_id must be string", "first_id"),
			bodyViolation("type", "Response body property last_id must be string", "last_id"),
		},
	}
}

// evalsPurposeDeviation: files uploaded with purpose "evals" (which
// CreateFileRequest allows) come back with purpose "evals", which
// OpenAIFile's enum lacks.
func evalsPurposeDeviation() *deviation {
	return &deviation{
		why:         "an upload with purpose evals is answered with purpose evals, which the spec's OpenAIFile enum lacks",
		contentType: "application/json",
		violations: []violation{bodyViolation("enum",
			"Response body property purpose must be equal to one of the allowed values: assistants, assistants_output, batch, batch_output, fine-tune, fine-tune-results, vision, user_data",
			"purpose")},
	}
}

// base64EmbeddingDeviation: with encoding_format "base64" (what the
// official SDKs ask for) the real API sends each vector as a base64 string;
// the spec types Embedding.embedding as an array of numbers only.
func base64EmbeddingDeviation(n int) *deviation {
	d := &deviation{
		why:         "the real API sends base64 vectors as strings; the spec types embedding as an array of numbers",
		contentType: "application/json",
	}
	for i := range n {
		d.violations = append(d.violations, bodyViolation("type",
			fmt.Sprintf("Response body property data.%d.embedding must be array", i), "data", strconv.Itoa(i), "embedding"))
	}
	return d
}

// rateLimited is a 429 with the fake's default body, on one request.
func rateLimited(method, path string) *openaitest.Fault {
	return &openaitest.Fault{Method: method, Path: path, Status: http.StatusTooManyRequests, Times: 1}
}

// asciiAudio is audio content the proxy passes intact (it is valid UTF-8).
func asciiAudio() string { return b64("RIFF$\x00\x00\x00WAVEfmt fake audio for the proxy") }

func responseCases() []responseCase {
	hello := []any{map[string]any{"role": "user", "content": "Hello"}}
	longText := strings.Repeat("word ", 400)
	runBefore := `local asst = oa.openai_create_assistant{ model = "gpt-4o" }
local thread = oa.openai_create_thread{ messages = { { role = "user", content = "Hello" } } }
local run = oa.openai_create_run{ thread_id = thread.id, assistant_id = asst.id }`
	threadRef := luaExpr("thread.id")
	transcribe := func(format string) args {
		return args{"file_content": asciiAudio(), "filename": "speech.wav", "model": "whisper-1", "response_format": format}
	}
	upload := func(purpose, filename, content string) responseCase {
		return responseCase{fn: "openai_upload_file", name: "purpose " + purpose,
			args: args{"file_content": b64(content), "filename": filename, "purpose": purpose}, want: map[string]any{"purpose": purpose}}
	}
	cases := []responseCase{
		{fn: "openai_chat_completion", name: "reply", args: args{"model": "gpt-4o", "messages": hello},
			want: map[string]any{"object": "chat.completion", "choices.0.finish_reason": "stop"}},
		{fn: "openai_chat_completion", name: "json_object", args: args{"model": "gpt-4o", "response_format": map[string]any{"type": "json_object"},
			"messages": []any{map[string]any{"role": "user", "content": "Reply in JSON."}}}},
		{fn: "openai_chat_completion", name: "json_schema", args: args{"model": "gpt-4o", "messages": hello,
			"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "answer", "schema": map[string]any{
				"type": "object", "properties": map[string]any{"answer": map[string]any{"type": "string"}}, "required": []any{"answer"}}}}}},
		{fn: "openai_chat_completion", name: "cut by max_tokens", args: args{"model": "gpt-4o", "messages": hello, "max_tokens": 1},
			want: map[string]any{"choices.0.finish_reason": "length"}},
		{fn: "openai_chat_completion", name: "forced tool call", skipValidation: true, args: args{"model": "gpt-4o", "messages": hello,
			"tools": []any{map[string]any{"type": "function", "function": map[string]any{"name": "get_weather",
				"parameters": map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}}}},
			"tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "get_weather"}}},
			want: map[string]any{"choices.0.finish_reason": "tool_calls", "choices.0.message.tool_calls.0.function.name": "get_weather"}},
		{fn: "openai_chat_completion", name: "rate limited", args: args{"model": "gpt-4o", "messages": hello},
			fault: rateLimited("POST", "/v1/chat/completions"), status: 429},

		{fn: "openai_create_embedding", name: "float vectors", skipValidation: true,
			args: args{"model": "text-embedding-3-small", "input": []any{"a", "b", "c"}, "encoding_format": "float"}},
		{fn: "openai_create_embedding", name: "base64 vectors", skipValidation: true,
			args:      args{"model": "text-embedding-3-large", "input": []any{"a", "b"}, "encoding_format": "base64"},
			deviation: base64EmbeddingDeviation(2)},
		{fn: "openai_create_embedding", name: "rate limited", args: args{"model": "text-embedding-3-small", "input": "Hello"},
			fault: rateLimited("POST", "/v1/embeddings"), status: 429},

		{fn: "openai_create_image", name: "dall-e-2 url", args: args{"prompt": "A red circle"}},
		{fn: "openai_create_image", name: "dall-e-2 b64_json", args: args{"prompt": "A red circle", "model": "dall-e-2", "n": 2,
			"size": "256x256", "response_format": "b64_json"}},
		{fn: "openai_create_image", name: "dall-e-3 hd", args: args{"prompt": "A blue square", "model": "dall-e-3", "size": "1792x1024",
			"quality": "hd", "style": "vivid"}},

		{fn: "openai_transcribe_audio", name: "json whisper-1", args: transcribe("json")},
		{fn: "openai_transcribe_audio", name: "json gpt-4o-transcribe", args: args{"file_content": asciiAudio(), "filename": "speech.mp3",
			"model": "gpt-4o-transcribe"}},
		{fn: "openai_transcribe_audio", name: "verbose_json", args: transcribe("verbose_json").with("language", "fr"),
			deviation: verboseTranscriptDeviation()},
		{fn: "openai_transcribe_audio", name: "text", args: transcribe("text"), deviation: textTranscriptDeviation()},
		{fn: "openai_transcribe_audio", name: "srt", args: transcribe("srt"), deviation: textTranscriptDeviation()},
		{fn: "openai_transcribe_audio", name: "vtt", args: transcribe("vtt"), deviation: textTranscriptDeviation()},
		{fn: "openai_transcribe_audio", name: "rate limited", args: transcribe("json"),
			fault: rateLimited("POST", "/v1/audio/transcriptions"), status: 429},

		{fn: "openai_text_to_speech", name: "rate limited", args: args{"model": "tts-1", "input": "Hi", "voice": "alloy"},
			fault: rateLimited("POST", "/v1/audio/speech"), status: 429},

		{fn: "openai_create_assistant", name: "minimal", args: args{"model": "gpt-4o"}},
		{fn: "openai_create_assistant", name: "with tools", args: args{"model": "gpt-4o", "name": "Helper", "description": "Helps.",
			"instructions": "Be kind.", "tools": []any{map[string]any{"type": "code_interpreter"}, map[string]any{"type": "file_search"},
				map[string]any{"type": "function", "function": map[string]any{"name": "f", "parameters": map[string]any{"type": "object", "properties": map[string]any{}}}}}}},
		{fn: "openai_create_assistant", name: "rate limited", args: args{"model": "gpt-4o"},
			fault: rateLimited("POST", "/v1/assistants"), status: 429},

		{fn: "openai_list_assistants", name: "empty", deviation: emptyListDeviation()},
		{fn: "openai_list_assistants", name: "first of two pages", before: `for i = 1, 3 do oa.openai_create_assistant{ model = "gpt-4o" } end`,
			args: args{"limit": 2}, want: map[string]any{"has_more": true}},
		{fn: "openai_list_assistants", name: "whole list", before: `oa.openai_create_assistant{ model = "gpt-4o", name = "A" }`,
			want: map[string]any{"has_more": false, "data.0.name": "A"}},
		{fn: "openai_list_assistants", name: "rate limited", fault: rateLimited("GET", "/v1/assistants"), status: 429},

		{fn: "openai_create_thread", name: "empty", args: args{}},
		{fn: "openai_create_thread", name: "with messages", args: args{"messages": []any{
			map[string]any{"role": "user", "content": "Hello"},
			map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "text", "text": "Hi"}}},
		}}},
		{fn: "openai_create_thread", name: "rate limited", args: args{}, fault: rateLimited("POST", "/v1/threads"), status: 429},

		{fn: "openai_add_message_to_thread", name: "user", before: `local thread = oa.openai_create_thread{}`,
			args: args{"thread_id": threadRef, "role": "user", "content": "Hi"}, want: map[string]any{"role": "user"}},
		{fn: "openai_add_message_to_thread", name: "assistant", before: `local thread = oa.openai_create_thread{}`,
			args: args{"thread_id": threadRef, "role": "assistant", "content": "Hello"}, want: map[string]any{"role": "assistant"}},
		{fn: "openai_add_message_to_thread", name: "rate limited", args: args{"thread_id": "thread_429", "role": "user", "content": "Hi"},
			fault: rateLimited("POST", "/v1/threads/thread_429/messages"), status: 429},

		{fn: "openai_list_thread_messages", name: "after a run", before: runBefore + `
oa.openai_get_run{ thread_id = thread.id, run_id = run.id }
oa.openai_get_run{ thread_id = thread.id, run_id = run.id }`,
			args: args{"thread_id": threadRef}, want: map[string]any{"data.0.role": "assistant", "data.1.role": "user"}},
		{fn: "openai_list_thread_messages", name: "first of two pages", before: `local thread = oa.openai_create_thread{ messages = {
  { role = "user", content = "one" }, { role = "user", content = "two" } } }`,
			args: args{"thread_id": threadRef, "limit": 1}, want: map[string]any{"has_more": true}},
		{fn: "openai_list_thread_messages", name: "empty", before: `local thread = oa.openai_create_thread{}`,
			args: args{"thread_id": threadRef}, deviation: emptyListDeviation()},
		{fn: "openai_list_thread_messages", name: "rate limited", args: args{"thread_id": "thread_429"},
			fault: rateLimited("GET", "/v1/threads/thread_429/messages"), status: 429},

		{fn: "openai_create_run", name: "queued", before: `local asst = oa.openai_create_assistant{ model = "gpt-4o" }
local thread = oa.openai_create_thread{ messages = { { role = "user", content = "Hello" } } }`,
			args: args{"thread_id": threadRef, "assistant_id": luaExpr("asst.id"), "instructions": "Be brief."},
			want: map[string]any{"status": "queued", "instructions": "Be brief."}},
		{fn: "openai_create_run", name: "rate limited", args: args{"thread_id": "thread_429", "assistant_id": "asst_429"},
			fault: rateLimited("POST", "/v1/threads/thread_429/runs"), status: 429},

		{fn: "openai_get_run", name: "in_progress", before: runBefore,
			args: args{"thread_id": threadRef, "run_id": luaExpr("run.id")}, want: map[string]any{"status": "in_progress"}},
		{fn: "openai_get_run", name: "completed", before: runBefore + `
oa.openai_get_run{ thread_id = thread.id, run_id = run.id }`,
			args: args{"thread_id": threadRef, "run_id": luaExpr("run.id")}, want: map[string]any{"status": "completed"}},
		{fn: "openai_get_run", name: "incomplete", skipValidation: true, before: `local asst = oa.openai_create_assistant{ model = "gpt-4o" }
local thread = oa.openai_create_thread{ messages = { { role = "user", content = ` + strconv.Quote(longText) + ` } } }
local run = oa.openai_create_run{ thread_id = thread.id, assistant_id = asst.id, max_completion_tokens = 256 }
oa.openai_get_run{ thread_id = thread.id, run_id = run.id }`,
			args: args{"thread_id": threadRef, "run_id": luaExpr("run.id")}, want: map[string]any{"status": "incomplete"}},
		{fn: "openai_get_run", name: "rate limited", args: args{"thread_id": "thread_429", "run_id": "run_429"},
			fault: rateLimited("GET", "/v1/threads/thread_429/runs/run_429"), status: 429},

		upload("assistants", "notes.txt", "Some notes.\n"),
		upload("batch", "requests.jsonl", `{"custom_id":"1","method":"POST","url":"/v1/chat/completions","body":{}}`+"\n"),
		upload("fine-tune", "train.jsonl", `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}`+"\n"),
		upload("vision", "cat.png", "PNG: this stands for an image"),
		upload("user_data", "data.json", `{"a":1}`),

		{fn: "openai_list_files", name: "empty", deviation: emptyListDeviation()},
		{fn: "openai_list_files", name: "first of two pages", before: `for _, n in ipairs{ "a.txt", "b.txt" } do
  oa.openai_upload_file{ file_content = base64.encode("x"), filename = n, purpose = "assistants" } end`,
			args: args{"limit": 1}, want: map[string]any{"has_more": true}},
		{fn: "openai_list_files", name: "by purpose", before: `oa.openai_upload_file{ file_content = base64.encode("x"), filename = "a.txt", purpose = "assistants" }
oa.openai_upload_file{ file_content = base64.encode("{}"), filename = "b.jsonl", purpose = "batch" }`,
			args: args{"purpose": "batch"}, want: map[string]any{"data.0.purpose": "batch", "has_more": false}},

		{fn: "openai_list_models", name: "models"},
	}
	evals := upload("evals", "eval.jsonl", `{"item":{"input":"Hi"}}`+"\n")
	evals.deviation = evalsPurposeDeviation()
	cases = append(cases, evals)
	for _, f := range []struct{ format, contentType string }{
		{"mp3", "audio/mpeg"}, {"opus", "audio/ogg"}, {"aac", "audio/aac"}, {"flac", "audio/flac"}, {"wav", "audio/wav"}, {"pcm", "audio/pcm"},
	} {
		cases = append(cases, responseCase{fn: "openai_text_to_speech", name: f.format,
			args:      args{"model": "tts-1", "input": "Hello there.", "voice": "alloy", "response_format": f.format},
			deviation: speechDeviation(f.contentType)})
	}
	return cases
}

// checkResponse runs a response case through the proxy and returns every
// problem found.
func (e *env) checkResponse(t *testing.T, c responseCase) []string {
	s := script{to: proxy, before: c.before, src: call(c.fn, c.args), fault: c.fault, skipValidation: c.skipValidation}
	o := e.run(t, s)
	if len(o.Exchanges) == 0 {
		return []string{fmt.Sprintf("nothing was sent: %v", o.Err)}
	}
	var out []string
	for i, x := range o.Exchanges {
		if i == len(o.Exchanges)-1 && c.deviation != nil {
			out = append(out, deviationProblems(x, c.deviation)...)
			continue
		}
		out = append(out, e.answerProblems(x)...)
	}
	want := c.status
	if want == 0 {
		want = http.StatusOK
	}
	switch {
	case c.deviation != nil:
		// The proxy refused the answer as documented; ask the fake itself.
		s.to = direct
		d := e.run(t, s)
		last, ok := d.last()
		switch {
		case d.Err != nil || !ok:
			out = append(out, fmt.Sprintf("asked directly, the fake failed: %v", d.Err))
		case last.Status != want || last.Header.Get("Content-Type") != c.deviation.contentType:
			out = append(out, fmt.Sprintf("asked directly, the fake answered %d %q; want %d %q",
				last.Status, last.Header.Get("Content-Type"), want, c.deviation.contentType))
		default:
			out = append(out, fieldProblems(d.Values, c.want)...)
			out = append(out, e.fieldsProblems(last)...)
		}
	case want == http.StatusOK:
		if o.Err != nil {
			out = append(out, fmt.Sprintf("the call failed: %v", o.Err))
		} else {
			out = append(out, fieldProblems(o.Values, c.want)...)
		}
	default:
		if o.status() != want {
			out = append(out, fmt.Sprintf("the call must fail with status %d; got %v", want, o.Err))
		}
	}
	return out
}

// answerProblems checks one answer that went through the proxy: Prism
// found nothing wrong, the answer is the fake's, and a JSON body has no
// field its schema does not declare.
func (e *env) answerProblems(x exchange) []string {
	if x.Err != nil {
		return []string{fmt.Sprintf("%s %s: %v", x.Method, x.URL, x.Err)}
	}
	var out []string
	vs, err := x.violations()
	if err != nil {
		out = append(out, err.Error())
	}
	for _, v := range vs {
		out = append(out, fmt.Sprintf("%s %s: Prism: %s", x.Method, x.URL, v))
	}
	if x.fromPrism() {
		return append(out, fmt.Sprintf("Prism answered instead of the fake: %v", x))
	}
	if x.Header.Get("x-request-id") == "" {
		out = append(out, fmt.Sprintf("the answer to %s %s does not come from the fake (no x-request-id)", x.Method, x.URL))
	}
	return append(out, e.fieldsProblems(x)...)
}

// fieldsProblems lists the fields of a JSON answer that the spec's schema
// for its operation and status does not declare, which Prism lets pass.
func (e *env) fieldsProblems(x exchange) []string {
	fields, err := e.undeclaredFields(x)
	if err != nil {
		return []string{fmt.Sprintf("%s %s: %v", x.Method, x.URL, err)}
	}
	var out []string
	for _, f := range fields {
		out = append(out, fmt.Sprintf("%s %s: field %s is not in the spec", x.Method, x.URL, f))
	}
	return out
}

// undeclaredFields are the fields of x's JSON body that the schema of its
// operation and status does not declare; none for other bodies.
func (e *env) undeclaredFields(x exchange) ([]string, error) {
	if !strings.HasPrefix(x.Header.Get("Content-Type"), "application/json") {
		return nil, nil
	}
	u, err := url.Parse(x.URL)
	if err != nil {
		return nil, err
	}
	op, _ := e.spec.operation(x.Method, strings.TrimPrefix(u.Path, "/v1"))
	if op == nil {
		return nil, fmt.Errorf("the spec has no such operation")
	}
	schema := e.spec.responseSchema(op, x.Status)
	if schema == nil {
		return nil, fmt.Errorf("the spec declares no JSON answer %d", x.Status)
	}
	return e.fieldsNotIn(schema, x.Body)
}

// fieldsNotIn lists the fields of a JSON body that schema does not declare.
func (e *env) fieldsNotIn(schema any, body []byte) ([]string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the body is not JSON: %w", err)
	}
	return e.spec.undeclaredFields(schema, v), nil
}

// deviationProblems checks that Prism reported exactly the documented
// violations for x.
func deviationProblems(x exchange, d *deviation) []string {
	got, err := x.violations()
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	rest := append([]violation(nil), got...)
	for _, w := range d.violations {
		i := -1
		for j, g := range rest {
			if g.equal(w) {
				i = j
				break
			}
		}
		if i < 0 {
			out = append(out, fmt.Sprintf("documented deviation (%s): Prism no longer reports %s", d.why, w))
			continue
		}
		rest = append(rest[:i], rest[i+1:]...)
	}
	for _, g := range rest {
		out = append(out, fmt.Sprintf("beyond the documented deviation (%s): %s", d.why, g))
	}
	return out
}

// fieldProblems checks fields of a script's first result by path.
func fieldProblems(values []any, want map[string]any) []string {
	if len(want) == 0 {
		return nil
	}
	if len(values) == 0 {
		return []string{"the script returned nothing"}
	}
	var out []string
	for path, w := range want {
		got := field(values[0], path)
		if !reflect.DeepEqual(got, w) {
			out = append(out, fmt.Sprintf("result.%s = %#v, want %#v", path, got, w))
		}
	}
	return out
}

// field follows a dotted path of keys and 0-based indices.
func field(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
