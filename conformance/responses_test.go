//go:build conformance

package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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

		{fn: "openai_create_image", name: "dall-e-2 url", args: args{"prompt": "A red circle", "model": "dall-e-2"}},
		{fn: "openai_create_image", name: "gpt-image-2 without a model", args: args{"prompt": "A red circle"},
			want: map[string]any{"output_format": "png"}},
		{fn: "openai_create_image", name: "gpt-image-2 transparent webp", args: args{"prompt": "A paper lantern", "model": "gpt-image-2",
			"quality": "high", "size": "1536x1024", "output_format": "webp", "background": "transparent"},
			want: map[string]any{"output_format": "webp", "background": "transparent", "quality": "high", "size": "1536x1024", "data.0.mime_type": "image/webp"}},
		{fn: "openai_create_image", name: "gpt-image-2 custom size jpeg", args: args{"prompt": "A paper lantern", "model": "gpt-image-2",
			"size": "1536x864", "output_format": "jpeg", "output_compression": 50},
			want: map[string]any{"output_format": "jpeg", "data.0.mime_type": "image/jpeg"}},
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

// The Conversations and Responses operations, which replaced the Assistants
// API, are checked with plain HTTP, whatever functions call them: each case
// is a few calls, through the proxy, ending with the call of the operation
// under test.

// endpointCase is one such sequence of calls against a fresh fake.
type endpointCase struct {
	// op is the spec's operationId of the last call.
	op, name string
	steps    []step
	// fault is injected into the fake before the first call.
	fault *openaitest.Fault
	// want are fields the last answer must have, by path ("output.0.type").
	want map[string]any
}

// step is one call. Its path and body may use what earlier answers gave,
// written {name} (see save).
type step struct {
	method, path string
	// body is sent as JSON (a string as it is); nil sends none.
	body any
	// save names fields of the answer for later calls: {"resp": "id"}.
	save map[string]string
	// status is the answer's status (0: 200). An error other than a 429,
	// which the spec does not declare, is asked of the fake directly, and
	// its body replayed through the proxy as a 429, whose schema is the
	// error's: the way errors_test.go checks the functions' errors.
	status int
	// replay is the request that carries a replayed body through the proxy
	// when the step's own would not pass Prism's request check (a request
	// the fake refuses often is one); nil: the step itself.
	replay *step
	// deviation is a documented difference between the spec and the real
	// API, which the fake follows. Such an answer, which Prism would replace
	// by its own 500, is asked of the fake directly, then replayed through
	// the proxy with its own status, where Prism must report exactly these
	// violations.
	deviation *deviation
	// refused, for the oracle's cases, is how Prism must refuse the call
	// itself: a request it must not forward, or an answer it must not pass.
	refused *refusal
}

// refusal is Prism's own answer: 422 for a request, 500 for a response,
// with a violation at location (e.g. "body.max_output_tokens").
type refusal struct {
	status   int
	location string
}

// usageNullDeviation: until a response completes (and when it was
// cancelled), the real API sends "usage": null, as the spec's own example of
// a cancelled response shows; the schema types usage as ResponseUsage only.
func usageNullDeviation() *deviation {
	return &deviation{
		why:         "the real API sends usage null until a response completes; the spec's Response types usage as an object only",
		contentType: "application/json",
		violations:  []violation{bodyViolation("type", "Response body property usage must be object", "usage")},
	}
}

// flatErrorDeviation: POST /responses/{id}/cancel declares its 404 with the
// bare Error schema; the real API, like every other operation's error,
// answers {"error": {...}}.
func flatErrorDeviation() *deviation {
	return &deviation{
		why:         "the spec declares cancelResponse's 404 as a bare Error; the real API wraps it in {\"error\": ...} like every error",
		contentType: "application/json",
		violations: []violation{
			bodyViolation("required", "Response body must have required property 'type'"),
			bodyViolation("required", "Response body must have required property 'message'"),
			bodyViolation("required", "Response body must have required property 'param'"),
			bodyViolation("required", "Response body must have required property 'code'"),
		},
	}
}

