package openaitest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var chatBody = `{"model":"gpt-4.1-nano","messages":[{"role":"user","content":"hi"}]}`

func TestFaultStatusAndTimes(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Method: http.MethodPost, Path: "/v1/chat/completions", Times: 2,
		Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": "2"}})

	// Another path is not affected.
	require.Equal(t, http.StatusOK, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()).status)

	for range 2 {
		r := postJSON(t, s, "/v1/chat/completions", chatBody, authHeaders())
		require.Equal(t, http.StatusTooManyRequests, r.status)
		assert.Equal(t, "2", r.header.Get("Retry-After"))
		assert.True(t, strings.HasPrefix(r.header.Get("x-request-id"), "req_"))
		e := r.apiError(t)
		assert.Equal(t, "requests", e["type"])
		assert.Equal(t, "rate_limit_exceeded", e["code"])
	}
	ok(t, postJSON(t, s, "/v1/chat/completions", chatBody, authHeaders()))
	assert.Len(t, s.Requests(), 4, "faulted requests are recorded too")
}

func TestFaultBodiesAndClear(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/v1/models", Status: http.StatusOK, Body: `{"object":"list","data":[`}) // malformed
	for range 3 {
		r := call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
		require.Equal(t, http.StatusOK, r.status)
		require.Equal(t, `{"object":"list","data":[`, string(r.body))
	}
	s.ClearFaults()
	ok(t, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()))

	s.InjectFault(Fault{Status: http.StatusServiceUnavailable, Times: 1, Body: "upstream down", Header: map[string]string{"Content-Type": "text/plain"}})
	r := call(t, s, http.MethodGet, "/v1/models", nil, nil) // faults come before auth
	require.Equal(t, http.StatusServiceUnavailable, r.status)
	assert.Equal(t, "text/plain", r.header.Get("Content-Type"))
	assert.Equal(t, "upstream down", string(r.body))

	s.InjectFault(Fault{Status: http.StatusInternalServerError, Times: 1})
	r = call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	require.Equal(t, http.StatusInternalServerError, r.status)
	assert.Equal(t, "server_error", r.apiError(t)["type"])

	// First injected, first applied.
	s.InjectFault(Fault{Status: 502, Times: 1})
	s.InjectFault(Fault{Status: 504, Times: 1})
	assert.Equal(t, 502, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()).status)
	assert.Equal(t, 504, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()).status)
	assert.Equal(t, 200, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()).status)
}

func TestFaultReset(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Method: http.MethodPost, Reset: true, Times: 1})
	req, err := http.NewRequest(http.MethodPost, s.BaseURL()+"/chat/completions", strings.NewReader(chatBody))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	res, err := s.Client().Do(req)
	if err == nil {
		res.Body.Close()
	}
	require.Error(t, err, "a reset connection is a client error")
	ok(t, postJSON(t, s, "/v1/chat/completions", chatBody, authHeaders()))
}

func TestFaultTruncate(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/v1/chat/completions", Truncate: true, Times: 1})
	req, err := http.NewRequest(http.MethodPost, s.BaseURL()+"/chat/completions", strings.NewReader(chatBody))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	res, err := s.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "application/json", res.Header.Get("Content-Type"))
	require.Greater(t, res.ContentLength, int64(100))
	b, err := io.ReadAll(res.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.Equal(t, res.ContentLength/2, int64(len(b)))

	// Truncate applies to a fault's own answer too.
	s.InjectFault(Fault{Status: 429, Truncate: true, Times: 1})
	res, err = s.Client().Get(s.BaseURL() + "/models")
	require.NoError(t, err)
	_, err = io.ReadAll(res.Body)
	res.Body.Close()
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.Equal(t, 429, res.StatusCode)

	ok(t, postJSON(t, s, "/v1/chat/completions", chatBody, authHeaders()))
}

