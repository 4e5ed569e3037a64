package kosmo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/integration/ratelimit"
	"github.com/kosmo-run/kosmo/luabridge"
)

// Concurrency workload: vms scripts at once, each making calls chat
// completions, against one loopback fake.
const (
	benchVMs   = 64
	benchCalls = 50
)

// benchHTTPClient is the HTTP client both sides get: the default transport
// with an idle pool as large as the concurrency, so that neither side
// measures reconnections.
func benchHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = benchVMs
	return &http.Client{Transport: tr}
}

func benchAccounts(srv *openaitest.Server) accounts.Config {
	return accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{
		{Name: "default", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: srv.BaseURL()},
	}}}
}

// BenchmarkConcurrency runs benchVMs scripts at once through the library
// API (Host.Run, a fresh VM each), each making benchCalls chat completions,
// against benchVMs goroutines making the same calls directly with net/http
// and encoding/json. One op is the whole workload; calls/s is the
// throughput.
func BenchmarkConcurrency(b *testing.B) {
	srv := openaitest.NewServer(openaitest.WithMaxRecordedRequests(0))
	b.Cleanup(srv.Close)
	ctx := context.Background()

	// kosmo-budget is kosmo with the rate budget kosmo's CLI gives every
	// host (in this process), learned from the fake's headers.
	for _, limiter := range []struct {
		name string
		new  func() integration.AttemptLimiter
	}{
		{"kosmo", func() integration.AttemptLimiter { return nil }},
		{"kosmo-budget", func() integration.AttemptLimiter { return ratelimit.New(ratelimit.NewMemory()) }},
	} {
		benchKosmoChat(b, limiter.name, srv, limiter.new())
	}

	b.Run("go", func(b *testing.B) {
		hc := benchHTTPClient()
		body, err := json.Marshal(map[string]any{"model": "gpt-4o-mini", "max_tokens": 50,
			"messages": []map[string]string{{"role": "user", "content": "Say hello."}}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			runAll(b, func() error {
				for range benchCalls {
					if err := chatDirect(ctx, hc, srv.BaseURL()+"/chat/completions", body); err != nil {
						return err
					}
				}
				return nil
			})
		}
		b.ReportMetric(float64(benchVMs*benchCalls*b.N)/b.Elapsed().Seconds(), "calls/s")
	})
}

// benchKosmoChat is the kosmo side of BenchmarkConcurrency, with limiter
// (none when nil) pacing its calls.
func benchKosmoChat(b *testing.B, name string, srv *openaitest.Server, limiter integration.AttemptLimiter) {
	ctx := context.Background()
	b.Run(name, func(b *testing.B) {
		client := integration.NewClient()
		client.HTTP = benchHTTPClient()
		client.Limiter = limiter
		host := kosmo.New(kosmo.Options{Accounts: benchAccounts(srv), Client: client})
		src := fmt.Sprintf(`
local args = { model = "gpt-4o-mini", max_tokens = 50, messages = { { role = "user", content = "Say hello." } } }
for i = 1, %d do
  local r = app.integrations.openai.openai_chat_completion(args)
  assert(r.choices[1].message.content)
end`, benchCalls)
		b.ReportAllocs()
		for b.Loop() {
			runAll(b, func() error {
				_, err := host.Run(ctx, "bench.lua", src)
				return err
			})
		}
		b.ReportMetric(float64(benchVMs*benchCalls*b.N)/b.Elapsed().Seconds(), "calls/s")
	})
}

// runAll runs f on benchVMs goroutines and fails b with the first error.
func runAll(b *testing.B, f func() error) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range benchVMs {
		wg.Go(func() {
			if err := f(); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if first != nil {
		b.Fatal(first)
	}
}

// chatDirect is one chat completion made the direct Go way.
func chatDirect(ctx context.Context, hc *http.Client, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+openaitest.DefaultAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	var out struct {
		Choices []struct {
			Message struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage map[string]any `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return err
	}
	if len(out.Choices) == 0 {
		return fmt.Errorf("no choices")
	}
	return nil
}

// BenchmarkIdleVM reports the heap an idle VM holds: benchVMs VMs built as
// Host.Run builds them, measured after a collection.
func BenchmarkIdleVM(b *testing.B) {
	srv := openaitest.NewServer()
	b.Cleanup(srv.Close)
	opts := luabridge.Options{Integrations: []*integration.Integration{openai.New()}, Accounts: benchAccounts(srv), Client: integration.NewClient()}
	var perVM float64
	for b.Loop() {
		before := heapInUse()
		vms := make([]*luabridge.VM, benchVMs)
		for i := range vms {
			vms[i] = luabridge.New(opts)
		}
		perVM = float64(heapInUse()-before) / benchVMs
		runtime.KeepAlive(vms)
		for _, vm := range vms {
			vm.Close()
		}
	}
	b.ReportMetric(perVM, "B/idle-VM")
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
