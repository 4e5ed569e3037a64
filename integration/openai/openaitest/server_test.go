package openaitest

import (
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServerLifecycle(t *testing.T) {
	s := NewUnstartedServer()
	require.Empty(t, s.URL)
	s.Handler().InjectFault(Fault{Status: http.StatusTeapot, Times: 1})
	s.Start()
	require.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)
	require.Equal(t, s.URL+"/v1", s.BaseURL())

	r := call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	require.Equal(t, http.StatusTeapot, r.status)
	r = call(t, s, http.MethodGet, "/v1/models", nil, authHeaders())
	require.Equal(t, http.StatusOK, r.status)

	s.Close()
	s.Close() // idempotent
	_, err := s.Client().Get(s.URL + "/v1/models")
	require.Error(t, err, "a closed server must refuse connections")

	NewUnstartedServer().Close() // closing a server never started is fine
}

func TestAuthentication(t *testing.T) {
	s := newTestServer(t, WithAPIKeys("sk-first-key-123456789", "short"))
	tests := []struct {
		name, auth, wantMsg, wantCode string
		status                        int
	}{
		{"first key", "Bearer sk-first-key-123456789", "", "", http.StatusOK},
		{"second key", "Bearer short", "", "", http.StatusOK},
		{"scheme is case-insensitive", "bearer short", "", "", http.StatusOK},
		{"missing", "", "You didn't provide an API key.", "", http.StatusUnauthorized},
		{"empty bearer", "Bearer ", "You didn't provide an API key.", "", http.StatusUnauthorized},
		{"basic", "Basic abc", "You didn't provide an API key.", "", http.StatusUnauthorized},
		{"wrong key", "Bearer " + DefaultAPIKey,
			"Incorrect API key provided: sk-kos***0000. You can find your API key at https://platform.openai.com/account/api-keys.",
			"invalid_api_key", http.StatusUnauthorized},
		{"short wrong key", "Bearer sk-abc", "Incorrect API key provided: ***.", "invalid_api_key", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, s, http.MethodGet, "/v1/models", nil, header{"Authorization": tt.auth})
			require.Equal(t, tt.status, r.status, "body: %s", r.body)
			require.True(t, strings.HasPrefix(r.header.Get("x-request-id"), "req_"))
			if tt.status == http.StatusOK {
				return
			}
			e := r.apiError(t)
			assert.Contains(t, e["message"], tt.wantMsg)
			assert.Equal(t, "invalid_request_error", e["type"])
			assert.Nil(t, e["param"])
			if tt.wantCode == "" {
				assert.Nil(t, e["code"])
			} else {
				assert.Equal(t, tt.wantCode, e["code"])
			}
			key := strings.TrimSpace(strings.TrimPrefix(tt.auth, "Bearer"))
			if len(key) > 4 {
				assert.NotContains(t, string(r.body), key, "a key must never be echoed")
			}
		})
	}
}

func TestDefaultKeyAndNoKeys(t *testing.T) {
	s := newTestServer(t)
	require.Equal(t, http.StatusOK, call(t, s, http.MethodGet, "/v1/models", nil, authHeaders()).status)
	none := newTestServer(t, WithAPIKeys())
	require.Equal(t, http.StatusUnauthorized, call(t, none, http.MethodGet, "/v1/models", nil, authHeaders()).status)
}

func TestUnknownPathsAndMethods(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct{ method, path string }{
		{http.MethodGet, "/v1/nothing"},
		{http.MethodGet, "/v1/chat/completions"},
		{http.MethodDelete, "/v1/models"},
		{http.MethodGet, "/"},
		{http.MethodGet, "/v1/models/"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := call(t, s, tt.method, tt.path, nil, authHeaders())
			require.Equal(t, http.StatusNotFound, r.status)
			e := r.apiError(t)
			require.Equal(t, "Invalid URL ("+tt.method+" "+tt.path+")", e["message"])
			require.Equal(t, "invalid_request_error", e["type"])
		})
	}
	// Unknown paths still need a key, like the real API.
	require.Equal(t, http.StatusUnauthorized, call(t, s, http.MethodGet, "/v1/nothing", nil, nil).status)
}

