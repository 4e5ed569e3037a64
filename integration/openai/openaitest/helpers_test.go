package openaitest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// newTestServer starts a fake closed at the end of the test.
func newTestServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value, keeping numbers exact.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&m), "body: %s", r.body)
	return m
}

// apiError returns the error object of an OpenAI error body.
func (r response) apiError(t *testing.T) map[string]any {
	t.Helper()
	m := r.json(t)
	require.Contains(t, m, "error")
	e, ok := m["error"].(map[string]any)
	require.True(t, ok, "error must be an object: %s", r.body)
	for _, k := range []string{"message", "type", "param", "code"} {
		require.Contains(t, e, k, "error body lacks %q: %s", k, r.body)
	}
	return e
}

type header map[string]string

// authHeaders are what every authorized request sends.
func authHeaders() header {
	return header{"Authorization": "Bearer " + DefaultAPIKey}
}

func betaHeaders() header {
	h := authHeaders()
	h["OpenAI-Beta"] = "assistants=v2"
	return h
}

// call sends one request to the server and reads the whole answer.
func call(t *testing.T, s *Server, method, path string, body io.Reader, hdr header) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, body)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := s.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// postJSON sends v (a string is sent as is) as a JSON body.
func postJSON(t *testing.T, s *Server, path string, v any, hdr header) response {
	t.Helper()
	var b []byte
	if str, ok := v.(string); ok {
		b = []byte(str)
	} else {
		var err error
		b, err = json.Marshal(v)
		require.NoError(t, err)
	}
	h := header{"Content-Type": "application/json"}
	for k, v := range hdr {
		h[k] = v
	}
	return call(t, s, http.MethodPost, path, bytes.NewReader(b), h)
}

// ok requires a 200 JSON answer and returns it decoded.
func ok(t *testing.T, r response) map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(r.header.Get("x-request-id"), "req_"))
	return r.json(t)
}

// formPart is one part of a multipart body: a field, or a file if filename
// is set.
type formPart struct {
	name, filename string
	data           []byte
}

func field(name, value string) formPart { return formPart{name: name, data: []byte(value)} }

// postForm sends a multipart/form-data body.
func postForm(t *testing.T, s *Server, path string, parts []formPart, hdr header) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			w, err = mw.CreateFormFile(p.name, p.filename)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		require.NoError(t, err)
		_, err = w.Write(p.data)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	h := header{"Content-Type": mw.FormDataContentType()}
	for k, v := range hdr {
		h[k] = v
	}
	return call(t, s, http.MethodPost, path, &buf, h)
}

// requireKeys checks that an object has every key.
func requireKeys(t *testing.T, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		require.Contains(t, m, k, "object lacks %q: %v", k, m)
	}
}

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "expected an object, got %T", v)
	return m
}

func arr(t *testing.T, v any) []any {
	t.Helper()
	a, ok := v.([]any)
	require.True(t, ok, "expected an array, got %T", v)
	return a
}

func num(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	require.True(t, ok, "expected a number, got %T", v)
	i, err := n.Int64()
	require.NoError(t, err)
	return i
}

// speechDay is a day the speech models are still served: OpenAI shuts
// tts-1, tts-1-hd and gpt-4o-mini-tts down on 2027-01-06, after which
// /v1/audio/speech serves no model. The tests of speech, and of
// transcriptions whose audio speech makes, run on it.
const speechDay = "2027-01-05"

// newSpeechServer is newTestServer on speechDay.
func newSpeechServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	return newTestServer(t, append([]Option{WithDate(speechDay)}, opts...)...)
}