func TestFaultDelay(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/v1/models", Delay: 50 * time.Millisecond, Times: 1})
	start := time.Now()
	ok(t, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()))
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)

	// A long delay ends when the client gives up.
	s.InjectFault(Fault{Path: "/v1/models", Delay: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL()+"/models", nil)
	require.NoError(t, err)
	start = time.Now()
	res, err := s.Client().Do(req)
	if err == nil {
		res.Body.Close()
	}
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)

	// And Close does not wait an hour for a delayed request in flight.
	go func() {
		res, err := s.Client().Get(s.BaseURL() + "/models")
		if err == nil {
			res.Body.Close()
		}
	}()
	require.Eventually(t, func() bool { return len(s.Requests()) == 3 }, 5*time.Second, 5*time.Millisecond)
	start = time.Now()
	s.Close()
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestFaultIgnoredWithNegativeTimes(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Status: 500, Times: -1})
	ok(t, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()))
}

// TestConcurrentUse runs every kind of request and the control methods at
// once; with -race it checks the locking.
func TestConcurrentUse(t *testing.T) {
	s := newTestServer(t, WithLegacyAssistants())
	asst := createAssistant(t, s, map[string]any{"model": "gpt-4.1-nano"})
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				th := createThread(t, s, map[string]any{"messages": []any{map[string]any{"role": "user", "content": "hi"}}})
				base := "/v1/threads/" + th["id"].(string)
				run := ok(t, postJSON(t, s, base+"/runs", map[string]any{"assistant_id": asst["id"]}, betaHeaders()))
				for range 2 {
					ok(t, call(t, s, http.MethodGet, base+"/runs/"+run["id"].(string), nil, betaHeaders()))
				}
				ok(t, call(t, s, http.MethodGet, base+"/messages", nil, betaHeaders()))
				ok(t, call(t, s, http.MethodGet, "/v1/assistants", nil, betaHeaders()))
				conv := ok(t, postJSON(t, s, "/v1/conversations", `{"items":[{"role":"user","content":"hi"}]}`, authHeaders()))
				resp := ok(t, postJSON(t, s, "/v1/responses", map[string]any{"model": "gpt-4.1-nano", "conversation": conv["id"], "background": true}, authHeaders()))
				for range 2 {
					ok(t, call(t, s, http.MethodGet, "/v1/responses/"+resp["id"].(string), nil, authHeaders()))
				}
				ok(t, call(t, s, http.MethodGet, "/v1/conversations/"+conv["id"].(string)+"/items", nil, authHeaders()))
				ok(t, postJSON(t, s, "/v1/chat/completions", chatBody, authHeaders()))
				ok(t, postJSON(t, s, "/v1/embeddings", `{"model":"text-embedding-3-small","input":"x"}`, authHeaders()))
				upload(t, s, "f.txt", "assistants", []byte("x"))
				ok(t, call(t, s, http.MethodGet, "/v1/files", nil, authHeaders()))
				ok(t, postJSON(t, s, "/v1/images/generations", `{"prompt":"x","model":"gpt-image-2","size":"16x16"}`, authHeaders()))
				if i%2 == 0 {
					s.InjectFault(Fault{Path: "/v1/none", Status: 500, Times: 1})
					s.ClearFaults()
				}
				_ = s.Requests()
				if i == 3 {
					s.ResetRequests()
				}
			})
		}
	})
}