func TestRequestRecording(t *testing.T) {
	s := newTestServer(t)
	postJSON(t, s, "/v1/embeddings", map[string]any{"model": "text-embedding-3-small", "input": "hi"}, authHeaders())
	call(t, s, http.MethodGet, "/v1/files?purpose=batch&limit=2", nil, authHeaders())
	call(t, s, http.MethodGet, "/v1/conversations/conv%2Fx/items", nil, authHeaders())

	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/v1/embeddings", reqs[0].Path)
	assert.JSONEq(t, `{"model":"text-embedding-3-small","input":"hi"}`, string(reqs[0].Body))
	assert.Equal(t, "Bearer "+DefaultAPIKey, reqs[0].Header.Get("Authorization"))
	assert.Equal(t, "purpose=batch&limit=2", reqs[1].RawQuery)
	assert.Equal(t, "/v1/conversations/conv%2Fx/items", reqs[2].Path)

	// Copies: changing them changes nothing inside.
	reqs[0].Body[0] = 'X'
	reqs[0].Header.Set("Authorization", "changed")
	again := s.Requests()
	assert.Equal(t, byte('{'), again[0].Body[0])
	assert.Equal(t, "Bearer "+DefaultAPIKey, again[0].Header.Get("Authorization"))

	s.ResetRequests()
	require.Empty(t, s.Requests())
}

func TestRecordingBound(t *testing.T) {
	s := newTestServer(t, WithMaxRecordedRequests(2))
	for _, p := range []string{"/v1/a", "/v1/b", "/v1/c"} {
		call(t, s, http.MethodGet, p, nil, authHeaders())
	}
	reqs := s.Requests()
	require.Len(t, reqs, 2)
	require.Equal(t, "/v1/b", reqs[0].Path)
	require.Equal(t, "/v1/c", reqs[1].Path)

	off := newTestServer(t, WithMaxRecordedRequests(0))
	call(t, off, http.MethodGet, "/v1/models", nil, authHeaders())
	require.Empty(t, off.Requests())
}

func TestBodyTooLarge(t *testing.T) {
	s := newTestServer(t, WithMaxBodyBytes(1024))
	r := postJSON(t, s, "/v1/embeddings", `{"model":"text-embedding-3-small","input":"`+strings.Repeat("a", 2000)+`"}`, authHeaders())
	require.Equal(t, http.StatusRequestEntityTooLarge, r.status)
	e := r.apiError(t)
	require.Equal(t, "request_too_large", e["code"])
	require.Len(t, s.Requests(), 1)
}

func TestClockOption(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	s := newTestServer(t, WithClock(func() time.Time { return at }))
	m := ok(t, postJSON(t, s, "/v1/chat/completions", map[string]any{
		"model": "gpt-4.1-nano", "messages": []any{map[string]any{"role": "user", "content": "hi"}},
	}, authHeaders()))
	require.Equal(t, at.Unix(), num(t, m["created"]))
}

