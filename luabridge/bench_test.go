package luabridge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// fakeResponse posts body to the fake's path and returns the answer's body.
func fakeResponse(tb testing.TB, path string, body any) []byte {
	tb.Helper()
	srv := openaitest.NewServer()
	defer srv.Close()
	data, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.BaseURL()+path, bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+openaitest.DefaultAPIKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("OpenAI-Beta", "assistants=v2")
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s: %d %v %s", path, resp.StatusCode, err, out)
	}
	return out
}

// embeddingInputs are the benchmarks' 100 inputs.
func embeddingInputs() []string {
	in := make([]string, 100)
	for i := range in {
		in[i] = fmt.Sprintf("document %d: a paragraph about vectors, search and the lazy dog", i)
	}
	return in
}

// embeddingJSON is the fake's float-format answer for 100 inputs of
// text-embedding-3-small: 153,600 float32 values printed shortest.
func embeddingJSON(tb testing.TB) []byte {
	return fakeResponse(tb, "/embeddings", map[string]any{"model": "text-embedding-3-small", "input": embeddingInputs()})
}

func chatJSON(tb testing.TB) []byte {
	return fakeResponse(tb, "/chat/completions", map[string]any{"model": "gpt-4o", "max_tokens": 200,
		"messages": []any{map[string]any{"role": "user", "content": "Explain quantum computing in one paragraph."}}})
}

// tokenizeJSON walks every token of data, checking JSON's grammar, and
// builds nothing: the floor for any decoder of the same bytes. It uses the
// decoder's string scanner and a number scanner that checks the grammar
// without gathering digits.
func tokenizeJSON(data []byte) (tokens int, ok bool) {
	i := 0
	space := func() {
		for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
			i++
		}
	}
	digits := func() int {
		start := i
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		return i - start
	}
	var stack []byte
	expectValue := true
	for {
		space()
		if i >= len(data) {
			return tokens, len(stack) == 0 && !expectValue
		}
		c := data[i]
		tokens++
		switch {
		case c == '{' || c == '[':
			stack = append(stack, c)
			i++
			expectValue = true
			continue
		case c == '}' || c == ']':
			if len(stack) == 0 {
				return tokens, false
			}
			stack = stack[:len(stack)-1]
			i++
			expectValue = false
			continue
		case c == ',' || c == ':':
			i++
			expectValue = true
			continue
		case c == '"':
			body, _, ok := scanJSONString(data, i)
			if !ok {
				return tokens, false
			}
			i += len(body) + 2
		case c == '-' || ('0' <= c && c <= '9'):
			if c == '-' {
				i++
			}
			if i < len(data) && data[i] == '0' {
				i++
			} else if digits() == 0 {
				return tokens, false
			}
			if i < len(data) && data[i] == '.' {
				i++
				if digits() == 0 {
					return tokens, false
				}
			}
			if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
				i++
				if i < len(data) && (data[i] == '+' || data[i] == '-') {
					i++
				}
				if digits() == 0 {
					return tokens, false
				}
			}
		case c == 't' && bytes.HasPrefix(data[i:], []byte("true")):
			i += 4
		case c == 'f' && bytes.HasPrefix(data[i:], []byte("false")):
			i += 5
		case c == 'n' && bytes.HasPrefix(data[i:], []byte("null")):
			i += 4
		default:
			return tokens, false
		}
		expectValue = false
	}
}

// BenchmarkDecode compares, on the same bytes, the one-pass decoder with
// the path it replaced (json.Unmarshal into an any, then toLua), with
// merely tokenizing the bytes, and with encoding/json's validity check.
func BenchmarkDecode(b *testing.B) {
	docs := []struct {
		name string
		data []byte
	}{
		{"embeddings-100x1536", embeddingJSON(b)},
		{"chat", chatJSON(b)},
	}
	for _, doc := range docs {
		L, null := newTestState(b)
		b.Run(doc.name+"/tokenize", func(b *testing.B) {
			b.SetBytes(int64(len(doc.data)))
			for b.Loop() {
				if _, ok := tokenizeJSON(doc.data); !ok {
					b.Fatal("not valid")
				}
			}
		})
		b.Run(doc.name+"/json.Valid", func(b *testing.B) {
			b.SetBytes(int64(len(doc.data)))
			for b.Loop() {
				if !json.Valid(doc.data) {
					b.Fatal("not valid")
				}
			}
		})
		b.Run(doc.name+"/kosmo", func(b *testing.B) {
			b.SetBytes(int64(len(doc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeJSON(L, doc.data, null); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(doc.name+"/unmarshal+toLua", func(b *testing.B) {
			b.SetBytes(int64(len(doc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := referenceDecode(L, doc.data, null); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewVM is the start-up of a sandboxed VM with the whole app
// namespace, for one and for twenty accounts (with a script that touches
// nothing, as most start-ups go).
func BenchmarkNewVM(b *testing.B) {
	ins := []*integration.Integration{openai.New()}
	library := docs.New(ins...)
	client := integration.NewClient()
	for _, n := range []int{1, 20} {
		set := &accounts.Set{Default: "a0"}
		for i := range n {
			set.Accounts = append(set.Accounts, &integration.Account{Name: fmt.Sprintf("a%d", i), Key: integration.NewSecret("sk-test"), BaseURL: "http://127.0.0.1:1/v1"})
		}
		opts := Options{Integrations: ins, Accounts: accounts.Config{"openai": set}, Docs: library, Client: client}
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				New(opts).Close()
			}
		})
	}
}
