package openai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	in "github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/ratelimit"
)

const streamKey = "sk-stream-0123456789abcdefghijklmnop"

// streamFrom calls openai_chat_completion with stream = true against a
// server that answers events (each "data: …" block as given) and returns
// the chunks the caller got, the result and the error.
func streamFrom(t *testing.T, events ...string) ([]string, *in.Result, error) {
	t.Helper()
	s := streamCall{events: events}
	res, _, err := s.call(t)
	return s.chunks, res, err
}

// streamCall is a call of openai_chat_completion with stream = true
// against a loopback server that answers header and events, then keeps
// the connection open for as long as hold, sending a comment every 50 ms.
type streamCall struct {
	header  http.Header
	events  []string
	hold    time.Duration
	limiter in.AttemptLimiter
	limits  in.RateLimits
	args    map[string]any

	url      string
	requests atomic.Int64
	chunks   []string
}

// call makes the call (again, when called again) and returns its result,
// call info and error.
func (s *streamCall) call(t *testing.T) (*in.Result, in.CallInfo, error) {
	t.Helper()
	if s.url == "" {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.requests.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			assert.Equal(t, "text/event-stream", r.Header.Get("Accept"))
			maps.Copy(w.Header(), s.header)
			w.Header().Set("Content-Type", "text/event-stream")
			for _, e := range s.events {
				_, _ = io.WriteString(w, e)
				w.(http.Flusher).Flush()
			}
			for end := time.Now().Add(s.hold); time.Now().Before(end) && r.Context().Err() == nil; {
				time.Sleep(50 * time.Millisecond)
				_, _ = io.WriteString(w, ": keep-alive\n\n")
				w.(http.Flusher).Flush()
			}
		}))
		t.Cleanup(srv.Close)
		s.url = srv.URL
	}
	oa := openai.New()
	fn := oa.Function("openai_chat_completion")
	extra := map[string]any{"stream": true}
	maps.Copy(extra, s.args)
	args, err := fn.Validate(chatArgs(extra))
	require.NoError(t, err)
	acct := &in.Account{Name: "default", Key: in.NewSecret(streamKey), BaseURL: s.url, RateLimits: s.limits}
	client := in.NewClient()
	client.Limiter = s.limiter
	s.chunks = nil
	caller := in.Caller{Client: client, OnChunk: func(data []byte) error {
		s.chunks = append(s.chunks, string(data))
		return nil
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	before := s.requests.Load()
	res, info, err := caller.Call(ctx, oa, fn, acct, args)
	assert.LessOrEqual(t, s.requests.Load()-before, int64(1), "a stream is sent once")
	return res, info, err
}

func chunk(content string) string {
	b, _ := json.Marshal(map[string]any{"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-5.1",
		"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": content}, "finish_reason": nil}}})
	return "data: " + string(b) + "\n\n"
}

func TestChatStreamFromTheWire(t *testing.T) {
	t.Run("the key is scrubbed from each chunk and from the result", func(t *testing.T) {
		chunks, res, err := streamFrom(t, chunk("your key is "+streamKey), chunk("."), "data: [DONE]\n\n")
		require.NoError(t, err)
		require.Len(t, chunks, 2)
		assert.NotContains(t, chunks[0], streamKey)
		assert.Contains(t, chunks[0], "your key is sk-")
		assert.NotContains(t, string(res.JSON), streamKey)
	})
	t.Run("an error event ends the call with the API's error", func(t *testing.T) {
		chunks, _, err := streamFrom(t, chunk("Hel"),
			`data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","code":"server_error","param":null}}`+"\n\n")
		var ae *in.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "server_error", ae.Type)
		assert.Equal(t, "server_error", ae.Code)
		assert.Equal(t, "The server had an error while processing your request.", ae.Message)
		assert.False(t, ae.Retryable, "chunks had reached the caller")
		assert.Len(t, chunks, 1)
	})
	t.Run("a chunk that is not JSON", func(t *testing.T) {
		_, _, err := streamFrom(t, chunk("a"), "data: {not json\n\n")
		var ae *in.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "invalid_response", ae.Type)
		assert.Contains(t, ae.Message, "a chunk of the stream is not the JSON expected")
	})
	t.Run("the end without [DONE]", func(t *testing.T) {
		chunks, _, err := streamFrom(t, chunk("a"), chunk("b"))
		var ae *in.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "invalid_response", ae.Type)
		assert.True(t, ae.Retryable)
		assert.Equal(t, "openai_chat_completion (account default): HTTP 200 invalid_response: the stream was cut off after 2 chunks, before data: [DONE]", ae.Error())
		assert.Len(t, chunks, 2)
	})
	t.Run("comments, CRLF and events after [DONE]", func(t *testing.T) {
		chunks, res, err := streamFrom(t, ": keep-alive\r\n\r\n", strings.ReplaceAll(chunk("one"), "\n", "\r\n"), "data: [DONE]\n\n", chunk("late"))
		require.NoError(t, err)
		assert.Len(t, chunks, 1)
		var out struct {
			Choices []struct{ Message struct{ Content string } }
		}
		require.NoError(t, json.Unmarshal(res.JSON, &out))
		assert.Equal(t, "one", out.Choices[0].Message.Content)
	})
}

