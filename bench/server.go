// Package bench measures kosmo against the ways a Go program would call
// OpenAI without it: net/http with encoding/json, and the official SDK
// (github.com/openai/openai-go); and, through the MCP gateway, a script run
// by execute_lua against the flat tool making the same call. It is a module
// of its own so that the SDK never enters kosmo's build. run.sh runs every
// benchmark and prints the table of ratios that docs/benchmarks.md records.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// APIKey is the key every client in the benchmarks sends.
const APIKey = "sk-bench-0000000000000000"

// ChatResponse is a realistic chat completion of about 1 KB, as the API
// sends it (fields in the API's order, null where it sends null).
const ChatResponse = `{
  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
  "object": "chat.completion",
  "created": 1741569952,
  "model": "gpt-4o-2024-08-06",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "Quantum computing uses qubits, which can hold a superposition of 0 and 1 and become entangled with one another, so that a quantum algorithm can work on many possibilities at once and, for problems such as factoring or simulating molecules, reach answers far faster than any classical computer could.",
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 26,
    "completion_tokens": 58,
    "total_tokens": 84,
    "prompt_tokens_details": {
      "cached_tokens": 0,
      "audio_tokens": 0
    },
    "completion_tokens_details": {
      "reasoning_tokens": 0,
      "audio_tokens": 0,
      "accepted_prediction_tokens": 0,
      "rejected_prediction_tokens": 0
    }
  },
  "service_tier": "default",
  "system_fingerprint": "fp_f9f4fb6dbf"
}
`

// EmbeddingModel and EmbeddingInputs are the embeddings workload: 100
// inputs of text-embedding-3-small, 1,536 dimensions each.
const EmbeddingModel = "text-embedding-3-small"

// EmbeddingInputs returns the workload's 100 inputs.
func EmbeddingInputs() []string {
	in := make([]string, 100)
	for i := range in {
		in[i] = fmt.Sprintf("document %d: a paragraph about vectors, search and the lazy dog", i)
	}
	return in
}

// Responses are the canned answers a Server gives: the fake's own answers
// to the workload, recorded once, so that the server costs almost nothing
// and every client reads the very same bytes.
type Responses struct {
	Chat            []byte
	EmbeddingFloat  []byte // encoding_format "float"
	EmbeddingBase64 []byte // encoding_format "base64"
}

// Record asks the openaitest fake for the workload's embeddings in both
// formats.
func Record(ctx context.Context) (*Responses, error) {
	srv := openaitest.NewServer()
	defer srv.Close()
	r := &Responses{Chat: []byte(ChatResponse)}
	for _, f := range []struct {
		format string
		dst    *[]byte
	}{{"float", &r.EmbeddingFloat}, {"base64", &r.EmbeddingBase64}} {
		body, err := json.Marshal(map[string]any{"model": EmbeddingModel, "input": EmbeddingInputs(), "encoding_format": f.format})
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.BaseURL()+"/embeddings", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+openaitest.DefaultAPIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("recording embeddings: %d %s", resp.StatusCode, data)
		}
		*f.dst = data
	}
	return r, nil
}

// Server serves canned answers on a loopback port: /v1/chat/completions
// and /v1/embeddings (in the format the request asks for, unless
// FloatsOnly, which answers floats whatever was asked, as some
// OpenAI-compatible servers do).
type Server struct {
	URL        string // base URL, ending in /v1
	FloatsOnly bool

	responses *Responses
	srv       *http.Server
	done      chan struct{}
}

// NewServer starts a Server; Close stops it.
func NewServer(r *Responses, floatsOnly bool) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + l.Addr().String() + "/v1", FloatsOnly: floatsOnly, responses: r, done: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("POST /v1/embeddings", s.embeddings)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(l)
	}()
	return s, nil
}

// Close stops the server and waits for it.
func (s *Server) Close() {
	_ = s.srv.Close()
	<-s.done
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		return
	}
	reply(w, s.responses.Chat)
}

func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var req struct {
		EncodingFormat string `json:"encoding_format"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if req.EncodingFormat == "base64" && !s.FloatsOnly {
		reply(w, s.responses.EmbeddingBase64)
		return
	}
	reply(w, s.responses.EmbeddingFloat)
}

func reply(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("x-request-id", "req_bench")
	_, _ = w.Write(body)
}

// NewHTTPClient returns the HTTP client every contender gets: its own
// connection pool, with the default transport's settings.
func NewHTTPClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}
