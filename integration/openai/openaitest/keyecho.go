package openaitest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
)

// KeyEchoStream is the start of a chat completion stream from a server
// that echoes key back: JSON-escaped (\u0073\u006b…) in the first chunk's
// content, then split across the next two after sep (the split falls
// after the key's twelfth character). A stream goes on with data: [DONE]
// or KeyEchoError.
func KeyEchoStream(key, sep string) []string {
	var escaped strings.Builder
	for _, r := range key {
		fmt.Fprintf(&escaped, `\u%04x`, r)
	}
	chunk := func(content string) string {
		return `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-5.1","choices":[{"index":0,"delta":{"content":"` +
			content + `"},"finish_reason":null}]}` + "\n\n"
	}
	return []string{chunk(escaped.String()), chunk(sep + key[:12]), chunk(key[12:])}
}

// KeyEchoError is an error event of a stream with key in its message,
// type, code and param.
func KeyEchoError(key string) string {
	return `data: {"error":{"message":"m ` + key + `","type":"t` + key + `","code":"c` + key + `","param":"p` + key + `"}}` + "\n\n"
}

// EventServer answers every request with events (each a whole
// server-sent event, "data: …\n\n"), as a text/event-stream.
func EventServer(events ...string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		for _, e := range events {
			_, _ = io.WriteString(w, e)
			w.(http.Flusher).Flush()
		}
	}))
}
