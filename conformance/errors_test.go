//go:build conformance

package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// errorCase is one call the fake refuses with a status the spec does not
// declare (400, 401, 404): Prism only warns about such answers and checks
// nothing in them. So the fake is asked directly, and the body it gave is
// then replayed as a 429, which the spec declares with its error schema,
// for Prism to check.
type errorCase struct {
	fn, name string
	args     args
	// key replaces the account's key (a wrong one, for 401).
	key            string
	skipValidation bool
	status         int
	// mediaToday asks a fake that answers removed media models as the API
	// does today.
	mediaToday bool
}

func errorCases() []errorCase {
	return []errorCase{
		// kosmo sends max_tokens as max_completion_tokens to a reasoning
		// model; a non-default temperature reaches it as written, and the
		// API refuses it.
		{fn: "openai_chat_completion", name: "temperature on a reasoning model", status: http.StatusBadRequest,
			args: args{"model": "o3", "messages": []any{map[string]any{"role": "user", "content": "Hi"}}, "temperature": 0.2}},
		{fn: "openai_chat_completion", name: "wrong key", status: http.StatusUnauthorized, key: "sk-wrong-key-000000000000000000",
			args: args{"model": "gpt-4o", "messages": []any{map[string]any{"role": "user", "content": "Hi"}}}},
		{fn: "openai_create_embedding", name: "unknown model", status: http.StatusNotFound,
			args: args{"model": "no-such-model", "input": "Hi"}},
		{fn: "openai_create_image", name: "two dall-e-3 images", status: http.StatusBadRequest, skipValidation: true,
			args: args{"prompt": "A red circle", "model": "dall-e-3", "n": 2}},
		{fn: "openai_create_image", name: "removed model dall-e-3", status: http.StatusNotFound, mediaToday: true,
			args: args{"prompt": "A red circle", "model": "dall-e-3"}},
		{fn: "openai_create_image", name: "gpt-image-2 quality hd", status: http.StatusBadRequest, skipValidation: true,
			args: args{"prompt": "A red circle", "model": "gpt-image-2", "quality": "hd"}},
		{fn: "openai_create_image", name: "gpt-image-2 style", status: http.StatusBadRequest, skipValidation: true,
			args: args{"prompt": "A red circle", "model": "gpt-image-2", "style": "vivid"}},
		{fn: "openai_create_image", name: "gpt-image-2 transparent jpeg", status: http.StatusBadRequest, skipValidation: true,
			args: args{"prompt": "A red circle", "model": "gpt-image-2", "background": "transparent", "output_format": "jpeg"}},
		{fn: "openai_transcribe_audio", name: "srt from gpt-4o-transcribe", status: http.StatusBadRequest, skipValidation: true,
			args: args{"file_content": asciiAudio(), "filename": "speech.mp3", "model": "gpt-4o-transcribe", "response_format": "srt"}},
		{fn: "openai_text_to_speech", name: "instructions on tts-1", status: http.StatusBadRequest, skipValidation: true,
			args: args{"model": "tts-1", "input": "Hi", "voice": "alloy", "instructions": "Whisper."}},
		{fn: "openai_transcribe_audio", name: "not an audio file", status: http.StatusBadRequest,
			args: args{"file_content": b64("text"), "filename": "notes.txt", "model": "whisper-1"}},
		{fn: "openai_text_to_speech", name: "unknown model", status: http.StatusNotFound,
			args: args{"model": "no-such-tts", "input": "Hi", "voice": "alloy"}},
		{fn: "openai_create_assistant", name: "wrong key", status: http.StatusUnauthorized, key: "sk-wrong-key-000000000000000000",
			args: args{"model": "gpt-4o"}},
		{fn: "openai_list_assistants", name: "wrong key", status: http.StatusUnauthorized, key: "sk-wrong-key-000000000000000000"},
		{fn: "openai_create_thread", name: "system message", status: http.StatusBadRequest, skipValidation: true,
			args: args{"messages": []any{map[string]any{"role": "system", "content": "Hi"}}}},
		{fn: "openai_add_message_to_thread", name: "unknown thread", status: http.StatusNotFound,
			args: args{"thread_id": "thread_missing", "role": "user", "content": "Hi"}},
		{fn: "openai_list_thread_messages", name: "unknown thread", status: http.StatusNotFound,
			args: args{"thread_id": "thread_missing"}},
		{fn: "openai_create_run", name: "unknown thread", status: http.StatusNotFound,
			args: args{"thread_id": "thread_missing", "assistant_id": "asst_missing"}},
		{fn: "openai_get_run", name: "unknown thread", status: http.StatusNotFound,
			args: args{"thread_id": "thread_missing", "run_id": "run_missing"}},
		{fn: "openai_upload_file", name: "unknown purpose", status: http.StatusBadRequest, skipValidation: true,
			args: args{"file_content": b64("x"), "filename": "a.txt", "purpose": "no-such-purpose"}},
		{fn: "openai_list_files", name: "limit 0", status: http.StatusBadRequest, skipValidation: true,
			args: args{"limit": 0}},
		{fn: "openai_list_models", name: "wrong key", status: http.StatusUnauthorized, key: "sk-wrong-key-000000000000000000"},
	}
}