func endpointCases() []endpointCase {
	newConv := step{method: "POST", path: "/conversations", body: map[string]any{"items": []any{
		map[string]any{"role": "user", "content": "Hello"},
	}}, save: map[string]string{"conv": "id"}}
	emptyConv := step{method: "POST", path: "/conversations", body: map[string]any{}, save: map[string]string{"conv": "id"}}
	respond := func(body map[string]any) step {
		return step{method: "POST", path: "/responses", body: body, save: map[string]string{"resp": "id"}}
	}
	hello := map[string]any{"model": "gpt-4o", "input": "Hello"}
	background := map[string]any{"model": "gpt-4o", "input": "Hello", "background": true}
	weather := map[string]any{"type": "function", "name": "get_weather", "description": "The weather in a city.", "strict": true,
		"parameters": map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}},
			"required": []any{"city"}, "additionalProperties": false}}
	get := step{method: "GET", path: "/responses/{resp}"}
	cancel := step{method: "POST", path: "/responses/{resp}/cancel"}
	queued := respond(background)
	queued.deviation = usageNullDeviation()
	inProgress := get
	inProgress.deviation = usageNullDeviation()
	cancelled := cancel
	cancelled.deviation = usageNullDeviation()
	items := func(query string) step { return step{method: "GET", path: "/conversations/{conv}/items" + query} }
	errorStep := func(s step, status int, replay *step) step {
		s.status, s.replay, s.save = status, replay, nil
		return s
	}
	validCreate := respond(hello)
	validItems := step{method: "POST", path: "/conversations/{conv}/items", body: map[string]any{"items": []any{
		map[string]any{"role": "user", "content": "x"}}}}

	return []endpointCase{
		{op: "createConversation", name: "empty", steps: []step{emptyConv},
			want: map[string]any{"object": "conversation", "metadata": map[string]any{}}},
		{op: "createConversation", name: "with items and metadata", steps: []step{{method: "POST", path: "/conversations", body: map[string]any{
			"metadata": map[string]any{"topic": "demo"},
			"items": []any{
				map[string]any{"role": "system", "content": "Be brief."},
				map[string]any{"type": "message", "role": "user", "content": "Hello"},
				map[string]any{"role": "assistant", "content": "Hi there."},
				map[string]any{"role": "developer", "content": "Rules."},
			}}}}, want: map[string]any{"metadata.topic": "demo"}},
		{op: "createConversation", name: "rate limited", steps: []step{{method: "POST", path: "/conversations", body: map[string]any{}, status: 429}},
			fault: rateLimited("POST", "/v1/conversations")},
		{op: "createConversation", name: "error too many items", steps: []step{errorStep(step{method: "POST", path: "/conversations",
			body: `{"items":[` + strings.Repeat(`{"role":"user","content":"x"},`, 20) + `{"role":"user","content":"x"}]}`}, 400, &emptyConv)}},
		{op: "createConversation", name: "error unknown role", steps: []step{errorStep(step{method: "POST", path: "/conversations",
			body: `{"items":[{"role":"robot","content":"x"}]}`}, 400, &emptyConv)}},

		{op: "getConversation", name: "after create", steps: []step{newConv, {method: "GET", path: "/conversations/{conv}"}},
			want: map[string]any{"object": "conversation"}},
		{op: "getConversation", name: "rate limited", steps: []step{{method: "GET", path: "/conversations/conv_429", status: 429}},
			fault: rateLimited("GET", "/v1/conversations/conv_429")},
		{op: "getConversation", name: "error unknown conversation", steps: []step{errorStep(step{method: "GET", path: "/conversations/conv_missing"}, 404, nil)}},

		{op: "createConversationItems", name: "messages and a tool call", steps: []step{emptyConv, {method: "POST", path: "/conversations/{conv}/items",
			body: map[string]any{"items": []any{
				map[string]any{"role": "user", "content": "Weather in Paris?"},
				map[string]any{"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": `{"city":"Paris"}`},
				map[string]any{"type": "function_call_output", "call_id": "call_1", "output": "Sunny"},
				map[string]any{"role": "assistant", "content": "It is sunny."},
			}}}},
			want: map[string]any{"object": "list", "has_more": false, "data.1.type": "function_call", "data.2.type": "function_call_output",
				"data.3.content.0.type": "output_text"}},
		{op: "createConversationItems", name: "rate limited", steps: []step{{method: "POST", path: "/conversations/conv_429/items",
			body: map[string]any{"items": []any{map[string]any{"role": "user", "content": "x"}}}, status: 429}},
			fault: rateLimited("POST", "/v1/conversations/conv_429/items")},
		{op: "createConversationItems", name: "error no items", steps: []step{emptyConv,
			errorStep(step{method: "POST", path: "/conversations/{conv}/items", body: map[string]any{"items": []any{}}}, 400, &validItems)}},
		{op: "createConversationItems", name: "error unknown conversation", steps: []step{errorStep(step{method: "POST",
			path: "/conversations/conv_missing/items", body: map[string]any{"items": []any{map[string]any{"role": "user", "content": "x"}}}}, 404, nil)}},

		{op: "listConversationItems", name: "empty", steps: []step{emptyConv, func() step {
			s := items("")
			s.deviation = emptyListDeviation()
			return s
		}()}},
		{op: "listConversationItems", name: "first of two pages", steps: []step{newConv, validItems, items("?limit=1")},
			want: map[string]any{"has_more": true, "data.0.content.0.text": "x"}},
		{op: "listConversationItems", name: "last page after a cursor", steps: []step{newConv,
			{method: "GET", path: "/conversations/{conv}/items?order=asc&limit=1", save: map[string]string{"after": "last_id"}},
			validItems, items("?order=asc&after={after}")},
			want: map[string]any{"has_more": false, "data.0.content.0.text": "x"}},
		{op: "listConversationItems", name: "after a response", steps: []step{newConv,
			respond(map[string]any{"model": "gpt-4o", "conversation": "{conv}", "input": "Again"}), items("?include=message.output_text.logprobs")},
			want: map[string]any{"data.0.role": "assistant", "data.0.content.0.type": "output_text", "data.1.role": "user"}},
		{op: "listConversationItems", name: "rate limited", steps: []step{{method: "GET", path: "/conversations/conv_429/items", status: 429}},
			fault: rateLimited("GET", "/v1/conversations/conv_429/items")},
		{op: "listConversationItems", name: "error limit 0", steps: []step{newConv, errorStep(items("?limit=0"), 400, ptrStep(items("")))}},
		{op: "listConversationItems", name: "error unknown conversation", steps: []step{errorStep(step{method: "GET",
			path: "/conversations/conv_missing/items"}, 404, nil)}},

		{op: "createResponse", name: "text", steps: []step{respond(hello)},
			want: map[string]any{"object": "response", "status": "completed", "output.0.type": "message",
				"output.0.content.0.text": "This is a fake reply to: Hello"}},
		{op: "createResponse", name: "every option", steps: []step{respond(map[string]any{
			"model": "gpt-4o", "instructions": "Be brief.", "metadata": map[string]any{"k": "v"},
			"input": []any{
				map[string]any{"role": "developer", "content": "Answer in French."},
				map[string]any{"role": "user", "content": "Weather in Paris?"},
			},
			"tools": []any{weather, map[string]any{"type": "file_search", "vector_store_ids": []any{"vs_1"}},
				map[string]any{"type": "code_interpreter", "container": map[string]any{"type": "auto"}},
				map[string]any{"type": "web_search"}},
			"tool_choice": "auto", "temperature": 0.5, "top_p": 0.9, "max_output_tokens": 1000, "parallel_tool_calls": false,
			"truncation": "auto", "user": "user-1", "safety_identifier": "s-1", "prompt_cache_key": "k-1", "service_tier": "flex",
			"include": []any{"message.output_text.logprobs"}, "text": map[string]any{"verbosity": "low"}, "store": true,
		})}, want: map[string]any{"status": "completed", "instructions": "Be brief.", "service_tier": "flex", "tools.0.name": "get_weather"}},
		{op: "createResponse", name: "reasoning model", steps: []step{respond(map[string]any{"model": "o3", "input": "Hello",
			"reasoning": map[string]any{"effort": "low", "summary": "auto"}})}, want: map[string]any{"reasoning.effort": "low"}},
		{op: "createResponse", name: "in a conversation", steps: []step{newConv,
			respond(map[string]any{"model": "gpt-4o", "conversation": map[string]any{"id": "{conv}"}, "input": "Again"})},
			want: map[string]any{"status": "completed", "output.0.content.0.text": "This is a fake reply to: Again"}},
		{op: "createResponse", name: "function call", steps: []step{respond(map[string]any{"model": "gpt-4o", "input": "Weather in Paris?",
			"tools": []any{weather}, "tool_choice": "required"})},
			want: map[string]any{"output.0.type": "function_call", "output.0.name": "get_weather", "output.0.status": "completed"}},
		{op: "createResponse", name: "function call output", steps: []step{
			{method: "POST", path: "/responses", body: map[string]any{"model": "gpt-4o", "input": "Weather in Paris?",
				"tools": []any{weather}, "tool_choice": map[string]any{"type": "function", "name": "get_weather"}},
				save: map[string]string{"resp": "id", "call": "output.0.call_id"}},
			respond(map[string]any{"model": "gpt-4o", "previous_response_id": "{resp}", "tools": []any{weather},
				"input": []any{map[string]any{"type": "function_call_output", "call_id": "{call}", "output": "Sunny"}}})},
			want: map[string]any{"output.0.type": "message"}},
		{op: "createResponse", name: "custom tool call", steps: []step{respond(map[string]any{"model": "gpt-4o", "input": "Run it",
			"tools": []any{map[string]any{"type": "custom", "name": "shell_cmd"}}, "tool_choice": map[string]any{"type": "custom", "name": "shell_cmd"}})},
			want: map[string]any{"output.0.type": "custom_tool_call"}},
		{op: "createResponse", name: "json_schema", steps: []step{respond(map[string]any{"model": "gpt-4o", "input": "Hello",
			"text": map[string]any{"format": map[string]any{"type": "json_schema", "name": "answer", "strict": true, "schema": map[string]any{
				"type": "object", "properties": map[string]any{"answer": map[string]any{"type": "string"}}, "required": []any{"answer"},
				"additionalProperties": false}}}})},
			want: map[string]any{"output.0.content.0.text": `{"answer":"This is a fake reply to: Hello"}`}},
		{op: "createResponse", name: "incomplete", steps: []step{respond(map[string]any{"model": "gpt-4o", "input": strings.Repeat("word ", 50),
			"max_output_tokens": 16})}, want: map[string]any{"status": "incomplete", "incomplete_details.reason": "max_output_tokens"}},
		{op: "createResponse", name: "previous response", steps: []step{respond(hello),
			respond(map[string]any{"model": "gpt-4o", "input": "Again", "previous_response_id": "{resp}"})},
			want: map[string]any{"status": "completed"}},
		{op: "createResponse", name: "not stored", steps: []step{respond(map[string]any{"model": "gpt-4o", "input": "Hello", "store": false})},
			want: map[string]any{"status": "completed"}},
		{op: "createResponse", name: "background queued", steps: []step{queued}, want: map[string]any{"status": "queued", "background": true}},
		{op: "createResponse", name: "rate limited", steps: []step{{method: "POST", path: "/responses", body: hello, status: 429}},
			fault: rateLimited("POST", "/v1/responses")},
		{op: "createResponse", name: "error unknown model", steps: []step{errorStep(respond(map[string]any{"model": "gpt-nope", "input": "x"}), 400, nil)}},
		{op: "createResponse", name: "error unknown conversation", steps: []step{errorStep(respond(map[string]any{"model": "gpt-4o",
			"conversation": "conv_missing", "input": "x"}), 404, nil)}},
		{op: "createResponse", name: "error background without store", steps: []step{errorStep(respond(map[string]any{"model": "gpt-4o",
			"input": "x", "background": true, "store": false}), 400, nil)}},
		{op: "createResponse", name: "error max_output_tokens below 16", steps: []step{errorStep(respond(map[string]any{"model": "gpt-4o",
			"input": "x", "max_output_tokens": 8}), 400, &validCreate)}},

		{op: "getResponse", name: "completed", steps: []step{respond(hello), get}, want: map[string]any{"status": "completed"}},
		{op: "getResponse", name: "background in_progress", steps: []step{queued, inProgress}, want: map[string]any{"status": "in_progress"}},
		{op: "getResponse", name: "background completed", steps: []step{queued, inProgress, get},
			want: map[string]any{"status": "completed", "output.0.type": "message"}},
		{op: "getResponse", name: "background function call", steps: []step{func() step {
			s := respond(map[string]any{"model": "gpt-4o", "input": "Weather?", "tools": []any{weather}, "tool_choice": "required",
				"background": true})
			s.deviation = usageNullDeviation()
			return s
		}(), inProgress, get}, want: map[string]any{"status": "completed", "output.0.type": "function_call"}},
		{op: "getResponse", name: "background in a conversation", steps: []step{newConv, func() step {
			s := respond(map[string]any{"model": "gpt-4o", "conversation": "{conv}", "background": true})
			s.deviation = usageNullDeviation()
			return s
		}(), inProgress, get}, want: map[string]any{"status": "completed", "conversation.id": nil}},
		{op: "getResponse", name: "rate limited", steps: []step{{method: "GET", path: "/responses/resp_429", status: 429}},
			fault: rateLimited("GET", "/v1/responses/resp_429")},
		{op: "getResponse", name: "error unknown response", steps: []step{errorStep(step{method: "GET", path: "/responses/resp_missing"}, 404, nil)}},
		{op: "getResponse", name: "error not stored", steps: []step{respond(map[string]any{"model": "gpt-4o", "input": "x", "store": false}),
			errorStep(get, 404, nil)}},

		{op: "cancelResponse", name: "queued", steps: []step{queued, cancelled}, want: map[string]any{"status": "cancelled"}},
		{op: "cancelResponse", name: "twice", steps: []step{queued, inProgress, cancelled, cancelled}, want: map[string]any{"status": "cancelled"}},
		{op: "cancelResponse", name: "completed", steps: []step{queued, inProgress, get, cancel}, want: map[string]any{"status": "completed"}},
		{op: "cancelResponse", name: "rate limited", steps: []step{{method: "POST", path: "/responses/resp_429/cancel", status: 429}},
			fault: rateLimited("POST", "/v1/responses/resp_429/cancel")},
		{op: "cancelResponse", name: "error synchronous", steps: []step{respond(hello), errorStep(cancel, 400, nil)}},
		{op: "cancelResponse", name: "error unknown response", steps: []step{func() step {
			s := errorStep(step{method: "POST", path: "/responses/resp_missing/cancel"}, 404, nil)
			s.deviation = flatErrorDeviation()
			return s
		}()}},
	}
}