// TestChatStreamSizeCap: a stream longer than the client's size cap ends
// the call instead of growing without bound.
func TestChatStreamSizeCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; i < 1000 && r.Context().Err() == nil; i++ {
			_, _ = io.WriteString(w, chunk(strings.Repeat("x", 100)))
		}
	}))
	t.Cleanup(srv.Close)
	oa := openai.New()
	fn := oa.Function("openai_chat_completion")
	args, err := fn.Validate(chatArgs(map[string]any{"stream": true}))
	require.NoError(t, err)
	client := in.NewClient()
	client.MaxResponseBytes = 10_000
	_, _, err = client.Invoke(context.Background(), oa, fn, &in.Account{Name: "default", Key: in.NewSecret(streamKey), BaseURL: srv.URL}, args)
	var ae *in.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "invalid_response", ae.Type)
	assert.Contains(t, ae.Message, "the stream was stopped after")
	assert.Contains(t, ae.Message, "response body larger than 10000 bytes")
	assert.False(t, ae.Retryable)
}

// escapedJSON is s as a JSON string literal with every character escaped
// (\u0073\u006b…), as a server may echo it.
func escapedJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		fmt.Fprintf(&b, "\\u%04x", r)
	}
	b.WriteByte('"')
	return b.String()
}

// event is the data line of one event.
func event(data string) string { return "data: " + data + "\n\n" }

func toolChunk(args string) string {
	return event(`{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-5.1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":` +
		strconv.Quote(args) + `}}]},"finish_reason":null}]}`)
}

func finishChunk() string {
	return event(`{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-5.1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`)
}

// delivered reads the chunks a caller got: each decoded and written again
// (so that escapes are gone), and the content and the tool-call arguments
// they deliver, joined.
func deliveredText(t *testing.T, chunks []string) (decoded []string, content, arguments string) {
	t.Helper()
	for _, c := range chunks {
		var v any
		require.NoError(t, json.Unmarshal([]byte(c), &v), c)
		plain, err := json.Marshal(v)
		require.NoError(t, err)
		decoded = append(decoded, string(plain))
		var ch struct {
			Choices []struct {
				Delta struct {
					Content   string
					ToolCalls []struct{ Function struct{ Arguments string } } `json:"tool_calls"`
				}
			}
		}
		require.NoError(t, json.Unmarshal([]byte(c), &ch))
		for _, choice := range ch.Choices {
			content += choice.Delta.Content
			for _, tc := range choice.Delta.ToolCalls {
				arguments += tc.Function.Arguments
			}
		}
	}
	return decoded, content, arguments
}

// TestChatStreamKeepsTheKeyOutOfChunks: no chunk a caller gets holds the
// key, however the server spells or splits it, and text that only looks
// like the key's start arrives whole.
func TestChatStreamKeepsTheKeyOutOfChunks(t *testing.T) {
	done := "data: [DONE]\n\n"
	k := streamKey
	tests := []struct {
		name                string
		events              []string
		content, arguments  string // what the chunks deliver, joined; "" for the key's cases
		wantContentRedacted bool
	}{
		{name: "the key JSON-escaped in one chunk", wantContentRedacted: true,
			events: []string{event(`{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-5.1","choices":[{"index":0,"delta":{"content":` + escapedJSON(k) + `},"finish_reason":null}]}`), done}},
		{name: "the key split across two chunks", wantContentRedacted: true,
			events: []string{chunk("your key is " + k[:10]), chunk(k[10:] + "."), done}},
		{name: "the key split across four chunks, then the finish", wantContentRedacted: true,
			events: []string{chunk("a " + k[:3]), chunk(k[3:8]), chunk(k[8:20]), chunk(k[20:]), finishChunk(), done}},
		{name: "the key split across the tool call's arguments",
			events: []string{toolChunk(`{"key":"` + k[:12]), toolChunk(k[12:] + `"}`), finishChunk(), done}},
		{name: "a start of the key that goes on otherwise arrives whole", content: "it is sk-stream-0 and more",
			events: []string{chunk("it is " + k[:5]), chunk(k[5:11]), chunk(" and more"), done}},
		{name: "a start of the key at the stream's end arrives with the finish", content: "ends with " + k[:9],
			events: []string{chunk("ends with " + k[:9]), finishChunk(), done}},
		{name: "a start of the key at the end of a stream without finish arrives at [DONE]", content: "ends with " + k[:9],
			events: []string{chunk("ends with " + k[:9]), done}},
		{name: "arguments that start like the key arrive whole", arguments: `{"a":"sk-str"}`,
			events: []string{toolChunk(`{"a":"sk-str`), toolChunk(`"}`), finishChunk(), done}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks, res, err := streamFrom(t, tt.events...)
			require.NoError(t, err)
			decoded, content, arguments := deliveredText(t, chunks)
			for _, c := range decoded {
				assert.NotContains(t, c, k)
			}
			assert.NotContains(t, content, k)
			assert.NotContains(t, arguments, k)
			assert.NotContains(t, string(res.JSON), k)
			assert.NotContains(t, string(res.JSON), `\u`)
			if tt.wantContentRedacted {
				assert.Contains(t, content, in.NewSecret(k).Redacted())
			}
			if tt.content != "" {
				assert.Equal(t, tt.content, content, "nothing is lost")
				assert.Contains(t, string(res.JSON), strconv.Quote(tt.content))
			}
			if tt.arguments != "" {
				assert.Equal(t, tt.arguments, arguments, "nothing is lost")
			}
		})
	}
}