// replayHost is the call that carries a replayed error body when the
// function's own operation declares no 429: an embedding, whose does.
const replayHost = "openai_create_embedding"

// checkError asks the fake directly for the error, checks its fields, and
// replays its body as a 429 through the proxy.
func (e *env) checkError(t *testing.T, c errorCase) []string {
	src := call(c.fn, c.args)
	d := e.run(t, script{to: direct, key: c.key, skipValidation: c.skipValidation, mediaToday: c.mediaToday, src: src})
	x, ok := d.last()
	if !ok {
		return []string{fmt.Sprintf("nothing was sent: %v", d.Err)}
	}
	if x.Status != c.status || d.status() != c.status {
		return []string{fmt.Sprintf("the fake must refuse with %d: %v", c.status, x)}
	}
	var out []string
	if ct := x.Header.Get("Content-Type"); ct != "application/json" {
		out = append(out, fmt.Sprintf("the error body is %q, not application/json", ct))
	}
	// The shape of an error body, whatever its status, is the 429's.
	u, err := url.Parse(x.URL)
	if err != nil {
		return append(out, err.Error())
	}
	path := strings.TrimPrefix(u.Path, "/v1")
	op, _ := e.spec.operation(x.Method, path)
	if op == nil {
		return append(out, fmt.Sprintf("the spec has no operation %s %s", x.Method, path))
	}
	fields, err := e.fieldsNotIn(e.errorSchema(), x.Body)
	if err != nil {
		out = append(out, err.Error())
	}
	for _, f := range fields {
		out = append(out, fmt.Sprintf("the error body has field %s, which the spec's error schema does not declare", f))
	}

	// Replay the body as a 429 of an operation that declares one.
	replay := script{to: proxy, src: replaySource(c.fn, c.args)}
	method, faultPath := x.Method, u.Path
	if !e.spec.declares(op, http.StatusTooManyRequests) {
		replay.src = call(replayHost, args{"model": "text-embedding-3-small", "input": "Hi"})
		method, faultPath = http.MethodPost, "/v1/embeddings"
	}
	replay.fault = &openaitest.Fault{Method: method, Path: faultPath, Status: http.StatusTooManyRequests, Times: 1, Body: string(x.Body)}
	r := e.run(t, replay)
	last, ok := r.last()
	switch {
	case !ok:
		out = append(out, fmt.Sprintf("the replay sent nothing: %v", r.Err))
	case last.Status != http.StatusTooManyRequests:
		out = append(out, fmt.Sprintf("the replayed error did not come back as a 429: %v", last))
	}
	for _, x := range r.Exchanges {
		out = append(out, e.answerProblems(x)...)
	}
	return out
}

// errorSchema is the schema of the error body of a 429 (ErrorResponse).
func (e *env) errorSchema() any {
	op, _ := e.spec.operation(http.MethodPost, "/chat/completions")
	return e.spec.responseSchema(op, http.StatusTooManyRequests)
}

// replaySource is the call again, with arguments the spec accepts: the
// replay must reach the fake, and the fault answers it whatever it asks.
func replaySource(fn string, a args) string {
	for _, c := range requestCases() {
		if c.fn == fn && c.kind == minimal {
			b := c.args.with()
			for k, v := range a {
				if strings.HasSuffix(k, "_id") {
					b[k] = v
				}
			}
			return call(fn, b)
		}
	}
	return call(fn, a)
}