func TestNoPanicOnHostileInput(t *testing.T) {
	s := newTestServer(t, WithLegacyAssistants())
	bodies := []string{
		`null`, `"x"`, `123`, `{"model":null,"messages":null}`, `{"model":"m","messages":[null]}`,
		`{"model":"m","messages":[{"role":"user","content":[null]}]}`,
		`{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":[1]}}]}`,
		`{"model":"m","messages":[{"role":"user","content":"json"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"$ref":"#/a/b/c","type":"object","properties":{"a":{"$ref":"#"}}}}}}`,
		`{"model":"m","messages":[{"role":"user","content":"x"}],"n":-9223372036854775809}`,
		`{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":99999999999999999999999}`,
		"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]}",
		`{"model":"gpt-4.1-nano","input":[null,{"role":"user","content":[null]}]}`,
		`{"model":"gpt-4.1-nano","input":[{"type":"function_call_output","call_id":"c","output":[{"type":"input_image"}]}]}`,
		`{"model":"gpt-4.1-nano","input":"x","tools":[{"type":"function","name":"f","parameters":[1]}],"tool_choice":{"type":"allowed_tools","mode":"required","tools":[null]}}`,
		`{"model":"gpt-4.1-nano","input":"json","text":{"format":{"type":"json_schema","name":"x","schema":{"$ref":"#/a/b/c","type":"object","properties":{"a":{"$ref":"#"}}}}}}`,
		`{"items":[{"type":"message","role":"assistant","content":[{"type":"output_text"}]}],"metadata":[]}`,
		`{"model":"gpt-4.1-nano","conversation":{"id":7},"max_output_tokens":99999999999999999999999}`,
	}
	paths := []string{"/v1/chat/completions", "/v1/embeddings", "/v1/images/generations", "/v1/audio/speech",
		"/v1/assistants", "/v1/threads", "/v1/threads/x/messages", "/v1/threads/x/runs",
		"/v1/conversations", "/v1/conversations/x/items", "/v1/responses", "/v1/responses/x/cancel"}
	for _, p := range paths {
		for _, b := range bodies {
			r := postJSON(t, s, p, b, betaHeaders())
			if r.status != http.StatusOK {
				require.Contains(t, []int{400, 404}, r.status, "%s %s: %s", p, b, r.body)
				r.apiError(t)
			}
		}
	}
	// The server still answers.
	_, err := s.Client().Get(s.URL)
	require.False(t, errors.Is(err, io.EOF))
	ok(t, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()))
}

func TestFaultSelectsByModel(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Model: "gpt-5.1", Status: http.StatusInternalServerError})
	s.InjectFault(Fault{Model: "whisper-1", Status: http.StatusBadGateway})

	ok(t, postJSON(t, s, "/v1/chat/completions", chatBody, authHeaders()))
	other := strings.Replace(chatBody, "gpt-4.1-nano", "gpt-5.1", 1)
	assert.Equal(t, http.StatusInternalServerError, postJSON(t, s, "/v1/chat/completions", other, authHeaders()).status)
	ok(t, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()))

	// The model of a multipart form counts too.
	r := postForm(t, s, "/v1/audio/transcriptions", []formPart{field("model", "whisper-1"), {name: "file", filename: "a.wav", data: []byte("x")}}, authHeaders())
	assert.Equal(t, http.StatusBadGateway, r.status)
	assert.Equal(t, 2, s.FaultsApplied())
}

func TestFaultNthAndEvery(t *testing.T) {
	statuses := func(s *Server, n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()).status
		}
		return out
	}
	tests := []struct {
		name   string
		faults []Fault
		want   []int
	}{
		{"the third request only", []Fault{{Nth: 3, Times: 1, Status: 500}}, []int{200, 200, 500, 200, 200}},
		{"every third from the second", []Fault{{Nth: 2, Every: 3, Status: 503}}, []int{200, 503, 200, 200, 503, 200, 200, 503}},
		{"every second, twice", []Fault{{Every: 2, Times: 2, Status: 429}}, []int{429, 200, 429, 200, 200, 200}},
		{"each fault counts every matching request", []Fault{{Times: 1, Status: 500}, {Nth: 2, Times: 1, Status: 502}}, []int{500, 502, 200}},
		{"first due fault answers, the next waits", []Fault{{Nth: 2, Status: 500, Times: 1}, {Nth: 2, Status: 502, Times: 1}}, []int{200, 500, 502, 200}},
		{"other paths are not counted", []Fault{{Path: "/v1/files", Nth: 1, Status: 500}}, []int{200, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t)
			for _, f := range tt.faults {
				s.InjectFault(f)
			}
			assert.Equal(t, tt.want, statuses(s, len(tt.want)))
			faulted := 0
			for _, st := range tt.want {
				if st != 200 {
					faulted++
				}
			}
			assert.Equal(t, faulted, s.FaultsApplied())
		})
	}
}

