//go:build conformance

package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// oracleCase proves that the oracle bites: a request that kosmo's own
// validation would refuse, sent with validation switched off, or an answer
// of the fake broken on purpose. Prism must refuse it and name where. One
// case shows what Prism misses (fields the spec does not declare) and that
// the suite's own field check catches it.
type oracleCase struct {
	name   string
	to     target
	before string
	src    string
	// fault replaces the fake's answer, for the response cases.
	fault *openaitest.Fault
	// status is Prism's answer: 422 for a request, 500 for a response
	// (200 for the answer it lets pass).
	status int
	// location is where a violation must be reported, e.g. "body.messages.0.role".
	location string
	// undeclared, for an answer Prism lets pass, are the fields the field
	// check must report instead.
	undeclared []string
	// today runs the script on today's API, where requests with the
	// documented InputItem deviation only are carried past Prism (see
	// passOn): these cases show that a request with more is refused.
	today bool
}

func oracleCases() []oracleCase {
	bad := func(name string, to target, fn string, a args, location string) oracleCase {
		before := ""
		if to == proxy {
			before = setup(fn)
		}
		return oracleCase{name: "request " + name, to: to, before: before, src: call(fn, a), status: http.StatusUnprocessableEntity, location: location}
	}
	hello := []any{map[string]any{"role": "user", "content": "Hello"}}
	return []oracleCase{
		bad("chat message with an unknown role", proxy, "openai_chat_completion",
			args{"model": "gpt-4o", "messages": []any{map[string]any{"role": "robot", "content": "Hi"}}}, "body.messages.0.role"),
		bad("chat temperature above 2", proxy, "openai_chat_completion",
			args{"model": "gpt-4o", "messages": hello, "temperature": 3}, "body.temperature"),
		bad("embedding without a model", proxy, "openai_create_embedding", args{"input": "Hi"}, "body"),
		bad("assistant name over 256 characters", proxy, "openai_create_assistant",
			args{"model": "gpt-4o", "name": strings.Repeat("n", 257)}, "body.name"),
		bad("list limit that is not an integer", proxy, "openai_list_assistants", args{"limit": "many"}, "query.limit"),
		bad("thread message from the system", proxy, "openai_add_message_to_thread",
			args{"thread_id": luaExpr("thread.id"), "role": "system", "content": "Hi"}, "body.role"),
		bad("eleven images", proxy, "openai_create_image", args{"prompt": "A red circle", "n": 11}, "body.n"),
		bad("speech speed 9", mock, "openai_text_to_speech", args{"model": "tts-1", "input": "Hi", "voice": "alloy", "speed": 9}, "body.speed"),
		bad("transcription format docx", mock, "openai_transcribe_audio",
			args{"file_content": b64("x"), "filename": "a.wav", "model": "whisper-1", "response_format": "docx"}, "body.response_format"),
		bad("upload with an unknown purpose", mock, "openai_upload_file",
			args{"file_content": b64("x"), "filename": "a.txt", "purpose": "no-such-purpose"}, "body.purpose"),
		// Beside a message with list content, which Prism refuses with the
		// documented InputItem deviation only (see inputItemDeviation),
		// another violation in the same request must still be refused.
		{
			name: "request today: content parts with an image detail that does not exist", to: proxy, today: true,
			src: call("openai_create_thread", args{"messages": []any{map[string]any{"role": "user", "content": []any{
				map[string]any{"type": "text", "text": "What is in this image?"},
				map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/cat.png", "detail": "huge"}},
			}}}}),
			status: http.StatusUnprocessableEntity, location: "body.items.0.content.1.detail",
		},
		{
			name: "request today: content parts beside a message with an unknown role", to: proxy, today: true,
			src: call("openai_create_thread", args{"messages": []any{
				map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "Hello"}}},
				map[string]any{"role": "robot", "content": "Hi"},
			}}),
			status: http.StatusUnprocessableEntity, location: "body.items.1.role",
		},
		{
			name: "response models without created and owned_by", to: proxy, src: call("openai_list_models", nil),
			fault:  &openaitest.Fault{Method: "GET", Path: "/v1/models", Status: http.StatusOK, Body: `{"object":"list","data":[{"id":"gpt-4o","object":"model"}]}`},
			status: http.StatusInternalServerError, location: "response.body.data.0",
		},
		{
			name: "response run with an unknown status", to: proxy, src: call("openai_get_run", args{"thread_id": "thread_1", "run_id": "run_1"}),
			fault: &openaitest.Fault{Method: "GET", Path: "/v1/threads/thread_1/runs/run_1", Status: http.StatusOK,
				Body: `{"id":"run_1","object":"thread.run","created_at":1,"thread_id":"thread_1","assistant_id":"asst_1","status":"sleeping"}`},
			status: http.StatusInternalServerError, location: "response.body.status",
		},
		{
			name: "response with fields the spec does not declare (Prism lets it pass)", to: proxy, src: call("openai_list_models", nil),
			fault: &openaitest.Fault{Method: "GET", Path: "/v1/models", Status: http.StatusOK,
				Body: `{"object":"list","surprise":1,"data":[{"id":"gpt-4o","object":"model","created":1,"owned_by":"system","color":"red"}]}`},
			status: http.StatusOK, undeclared: []string{"$.data[0].color", "$.surprise"},
		},
		{
			name: "response list without data", to: proxy, src: call("openai_list_models", nil),
			fault:  &openaitest.Fault{Method: "GET", Path: "/v1/models", Status: http.StatusOK, Body: `{"object":"list"}`},
			status: http.StatusInternalServerError, location: "response.body",
		},
	}
}

