package openai_test

import (
	"context"
	"encoding/base64"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// These tests check what the official spec cannot: the exact headers of
// each request (OpenAI-Beta above all), multipart bodies byte for byte,
// query strings, escaped path ids and exact JSON bodies, as the fake
// recorded them.

// sent is one call: it validates raw as a script's arguments would be,
// invokes fn against a fresh fake and returns the one request the fake
// received. The call's own outcome does not matter here (ids may be
// unknown to the fake). The assistants functions are called through an
// account with assistants: native, against a fake that serves Assistants
// v2: these are the requests of that backend (today's API has its own
// tests below and in testdata/lua/assistants_test.lua).
func sent(t *testing.T, acct integration.Account, fn string, raw map[string]any) openaitest.Request {
	t.Helper()
	var opts []openaitest.Option
	if slices.Contains(assistantsAPI, fn) {
		opts = append(opts, openaitest.WithLegacyAssistants())
		acct.Settings = map[string]string{openai.SettingAssistants: openai.AssistantsNative}
	}
	srv := openaitest.NewServer(opts...)
	t.Cleanup(srv.Close)
	in := openai.New()
	f := function(t, in, fn)
	args, err := f.Validate(raw)
	require.NoError(t, err)
	acct.Key = integration.NewSecret(openaitest.DefaultAPIKey)
	acct.BaseURL = srv.BaseURL()
	client := integration.NewClient()
	client.MaxRetries = -1
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _, _ = client.Invoke(ctx, in, f, &acct, args)
	reqs := srv.Requests()
	require.Len(t, reqs, 1, "one call, one request")
	return reqs[0]
}

func function(t *testing.T, in *integration.Integration, name string) *integration.Function {
	t.Helper()
	i := slices.IndexFunc(in.Functions, func(f *integration.Function) bool { return f.Name == name })
	require.GreaterOrEqual(t, i, 0, "no function %s", name)
	return in.Functions[i]
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// minimalCalls are valid arguments for each of the 15 functions.
func minimalCalls() map[string]map[string]any {
	hello := []any{map[string]any{"role": "user", "content": "Hi"}}
	return map[string]map[string]any{
		"openai_chat_completion":       {"model": "gpt-4o", "messages": hello},
		"openai_create_embedding":      {"model": "text-embedding-3-small", "input": "Hi"},
		"openai_create_image":          {"prompt": "A red circle"},
		"openai_transcribe_audio":      {"file_content": b64("RIFF"), "filename": "a.wav", "model": "whisper-1"},
		"openai_text_to_speech":        {"model": "tts-1", "input": "Hi", "voice": "alloy"},
		"openai_create_assistant":      {"model": "gpt-4o"},
		"openai_list_assistants":       {},
		"openai_create_thread":         {},
		"openai_add_message_to_thread": {"thread_id": "thread_1", "role": "user", "content": "Hi"},
		"openai_list_thread_messages":  {"thread_id": "thread_1"},
		"openai_create_run":            {"thread_id": "thread_1", "assistant_id": "asst_1"},
		"openai_get_run":               {"thread_id": "thread_1", "run_id": "run_1"},
		"openai_upload_file":           {"file_content": b64("x"), "filename": "a.txt", "purpose": "assistants"},
		"openai_list_files":            {},
		"openai_list_models":           {},
	}
}

// assistantsAPI are the seven functions that must send OpenAI-Beta.
var assistantsAPI = []string{
	"openai_create_assistant", "openai_list_assistants", "openai_create_thread", "openai_add_message_to_thread",
	"openai_list_thread_messages", "openai_create_run", "openai_get_run",
}

func TestRequestHeaders(t *testing.T) {
	type want struct {
		method, path, contentType, accept string
	}
	rows := map[string]want{
		"openai_chat_completion":       {"POST", "/v1/chat/completions", "application/json", "application/json"},
		"openai_create_embedding":      {"POST", "/v1/embeddings", "application/json", "application/json"},
		"openai_create_image":          {"POST", "/v1/images/generations", "application/json", "application/json"},
		"openai_transcribe_audio":      {"POST", "/v1/audio/transcriptions", "multipart/form-data", "application/json"},
		"openai_text_to_speech":        {"POST", "/v1/audio/speech", "application/json", "application/octet-stream"},
		"openai_create_assistant":      {"POST", "/v1/assistants", "application/json", "application/json"},
		"openai_list_assistants":       {"GET", "/v1/assistants", "", "application/json"},
		"openai_create_thread":         {"POST", "/v1/threads", "application/json", "application/json"},
		"openai_add_message_to_thread": {"POST", "/v1/threads/thread_1/messages", "application/json", "application/json"},
		"openai_list_thread_messages":  {"GET", "/v1/threads/thread_1/messages", "", "application/json"},
		"openai_create_run":            {"POST", "/v1/threads/thread_1/runs", "application/json", "application/json"},
		"openai_get_run":               {"GET", "/v1/threads/thread_1/runs/run_1", "", "application/json"},
		"openai_upload_file":           {"POST", "/v1/files", "multipart/form-data", "application/json"},
		"openai_list_files":            {"GET", "/v1/files", "", "application/json"},
		"openai_list_models":           {"GET", "/v1/models", "", "application/json"},
	}
	accounts := []struct {
		name string
		acct integration.Account
	}{
		{"plain account", integration.Account{Name: "plain"}},
		{"organization and project", integration.Account{Name: "work", Organization: "org-123", Project: "proj_abc"}},
	}
	in := openai.New()
	require.Len(t, in.Functions, len(rows), "a row per function")
	for _, fn := range in.Functions {
		w, ok := rows[fn.Name]
		require.True(t, ok, "no row for %s", fn.Name)
		for _, a := range accounts {
			t.Run(fn.Name+"/"+a.name, func(t *testing.T) {
				r := sent(t, a.acct, fn.Name, minimalCalls()[fn.Name])
				assert.Equal(t, w.method, r.Method)
				assert.Equal(t, w.path, r.Path)

				// Exactly these headers, with these values.
				wantHeaders := map[string]string{
					"Authorization":   "Bearer " + openaitest.DefaultAPIKey,
					"User-Agent":      "kosmo",
					"Accept-Encoding": "gzip",
				}
				if slices.Contains(assistantsAPI, fn.Name) {
					wantHeaders["Openai-Beta"] = "assistants=v2"
				}
				if a.acct.Organization != "" {
					wantHeaders["Openai-Organization"] = a.acct.Organization
					wantHeaders["Openai-Project"] = a.acct.Project
				}
				if w.method == http.MethodPost {
					wantHeaders["Content-Length"] = strconv.Itoa(len(r.Body))
				}
				var names []string
				for k := range r.Header {
					names = append(names, k)
				}
				sort.Strings(names)
				wantNames := []string{"Accept"}
				if w.contentType != "" {
					wantNames = append(wantNames, "Content-Type")
				}
				for k := range wantHeaders {
					wantNames = append(wantNames, k)
				}
				sort.Strings(wantNames)
				assert.Equal(t, wantNames, names, "the request's header names")
				for k, v := range wantHeaders {
					assert.Equal(t, []string{v}, r.Header.Values(k), k)
				}
				if w.contentType != "" {
					mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
					require.NoError(t, err)
					assert.Equal(t, w.contentType, mt)
					if mt == "multipart/form-data" {
						assert.NotEmpty(t, params["boundary"])
					} else {
						assert.Empty(t, params, "no charset or other parameters")
					}
				}

				assert.Equal(t, []string{w.accept}, r.Header.Values("Accept"))
			})
		}
	}
}

// multipartBody writes the body kosmo must send, by hand: the file part
// first, with its filename and media type, then the fields in order.
func multipartBody(boundary, filename, fileType string, content []byte, fields ...[2]string) []byte {
	var b strings.Builder
	b.WriteString("--" + boundary + "\r\n")
	b.WriteString(`Content-Disposition: form-data; name="file"; filename="` + filename + "\"\r\n")
	b.WriteString("Content-Type: " + fileType + "\r\n\r\n")
	b.Write(content)
	b.WriteString("\r\n")
	for _, f := range fields {
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString(`Content-Disposition: form-data; name="` + f[0] + "\"\r\n\r\n")
		b.WriteString(f[1] + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return []byte(b.String())
}

func TestMultipartBodies(t *testing.T) {
	var binary []byte
	for i := 0; i < 256; i++ {
		binary = append(binary, byte(i))
	}
	binary = append(binary, "\r\n--not-a-boundary\r\n"...)
	tests := []struct {
		name, fn string
		args     map[string]any
		// the expected file part and fields
		filename, fileType string
		content            []byte
		fields             [][2]string
	}{
		{
			name: "transcription with every parameter", fn: "openai_transcribe_audio",
			args: map[string]any{"file_content": base64.StdEncoding.EncodeToString(binary), "filename": "speech.wav",
				"model": "whisper-1", "language": "en", "response_format": "verbose_json"},
			filename: "speech.wav", fileType: "audio/wav", content: binary,
			fields: [][2]string{{"model", "whisper-1"}, {"language", "en"}, {"response_format", "verbose_json"}},
		},
		{
			name: "transcription with the required parameters", fn: "openai_transcribe_audio",
			args:     map[string]any{"file_content": b64("ID3 mp3 bytes"), "filename": "Voice Memo.MP3", "model": "gpt-4o-transcribe"},
			filename: "Voice Memo.MP3", fileType: "audio/mpeg", content: []byte("ID3 mp3 bytes"),
			fields: [][2]string{{"model", "gpt-4o-transcribe"}},
		},
		{
			name: "upload", fn: "openai_upload_file",
			args:     map[string]any{"file_content": base64.StdEncoding.EncodeToString(binary), "filename": "data.jsonl", "purpose": "batch"},
			filename: "data.jsonl", fileType: "application/jsonl", content: binary,
			fields: [][2]string{{"purpose", "batch"}},
		},
		{
			name: "upload of an unknown type, filename with quotes and a backslash", fn: "openai_upload_file",
			args:     map[string]any{"file_content": b64("x"), "filename": `my "notes"\v2.bin`, "purpose": "assistants"},
			filename: `my \"notes\"\\v2.bin`, fileType: "application/octet-stream", content: []byte("x"),
			fields: [][2]string{{"purpose", "assistants"}},
		},
		{
			name: "upload, filename with a line break", fn: "openai_upload_file",
			args:     map[string]any{"file_content": b64("x"), "filename": "a\r\nb.txt", "purpose": "user_data"},
			filename: "a%0D%0Ab.txt", fileType: "text/plain", content: []byte("x"),
			fields: [][2]string{{"purpose", "user_data"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sent(t, integration.Account{Name: "t"}, tt.fn, tt.args)
			mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			require.NoError(t, err)
			require.Equal(t, "multipart/form-data", mt)
			boundary := params["boundary"]
			require.NotEmpty(t, boundary)
			want := multipartBody(boundary, tt.filename, tt.fileType, tt.content, tt.fields...)
			assert.Equal(t, string(want), string(r.Body), "the multipart body, byte for byte")
			assert.Equal(t, []string{strconv.Itoa(len(want))}, r.Header.Values("Content-Length"))
		})
	}
}

func TestQueryStrings(t *testing.T) {
	tests := []struct {
		fn        string
		args      map[string]any
		path, raw string
	}{
		{"openai_list_assistants", map[string]any{}, "/v1/assistants", ""},
		{"openai_list_assistants", map[string]any{"limit": float64(5)}, "/v1/assistants", "limit=5"},
		{"openai_list_assistants", map[string]any{"limit": float64(100)}, "/v1/assistants", "limit=100"},
		{"openai_list_thread_messages", map[string]any{"thread_id": "thread_1", "limit": float64(1)}, "/v1/threads/thread_1/messages", "limit=1"},
		{"openai_list_files", map[string]any{}, "/v1/files", ""},
		{"openai_list_files", map[string]any{"purpose": "fine-tune"}, "/v1/files", "purpose=fine-tune"},
		{"openai_list_files", map[string]any{"purpose": "assistants", "limit": float64(10000)}, "/v1/files", "limit=10000&purpose=assistants"},
		{"openai_list_models", map[string]any{}, "/v1/models", ""},
		{"openai_get_run", map[string]any{"thread_id": "thread_1", "run_id": "run_1"}, "/v1/threads/thread_1/runs/run_1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.fn+"?"+tt.raw, func(t *testing.T) {
			r := sent(t, integration.Account{Name: "t"}, tt.fn, tt.args)
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, tt.path, r.Path)
			assert.Equal(t, tt.raw, r.RawQuery)
			assert.Empty(t, r.Body, "a GET has no body")
		})
	}
}

func TestEscapedPathIDs(t *testing.T) {
	tests := []struct {
		fn   string
		args map[string]any
		path string
	}{
		{"openai_add_message_to_thread", map[string]any{"thread_id": "thread/../x y?#", "role": "user", "content": "Hi"},
			"/v1/threads/thread%2F..%2Fx%20y%3F%23/messages"},
		{"openai_list_thread_messages", map[string]any{"thread_id": "a%2Fb"}, "/v1/threads/a%252Fb/messages"},
		{"openai_create_run", map[string]any{"thread_id": "thread é", "assistant_id": "asst_1"}, "/v1/threads/thread%20%C3%A9/runs"},
		{"openai_get_run", map[string]any{"thread_id": "t/1", "run_id": "r?1"}, "/v1/threads/t%2F1/runs/r%3F1"},
	}
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			r := sent(t, integration.Account{Name: "t"}, tt.fn, tt.args)
			assert.Equal(t, tt.path, r.Path)
			assert.Empty(t, r.RawQuery, "an id never leaks into the query")
		})
	}
}