func ptrStep(s step) *step { return &s }

// endpointOracleCases prove that the oracle bites on these operations too:
// requests the fake would refuse, which Prism must refuse first, and answers
// broken on purpose (by a fault), which Prism must not pass.
func endpointOracleCases() []endpointCase {
	broken := func(op, name, method, path, body, location string) endpointCase {
		return endpointCase{op: op, name: "response " + name,
			fault: &openaitest.Fault{Method: method, Path: "/v1" + path, Status: http.StatusOK, Body: body},
			steps: []step{{method: method, path: path, refused: &refusal{status: http.StatusInternalServerError, location: location}}}}
	}
	request := func(op, name, method, path string, body any, location string) endpointCase {
		return endpointCase{op: op, name: "request " + name,
			steps: []step{{method: method, path: path, body: body, refused: &refusal{status: http.StatusUnprocessableEntity, location: location}}}}
	}
	return []endpointCase{
		request("createResponse", "max_output_tokens below 16", "POST", "/responses",
			map[string]any{"model": "gpt-4o", "input": "Hi", "max_output_tokens": 8}, "body.max_output_tokens"),
		request("createConversation", "21 items", "POST", "/conversations",
			`{"items":[`+strings.Repeat(`{"role":"user","content":"x"},`, 20)+`{"role":"user","content":"x"}]}`, "body.items"),
		request("listConversationItems", "order up", "GET", "/conversations/conv_1/items?order=up", nil, "query.order"),
		broken("getResponse", "with an unknown status", "GET", "/responses/resp_1",
			`{"id":"resp_1","object":"response","created_at":1,"status":"sleeping","error":null,"incomplete_details":null,"instructions":null,`+
				`"model":"gpt-4o","tools":[],"output":[],"parallel_tool_calls":true,"metadata":{},"tool_choice":"auto","temperature":1,"top_p":1}`,
			"response.body.status"),
		broken("getConversation", "without created_at", "GET", "/conversations/conv_1",
			`{"id":"conv_1","object":"conversation","metadata":{}}`, "response.body"),
		broken("listConversationItems", "with has_more a string", "GET", "/conversations/conv_1/items",
			`{"object":"list","data":[{"type":"message","id":"m","status":"completed","role":"user","content":[{"type":"input_text","text":"x"}]}],`+
				`"first_id":"m","last_id":"m","has_more":"no"}`,
			"response.body.has_more"),
	}
}