// checkOracle runs an oracle case with kosmo's validation off and checks
// that Prism refused it, naming the location, and that a refused request
// never reached the fake.
func (e *env) checkOracle(t *testing.T, c oracleCase) []string {
	o := e.run(t, script{to: c.to, before: c.before, src: c.src, fault: c.fault, skipValidation: true, today: c.today})
	x, ok := o.last()
	if !ok {
		return []string{fmt.Sprintf("nothing was sent: %v", o.Err)}
	}
	if c.undeclared != nil {
		return undeclaredProblems(e, x, c.undeclared)
	}
	var out []string
	if x.Status != c.status || !x.fromPrism() {
		out = append(out, fmt.Sprintf("Prism must answer %d itself; got %v", c.status, x))
	}
	vs, err := x.violations()
	if err != nil {
		out = append(out, err.Error())
	}
	var where []string
	for _, v := range vs {
		where = append(where, strings.Join(v.Location, "."))
	}
	if !slices.Contains(where, c.location) {
		out = append(out, fmt.Sprintf("no violation at %s; Prism reported %v", c.location, vs))
	}
	if len(o.Deviated) > 0 {
		out = append(out, fmt.Sprintf("the request was carried past Prism as the documented InputItem deviation: %v", o.Deviated))
	}
	if c.to == proxy && c.fault == nil && len(o.Received) != len(o.Exchanges)-1 {
		out = append(out, fmt.Sprintf("the refused request reached the fake: it received %d requests for %d sent", len(o.Received), len(o.Exchanges)))
	}
	return out
}

// undeclaredProblems checks an answer that Prism let pass but that has
// fields the spec does not declare: the field check must name them all.
func undeclaredProblems(e *env, x exchange, want []string) []string {
	var out []string
	if vs, err := x.violations(); err != nil || len(vs) > 0 || x.fromPrism() || x.Status != http.StatusOK {
		out = append(out, fmt.Sprintf("Prism was expected to let this answer pass: %v %v", x, vs))
	}
	got, err := e.undeclaredFields(x)
	if err != nil {
		out = append(out, err.Error())
	}
	if !slices.Equal(got, want) {
		out = append(out, fmt.Sprintf("the field check reported %v, want %v", got, want))
	}
	return out
}