func TestFaultHangUntilClientGivesUp(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/v1/models", Hang: true})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL()+"/models", nil)
	require.NoError(t, err)
	start := time.Now()
	res, err := s.Client().Do(req)
	if err == nil {
		res.Body.Close()
	}
	require.ErrorIs(t, err, context.DeadlineExceeded, "no status line ever came")
	assert.Less(t, time.Since(start), 5*time.Second)

	// Close ends a hanging request instead of waiting for it.
	go func() {
		if res, err := s.Client().Get(s.BaseURL() + "/models"); err == nil {
			res.Body.Close()
		}
	}()
	require.Eventually(t, func() bool { return len(s.Requests()) == 2 }, 5*time.Second, 5*time.Millisecond)
	start = time.Now()
	s.Close()
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestFaultTrickle(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/v1/models", Trickle: 160 * time.Millisecond, Times: 1})
	start := time.Now()
	r := call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	assert.GreaterOrEqual(t, time.Since(start), 160*time.Millisecond, "16 pieces, 10 ms apart")
	ok(t, r)

	// A client that gives up mid-body gets its headers, then a read error.
	s.InjectFault(Fault{Path: "/v1/models", Trickle: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL()+"/models", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	res, err := s.Client().Do(req)
	require.NoError(t, err, "the headers come at once")
	defer res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	_, err = io.ReadAll(res.Body)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestFaultMalformed(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/v1/models", Malformed: true, Times: 1})
	r := call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, strconv.Itoa(len(r.body)), r.header.Get("Content-Length"))
	assert.False(t, json.Valid(r.body), "the body must not parse: %s", r.body)
	good := call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	assert.Equal(t, strings.TrimSpace(string(good.body)), string(r.body)+"}", "the answer minus its last byte")

	s.InjectFault(Fault{Status: 500, Malformed: true, Times: 1})
	r = call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	assert.Equal(t, 500, r.status)
	assert.False(t, json.Valid(r.body))
}

func TestFaultOversize(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/v1/models", Oversize: 3 << 20, Times: 1})
	r := call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	require.Equal(t, http.StatusOK, r.status)
	assert.GreaterOrEqual(t, len(r.body), 3<<20)
	assert.True(t, json.Valid(r.body))

	// A client that stops reading does not keep the handler busy.
	s.InjectFault(Fault{Path: "/v1/models", Oversize: 1 << 40, Status: 500, Times: 1})
	res, err := s.Client().Get(s.BaseURL() + "/models")
	require.NoError(t, err)
	assert.Equal(t, 500, res.StatusCode)
	_, err = io.ReadFull(res.Body, make([]byte, 1<<20))
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	start := time.Now()
	s.Close()
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestFaultEchoHeaders(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{Path: "/v1/models", EchoHeaders: true, Times: 1})
	r := call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	require.Equal(t, http.StatusBadRequest, r.status)
	e := r.apiError(t)
	assert.Contains(t, e["message"], "Authorization: Bearer "+DefaultAPIKey)
	assert.Equal(t, "Bearer "+DefaultAPIKey, e["param"])
	assert.Equal(t, DefaultAPIKey, e["code"])
	assert.Contains(t, r.header.Get("x-request-id"), DefaultAPIKey)

	s.InjectFault(Fault{Path: "/v1/models", EchoHeaders: true, Status: 200, Times: 1})
	m := ok(t, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()))
	assert.Equal(t, "echo", m["object"])
	assert.Equal(t, "Bearer "+DefaultAPIKey, obj(t, m["headers"])["Authorization"])
}