// checkEndpoint runs an endpoint case and returns every problem found.
func (e *env) checkEndpoint(t *testing.T, c endpointCase) []string {
	h := e.upstream.reset()
	if c.fault != nil {
		h.InjectFault(*c.fault)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	vars := map[string]string{}
	var out []string
	var last exchange
	for i, st := range c.steps {
		x, problems := e.endpointStep(t, client, h, st, vars)
		for _, p := range problems {
			out = append(out, fmt.Sprintf("call %d (%s %s): %s", i+1, st.method, st.path, p))
		}
		if x.Err != nil {
			return out
		}
		last = x
		var v any
		if len(st.save) > 0 {
			if err := json.Unmarshal(x.Body, &v); err != nil {
				return append(out, fmt.Sprintf("call %d: the answer is not JSON: %v", i+1, err))
			}
		}
		for name, path := range st.save {
			s, ok := field(v, path).(string)
			if !ok {
				return append(out, fmt.Sprintf("call %d: no %s in the answer to keep as {%s}: %v", i+1, path, name, x))
			}
			vars[name] = s
		}
	}
	if len(c.want) > 0 {
		var v any
		if err := json.Unmarshal(last.Body, &v); err != nil {
			return append(out, fmt.Sprintf("the last answer is not JSON: %v", err))
		}
		for path, w := range c.want {
			got := field(v, path)
			if w == nil { // present, whatever its value
				if got == nil {
					out = append(out, fmt.Sprintf("answer.%s is missing", path))
				}
				continue
			}
			if !reflect.DeepEqual(got, w) {
				out = append(out, fmt.Sprintf("answer.%s = %#v, want %#v", path, got, w))
			}
		}
	}
	return out
}

// endpointStep makes one call of a case, through the proxy or, for the
// answers Prism cannot pass through (undeclared errors, documented
// deviations), of the fake directly with a replay through the proxy. It
// returns the fake's answer and the problems found.
func (e *env) endpointStep(t *testing.T, client *http.Client, h *openaitest.Handler, st step, vars map[string]string) (exchange, []string) {
	status := st.status
	if status == 0 {
		status = http.StatusOK
	}
	if st.refused != nil {
		before := len(h.Requests())
		x := sendStep(t, client, e.urls[proxy], st, vars)
		if x.Err != nil {
			return x, []string{x.Err.Error()}
		}
		var out []string
		if x.Status != st.refused.status || !x.fromPrism() {
			out = append(out, fmt.Sprintf("Prism must answer %d itself; got %v", st.refused.status, x))
		}
		vs, err := x.violations()
		if err != nil {
			out = append(out, err.Error())
		}
		var where []string
		for _, v := range vs {
			where = append(where, strings.Join(v.Location, "."))
		}
		if !slices.Contains(where, st.refused.location) {
			out = append(out, fmt.Sprintf("no violation at %s; Prism reported %v", st.refused.location, vs))
		}
		if st.refused.status == http.StatusUnprocessableEntity && len(h.Requests()) != before {
			out = append(out, "the refused request reached the fake")
		}
		return x, out
	}
	if st.deviation == nil && (status == http.StatusOK || status == http.StatusTooManyRequests) {
		x := sendStep(t, client, e.urls[proxy], st, vars)
		out := e.answerProblems(x)
		if x.Err == nil && x.Status != status {
			out = append(out, fmt.Sprintf("status %d, want %d: %v", x.Status, status, x))
		}
		return x, out
	}

	x := sendStep(t, client, e.urls[direct], st, vars)
	if x.Err != nil {
		return x, []string{x.Err.Error()}
	}
	if x.Status != status {
		return x, []string{fmt.Sprintf("the fake answered %d, want %d: %v", x.Status, status, x)}
	}
	var out []string
	if ct := x.Header.Get("Content-Type"); ct != "application/json" {
		out = append(out, fmt.Sprintf("the answer is %q, not application/json", ct))
	}
	if status == http.StatusOK {
		out = append(out, e.fieldsProblems(x)...)
	} else {
		fields, err := e.fieldsNotIn(e.errorSchema(), x.Body)
		if err != nil {
			out = append(out, err.Error())
		}
		for _, f := range fields {
			out = append(out, fmt.Sprintf("the error body has field %s, which the spec's error schema does not declare", f))
		}
	}

	// Replay the answer through the proxy: with its own status for a
	// deviation, else as a 429, which the spec declares with its error schema.
	rs := st
	if st.replay != nil {
		rs = *st.replay
	}
	replayStatus := http.StatusTooManyRequests
	if st.deviation != nil {
		replayStatus = status
	}
	path, _, _ := strings.Cut(expand(rs.path, vars), "?")
	applied := h.FaultsApplied()
	h.InjectFault(openaitest.Fault{Method: rs.method, Path: "/v1" + path, Status: replayStatus, Body: string(x.Body), Times: 1})
	r := sendStep(t, client, e.urls[proxy], rs, vars)
	if h.FaultsApplied() == applied {
		h.ClearFaults()
		return x, append(out, fmt.Sprintf("the replay did not reach the fake: %v", r))
	}
	if st.deviation != nil {
		return x, append(out, deviationProblems(r, st.deviation)...)
	}
	if r.Status != http.StatusTooManyRequests {
		out = append(out, fmt.Sprintf("the replayed error did not come back as a 429: %v", r))
	}
	return x, append(out, e.answerProblems(r)...)
}

// sendStep sends one call to base (the proxy's or the fake's URL).
func sendStep(t *testing.T, client *http.Client, base string, st step, vars map[string]string) exchange {
	t.Helper()
	var body []byte
	switch b := st.body.(type) {
	case nil:
	case string:
		body = []byte(expand(b, vars))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return exchange{Method: st.method, URL: st.path, Err: err}
		}
		body = []byte(expand(string(raw), vars))
	}
	x := exchange{Method: st.method, URL: base + expand(st.path, vars), ReqBody: body}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, st.method, x.URL, bytes.NewReader(body))
	if err != nil {
		x.Err = err
		return x
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	x.ReqHeader = req.Header.Clone()
	res, err := client.Do(req)
	if err != nil {
		x.Err = err
		return x
	}
	defer res.Body.Close()
	x.Body, x.Err = io.ReadAll(res.Body)
	x.Status, x.Header = res.StatusCode, res.Header.Clone()
	return x
}

// expand replaces {name} by what an earlier answer gave.
func expand(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}
