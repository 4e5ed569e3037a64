package openai_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	in "github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
)

const streamKey = "sk-stream-0123456789abcdefghijklmnop"

// streamFrom calls openai_chat_completion with stream = true against a
// server that answers events (each "data: …" block as given) and returns
// the chunks the caller got, the result and the error.
func streamFrom(t *testing.T, events ...string) ([]string, *in.Result, error) {
	t.Helper()
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		_, _ = io.Copy(io.Discard, r.Body)
		assert.Equal(t, "text/event-stream", r.Header.Get("Accept"))
		w.Header().Set("Content-Type", "text/event-stream")
		for _, e := range events {
			_, _ = io.WriteString(w, e)
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(srv.Close)
	oa := openai.New()
	fn := oa.Function("openai_chat_completion")
	args, err := fn.Validate(chatArgs(map[string]any{"stream": true}))
	require.NoError(t, err)
	acct := &in.Account{Name: "default", Key: in.NewSecret(streamKey), BaseURL: srv.URL}
	var chunks []string
	caller := in.Caller{Client: in.NewClient(), OnChunk: func(data []byte) error {
		chunks = append(chunks, string(data))
		return nil
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, _, err := caller.Call(ctx, oa, fn, acct, args)
	assert.Equal(t, 1, requests, "a stream is sent once")
	return chunks, res, err
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