func TestJSONBodies(t *testing.T) {
	tests := []struct {
		name, fn string
		args     map[string]any
		body     string
	}{
		{"empty thread", "openai_create_thread", map[string]any{}, `{}`},
		{"message: the thread id stays in the path", "openai_add_message_to_thread",
			map[string]any{"thread_id": "thread_1", "role": "user", "content": "Hi"}, `{"content":"Hi","role":"user"}`},
		{"run: the thread id stays in the path", "openai_create_run",
			map[string]any{"thread_id": "thread_1", "assistant_id": "asst_1", "instructions": "Be brief."},
			`{"assistant_id":"asst_1","instructions":"Be brief."}`},
		{"integers are sent as integers", "openai_create_image",
			map[string]any{"prompt": "A", "n": float64(2)}, `{"model":"gpt-image-2","n":2,"prompt":"A"}`},
		{"assistant tools as an array of objects", "openai_create_assistant",
			map[string]any{"model": "gpt-4o", "tools": []any{map[string]any{"type": "code_interpreter"}}},
			`{"model":"gpt-4o","tools":[{"type":"code_interpreter"}]}`},
		{"speech", "openai_text_to_speech",
			map[string]any{"model": "tts-1", "input": "Hi", "voice": "alloy", "speed": 1.5, "response_format": "wav"},
			`{"input":"Hi","model":"tts-1","response_format":"wav","speed":1.5,"voice":"alloy"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sent(t, integration.Account{Name: "t"}, tt.fn, tt.args)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, tt.body, string(r.Body))
		})
	}
}