// TestBadRequests feeds malformed and invalid bodies to every JSON
// endpoint: each must be a 400 in OpenAI's shape naming the parameter,
// never a crash.
func TestBadRequests(t *testing.T) {
	s := newTestServer(t)
	chat := func(extra string) string {
		return `{"model":"gpt-4.1-nano","messages":[{"role":"user","content":"hi"}]` + extra + `}`
	}
	tests := []struct {
		name, path, body, param, code string
	}{
		{"not json", "/v1/chat/completions", `{"model":`, "", ""},
		{"empty body", "/v1/chat/completions", ``, "", ""},
		{"array body", "/v1/chat/completions", `[1,2]`, "", "invalid_type"},
		{"missing messages", "/v1/chat/completions", `{"model":"gpt-4.1-nano"}`, "messages", "missing_required_parameter"},
		{"missing model", "/v1/chat/completions", `{"messages":[]}`, "model", "missing_required_parameter"},
		{"empty messages", "/v1/chat/completions", `{"model":"gpt-4.1-nano","messages":[]}`, "messages", "empty_array"},
		{"messages not array", "/v1/chat/completions", `{"model":"gpt-4.1-nano","messages":"hi"}`, "messages", "invalid_type"},
		{"model not string", "/v1/chat/completions", `{"model":4,"messages":[{"role":"user","content":"x"}]}`, "model", "invalid_type"},
		{"bad role", "/v1/chat/completions", `{"model":"gpt-4.1-nano","messages":[{"role":"robot","content":"x"}]}`, "messages[0].role", "invalid_value"},
		{"message not object", "/v1/chat/completions", `{"model":"gpt-4.1-nano","messages":["x"]}`, "messages[0]", "invalid_type"},
		{"missing content", "/v1/chat/completions", `{"model":"gpt-4.1-nano","messages":[{"role":"user"}]}`, "messages[0].content", "missing_required_parameter"},
		{"content number", "/v1/chat/completions", `{"model":"gpt-4.1-nano","messages":[{"role":"user","content":5}]}`, "messages[0].content", "invalid_type"},
		{"bad part", "/v1/chat/completions", `{"model":"gpt-4.1-nano","messages":[{"role":"user","content":[{"type":"video"}]}]}`, "messages[0].content[0].type", "invalid_value"},
		{"huge n", "/v1/chat/completions", chat(`,"n":1e30`), "n", "integer_above_max_value"},
		{"fractional n", "/v1/chat/completions", chat(`,"n":1.5`), "n", "invalid_type"},
		{"zero n", "/v1/chat/completions", chat(`,"n":0`), "n", "integer_below_min_value"},
		{"string max_tokens", "/v1/chat/completions", chat(`,"max_tokens":"5"`), "max_tokens", "invalid_type"},
		{"temperature too high", "/v1/chat/completions", chat(`,"temperature":2.5`), "temperature", "decimal_above_max_value"},
		{"temperature huge", "/v1/chat/completions", chat(`,"temperature":1e999`), "temperature", "decimal_above_max_value"},
		{"unknown parameter", "/v1/chat/completions", chat(`,"max_token":5`), "max_token", "unknown_parameter"},
		{"bad response_format", "/v1/chat/completions", chat(`,"response_format":{"type":"xml"}`), "response_format.type", "invalid_value"},
		{"json mode without json", "/v1/chat/completions", chat(`,"response_format":{"type":"json_object"}`), "messages", ""},
		{"schema without name", "/v1/chat/completions", chat(`,"response_format":{"type":"json_schema","json_schema":{}}`), "response_format.json_schema.name", "missing_required_parameter"},
		{"tool_choice without tools", "/v1/chat/completions", chat(`,"tool_choice":"required"`), "tool_choice", "invalid_value"},
		{"stream_options without stream", "/v1/chat/completions", chat(`,"stream_options":{"include_usage":true}`), "stream_options", "invalid_value"},
		{"max_tokens on o3", "/v1/chat/completions", `{"model":"o3-mini","messages":[{"role":"user","content":"x"}],"max_tokens":5}`, "max_tokens", "unsupported_parameter"},
		{"too many stops", "/v1/chat/completions", chat(`,"stop":["a","b","c","d","e"]`), "stop", "array_above_max_length"},
		{"metadata not strings", "/v1/chat/completions", chat(`,"metadata":{"a":1}`), "metadata.a", "invalid_type"},
		{"embeddings empty input", "/v1/embeddings", `{"model":"text-embedding-3-small","input":""}`, "input", "empty_string"},
		{"embeddings empty array", "/v1/embeddings", `{"model":"text-embedding-3-small","input":[]}`, "input", "empty_array"},
		{"embeddings empty item", "/v1/embeddings", `{"model":"text-embedding-3-small","input":["a",""]}`, "input[1]", "empty_string"},
		{"embeddings bad item", "/v1/embeddings", `{"model":"text-embedding-3-small","input":["a",{}]}`, "input[1]", "invalid_type"},
		{"embeddings object input", "/v1/embeddings", `{"model":"text-embedding-3-small","input":{}}`, "input", "invalid_type"},
		{"embeddings bad format", "/v1/embeddings", `{"model":"text-embedding-3-small","input":"a","encoding_format":"hex"}`, "encoding_format", "invalid_value"},
		{"embeddings dims too big", "/v1/embeddings", `{"model":"text-embedding-3-small","input":"a","dimensions":5000}`, "dimensions", "integer_above_max_value"},
		{"embeddings dims ada", "/v1/embeddings", `{"model":"text-embedding-ada-002","input":"a","dimensions":5}`, "dimensions", ""},
		{"embeddings negative token", "/v1/embeddings", `{"model":"text-embedding-3-small","input":[1,-2]}`, "input[1]", "integer_below_min_value"},
		{"image missing prompt", "/v1/images/generations", `{"model":"dall-e-2"}`, "prompt", "missing_required_parameter"},
		{"image bad size", "/v1/images/generations", `{"prompt":"x","model":"gpt-image-2","size":"big"}`, "size", "invalid_value"},
		{"image zero size", "/v1/images/generations", `{"prompt":"x","model":"gpt-image-2","size":"0x10"}`, "size", "invalid_value"},
		{"image n 11", "/v1/images/generations", `{"prompt":"x","n":11}`, "n", "integer_above_max_value"},
		{"image bad response_format", "/v1/images/generations", `{"prompt":"x","response_format":"gif"}`, "response_format", "invalid_value"},
		{"image prompt too long", "/v1/images/generations", `{"prompt":"` + strings.Repeat("a", 32001) + `","model":"gpt-image-2"}`, "prompt", "string_above_max_length"},
		{"speech too long", "/v1/audio/speech", `{"model":"tts-1","voice":"alloy","input":"` + strings.Repeat("a", 4097) + `"}`, "input", "string_above_max_length"},
		{"speech speed", "/v1/audio/speech", `{"model":"tts-1","voice":"alloy","input":"a","speed":5}`, "speed", "decimal_above_max_value"},
		{"speech slow", "/v1/audio/speech", `{"model":"tts-1","voice":"alloy","input":"a","speed":0.1}`, "speed", "decimal_below_min_value"},
		{"speech voice", "/v1/audio/speech", `{"model":"tts-1","voice":"robot","input":"a"}`, "voice", "invalid_value"},
		{"speech format", "/v1/audio/speech", `{"model":"tts-1","voice":"alloy","input":"a","response_format":"ogg"}`, "response_format", "invalid_value"},
		{"speech missing voice", "/v1/audio/speech", `{"model":"tts-1","input":"a"}`, "voice", "missing_required_parameter"},
		{"speech empty input", "/v1/audio/speech", `{"model":"tts-1","voice":"alloy","input":""}`, "input", "empty_string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, s, tt.path, tt.body, authHeaders())
			require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
			require.Equal(t, "application/json", r.header.Get("Content-Type"))
			e := r.apiError(t)
			assert.Equal(t, "invalid_request_error", e["type"])
			if tt.param == "" {
				assert.Nil(t, e["param"])
			} else {
				assert.Equal(t, tt.param, e["param"], "message: %s", e["message"])
			}
			if tt.code != "" {
				assert.Equal(t, tt.code, e["code"], "message: %s", e["message"])
			}
			assert.NotEmpty(t, e["message"])
		})
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 3 {
		s := NewServer()
		s.InjectFault(Fault{Path: "/v1/models", Delay: time.Hour, Times: 1})
		go func() { // stuck in the delay until Close
			if res, err := s.Client().Get(s.BaseURL() + "/models"); err == nil {
				res.Body.Close()
			}
		}()
		s.InjectFault(Fault{Path: "/v1/files", Truncate: true, Times: 1})
		s.InjectFault(Fault{Path: "/v1/conversations/conv_x", Reset: true, Times: 1})
		for _, p := range []string{"/v1/files", "/v1/conversations/conv_x", "/v1/files"} {
			if res, err := s.Client().Get(s.BaseURL() + p); err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}
		require.Eventually(t, func() bool { return len(s.Requests()) == 4 }, 5*time.Second, time.Millisecond)
		s.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutines: %d before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

func TestEmptyThreadBody(t *testing.T) {
	s := newTestServer(t, WithLegacyAssistants())
	for _, body := range []string{"", "{}"} {
		r := postJSON(t, s, "/v1/threads", body, betaHeaders())
		m := ok(t, r)
		conformsTo(t, "ThreadObject", r.body)
		assert.Equal(t, map[string]any{}, m["metadata"])
		assert.Equal(t, map[string]any{}, m["tool_resources"])
	}
}