// TestChatStreamDeliversOrdinaryChunksAsTheyCame: a chunk whose text
// does not end like the key's start reaches the caller byte for byte.
func TestChatStreamDeliversOrdinaryChunksAsTheyCame(t *testing.T) {
	events := []string{chunk("Hello"), chunk(", world"), finishChunk()}
	chunks, _, err := streamFrom(t, append(events, "data: [DONE]\n\n")...)
	require.NoError(t, err)
	require.Len(t, chunks, 3)
	for i, e := range events {
		assert.Equal(t, strings.TrimSuffix(strings.TrimPrefix(e, "data: "), "\n\n"), chunks[i])
	}
}

// TestChatStreamErrorEventIsScrubbed: the key echoed in an error event's
// type, code, param or message reaches no field of the error.
func TestChatStreamErrorEventIsScrubbed(t *testing.T) {
	_, _, err := streamFrom(t, chunk("Hel"), event(`{"error":{"message":"bad key `+streamKey+`","type":"t_`+streamKey+
		`","code":"c_`+streamKey+`","param":"p_`+streamKey+`"}}`))
	var ae *in.APIError
	require.ErrorAs(t, err, &ae)
	redacted := in.NewSecret(streamKey).Redacted()
	assert.Equal(t, "t_"+redacted, ae.Type)
	assert.Equal(t, "c_"+redacted, ae.Code)
	assert.Equal(t, "p_"+redacted, ae.Param)
	assert.Equal(t, "bad key "+redacted, ae.Message)
	assert.NotContains(t, ae.Error(), streamKey)
	out, jerr := json.Marshal(ae)
	require.NoError(t, jerr)
	assert.NotContains(t, string(out), streamKey)
}

// TestChatStreamCorrectsTheTokenBudget: the usage of a stream's last
// chunk (stream_options.include_usage) replaces the estimate charged to
// the tokens budget, as a non-streamed answer's usage does.
func TestChatStreamCorrectsTheTokenBudget(t *testing.T) {
	lim := ratelimit.New(ratelimit.NewMemory())
	s := streamCall{limiter: lim, limits: in.RateLimits{TPM: 1_000_000},
		args: map[string]any{"stream_options": map[string]any{"include_usage": true}},
		events: []string{chunk("Hi"), finishChunk(),
			event(`{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-5.1","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}`),
			"data: [DONE]\n\n"}}
	res, _, err := s.call(t)
	require.NoError(t, err)
	assert.Contains(t, string(res.JSON), `"total_tokens":12`)
	st := lim.Stats()
	assert.Positive(t, st.Estimated)
	assert.Equal(t, int64(12), st.Used)
}

// TestChatStreamStoppedStillReportsTheAnswer: a stream that stops with an
// error event still tells the call's log its request id and the limiter
// its x-ratelimit-* headers: the budget spent pauses the next call.
func TestChatStreamStoppedStillReportsTheAnswer(t *testing.T) {
	lim := ratelimit.New(ratelimit.NewMemory())
	lim.MaxWait = time.Second
	s := streamCall{limiter: lim, limits: in.RateLimits{RPM: 1000},
		header: http.Header{"X-Request-Id": {"req_stream_1"}, "X-Ratelimit-Remaining-Requests": {"0"}, "X-Ratelimit-Reset-Requests": {"50s"}},
		events: []string{chunk("Hel"), event(`{"error":{"message":"overloaded","type":"server_error","code":null,"param":null}}`)}}
	_, info, err := s.call(t)
	var ae *in.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "server_error", ae.Type)
	assert.Equal(t, "req_stream_1", ae.RequestID)
	assert.Equal(t, "req_stream_1", info.RequestID)
	require.Len(t, info.Requests, 1)
	assert.Equal(t, "req_stream_1", info.Requests[0].RequestID)

	_, _, err = s.call(t)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, in.TypeRateLimited, ae.Type, "the budget the answer said was spent waits for its reset")
	assert.Equal(t, int64(1), s.requests.Load())
}

// TestChatStreamEndsAtDone: a server that keeps the connection open after
// data: [DONE] does not hold the call.
func TestChatStreamEndsAtDone(t *testing.T) {
	s := streamCall{events: []string{chunk("Hi"), finishChunk(), "data: [DONE]\n\n"}, hold: time.Minute}
	start := time.Now()
	res, _, err := s.call(t)
	require.NoError(t, err)
	assert.Contains(t, string(res.JSON), `"content":"Hi"`)
	assert.Less(t, time.Since(start), 10*time.Second)
}
