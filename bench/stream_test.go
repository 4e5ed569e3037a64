package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	oa "github.com/openai/openai-go/v3"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// streamPrompt makes the fake stream a reply of some forty chunks.
const streamPrompt = "Explain quantum computing in one sentence, then say why it matters for cryptography and chemistry."

// firstChunk sums, over the calls of a benchmark, the time from sending a
// streamed chat completion to its first chunk with text reaching the
// caller, and reports it per call as "ns-to-first-chunk/op".
type firstChunk struct {
	start time.Time
	seen  bool
	total time.Duration
}

func (f *firstChunk) begin() { f.start, f.seen = time.Now(), false }

func (f *firstChunk) mark() {
	if !f.seen {
		f.seen = true
		f.total += time.Since(f.start)
	}
}

func (f *firstChunk) report(b *testing.B) {
	b.ReportMetric(float64(f.total.Nanoseconds())/float64(b.N), "ns-to-first-chunk/op")
}

// BenchmarkStream is one streamed chat completion (stream = true) read to
// its end, from Lua through kosmo with on_chunk, and from Go with net/http
// reading the server-sent events and with openai-go's NewStreaming,
// against kosmo's fake OpenAI on loopback (real SSE, one flush per
// chunk). Besides the time per call it reports the time to the first
// chunk of text.
func BenchmarkStream(b *testing.B) {
	fake := openaitest.NewServer(openaitest.WithAPIKeys(APIKey))
	b.Cleanup(fake.Close)
	ctx := context.Background()

	b.Run("kosmo", func(b *testing.B) {
		vm := newVM(b, fake.BaseURL())
		var fc firstChunk
		vm.L.SetGlobal("bench_begin", vm.L.NewFunction(func(*lua.LState) int { fc.begin(); return 0 }))
		vm.L.SetGlobal("bench_first", vm.L.NewFunction(func(*lua.LState) int { fc.mark(); return 0 }))
		b.ReportAllocs()
		runLua(b, vm, `
local oa = app.integrations.openai
local text = 0
local args = {
  model = "gpt-5.1",
  messages = { { role = "user", content = "`+streamPrompt+`" } },
  stream = true,
  on_chunk = function(chunk)
    local c = chunk.choices[1]
    if c and c.delta.content and c.delta.content ~= "" then
      bench_first()
      text = text + 1
    end
  end,
}
for i = 1, %d do
  bench_begin()
  local r = oa.openai_chat_completion(args)
  assert(#r.choices[1].message.content > 0)
end
assert(text > 0)`)
		fc.report(b)
	})

	b.Run("go", func(b *testing.B) {
		hc := NewHTTPClient()
		body, _ := json.Marshal(map[string]any{"model": "gpt-5.1", "stream": true,
			"messages": []any{map[string]any{"role": "user", "content": streamPrompt}}})
		var fc firstChunk
		b.ReportAllocs()
		for b.Loop() {
			fc.begin()
			text, err := readStream(ctx, hc, fake.BaseURL()+"/chat/completions", body, fc.mark)
			if err != nil {
				b.Fatal(err)
			}
			if text == "" {
				b.Fatal("no content")
			}
		}
		fc.report(b)
	})

	b.Run("openai-go", func(b *testing.B) {
		client := newSDK(fake.BaseURL())
		params := oa.ChatCompletionNewParams{
			Model:    "gpt-5.1",
			Messages: []oa.ChatCompletionMessageParamUnion{oa.UserMessage(streamPrompt)},
		}
		var fc firstChunk
		b.ReportAllocs()
		for b.Loop() {
			fc.begin()
			stream := client.Chat.Completions.NewStreaming(ctx, params)
			var acc oa.ChatCompletionAccumulator
			for stream.Next() {
				chunk := stream.Current()
				acc.AddChunk(chunk)
				if len(chunk.Choices) > 0 && chunk.Choices[0].Delta.Content != "" {
					fc.mark()
				}
			}
			if err := stream.Err(); err != nil {
				b.Fatal(err)
			}
			_ = stream.Close()
			if len(acc.Choices) == 0 || acc.Choices[0].Message.Content == "" {
				b.Fatal("no content")
			}
		}
		fc.report(b)
	})
}

// streamChunk is the part of a chunk the Go contender reads.
type streamChunk struct {
	Choices []struct {
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
	} `json:"choices"`
}

// readStream is the direct Go streamed call: send, check, read the events
// to data: [DONE], calling first when a chunk with text arrives, and
// return the text.
func readStream(ctx context.Context, hc *http.Client, url string, body []byte, first func()) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+APIKey)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(resp.Body)
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	var text bytes.Buffer
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := bytes.CutPrefix(sc.Bytes(), []byte("data: "))
		if !ok {
			continue
		}
		if bytes.Equal(data, []byte("[DONE]")) {
			return text.String(), nil
		}
		var c streamChunk
		if err := json.Unmarshal(data, &c); err != nil {
			return "", err
		}
		if len(c.Choices) > 0 && c.Choices[0].Delta.Content != "" {
			first()
			text.WriteString(c.Choices[0].Delta.Content)
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("the stream ended before [DONE]")
}
