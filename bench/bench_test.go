package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	oa "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
	"github.com/kosmo-run/kosmo/mcpgateway"
	"github.com/kosmo-run/kosmo/store/sqlite"
)

// recorded holds the canned answers, recorded once per process.
func recorded(b *testing.B) *Responses {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := Record(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func startServer(b *testing.B, r *Responses, floatsOnly bool) *Server {
	b.Helper()
	srv, err := NewServer(r, floatsOnly)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	return srv
}

// newVM returns a kosmo VM whose default account uses baseURL.
func newVM(b *testing.B, baseURL string) *luabridge.VM {
	b.Helper()
	vm := luabridge.New(luabridge.Options{
		Integrations: []*integration.Integration{openai.New()},
		Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{
			{Name: "default", Key: integration.NewSecret(APIKey), BaseURL: baseURL},
		}}},
		Client: integration.NewClient(),
	})
	b.Cleanup(vm.Close)
	return vm
}

// runLua runs src, which loops N times over the call being measured.
func runLua(b *testing.B, vm *luabridge.VM, src string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	b.ResetTimer()
	if _, err := vm.Run(ctx, "bench.lua", fmt.Sprintf(src, b.N)); err != nil {
		b.Fatal(err)
	}
}

func newSDK(baseURL string) oa.Client {
	return oa.NewClient(option.WithBaseURL(baseURL+"/"), option.WithAPIKey(APIKey), option.WithHTTPClient(NewHTTPClient()))
}

// chatCompletion is the typed answer a Go program decodes.
type chatCompletion struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Role        string  `json:"role"`
			Content     string  `json:"content"`
			Refusal     *string `json:"refusal"`
			Annotations []any   `json:"annotations"`
		} `json:"message"`
		Logprobs     any    `json:"logprobs"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens        int            `json:"prompt_tokens"`
		CompletionTokens    int            `json:"completion_tokens"`
		TotalTokens         int            `json:"total_tokens"`
		PromptTokensDetails map[string]int `json:"prompt_tokens_details"`
		CompletionDetails   map[string]int `json:"completion_tokens_details"`
	} `json:"usage"`
	ServiceTier       string `json:"service_tier"`
	SystemFingerprint string `json:"system_fingerprint"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature float64       `json:"temperature"`
	MaxTokens   int           `json:"max_tokens"`
}

// postJSON is the direct Go call: marshal, POST, check, decode.
func postJSON(ctx context.Context, hc *http.Client, url string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return doJSON(hc, req, out)
}

// getJSON is the direct Go GET: send, check, decode.
func getJSON(ctx context.Context, hc *http.Client, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	return doJSON(hc, req, out)
}

// doJSON sends req with the key, checks the status and decodes the answer.
func doJSON(hc *http.Client, req *http.Request, out any) error {
	req.Header.Set("Authorization", "Bearer "+APIKey)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

const (
	systemPrompt = "You are a helpful assistant."
	userPrompt   = "Explain quantum computing in one sentence."
)

// BenchmarkChat is one openai_chat_completion from Lua through kosmo, the
// same request made directly with net/http and encoding/json, and made with
// openai-go's typed Chat.Completions.New, against one loopback server that
// answers a realistic 1 KB completion.
func BenchmarkChat(b *testing.B) {
	r := &Responses{Chat: []byte(ChatResponse)}
	srv := startServer(b, r, false)
	ctx := context.Background()

	b.Run("kosmo", func(b *testing.B) {
		vm := newVM(b, srv.URL)
		b.ReportAllocs()
		runLua(b, vm, `
local oa = app.integrations.openai
local args = {
  model = "gpt-4.1-nano",
  messages = {
    { role = "system", content = "`+systemPrompt+`" },
    { role = "user", content = "`+userPrompt+`" },
  },
  temperature = 0.7,
  max_tokens = 100,
}
for i = 1, %d do
  local r = oa.openai_chat_completion(args)
  assert(#r.choices[1].message.content > 0)
end`)
	})

	b.Run("go", func(b *testing.B) {
		hc := NewHTTPClient()
		req := chatRequest{Model: "gpt-4.1-nano", Temperature: 0.7, MaxTokens: 100,
			Messages: []chatMessage{{"system", systemPrompt}, {"user", userPrompt}}}
		b.ReportAllocs()
		for b.Loop() {
			var out chatCompletion
			if err := postJSON(ctx, hc, srv.URL+"/chat/completions", req, &out); err != nil {
				b.Fatal(err)
			}
			if len(out.Choices[0].Message.Content) == 0 {
				b.Fatal("no content")
			}
		}
	})

	b.Run("openai-go", func(b *testing.B) {
		client := newSDK(srv.URL)
		params := oa.ChatCompletionNewParams{
			Model:       "gpt-4.1-nano",
			Messages:    []oa.ChatCompletionMessageParamUnion{oa.SystemMessage(systemPrompt), oa.UserMessage(userPrompt)},
			Temperature: oa.Float(0.7),
			MaxTokens:   oa.Int(100),
		}
		b.ReportAllocs()
		for b.Loop() {
			out, err := client.Chat.Completions.New(ctx, params)
			if err != nil {
				b.Fatal(err)
			}
			if len(out.Choices[0].Message.Content) == 0 {
				b.Fatal("no content")
			}
		}
	})
}

// embeddingList is the typed answer a Go program decodes.
type embeddingList struct {
	Object string `json:"object"`
	Data   []struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float64 `json:"embedding"`
	} `json:"data"`
	Model string `json:"model"`
	Usage struct {
		PromptTokens int `json:"prompt_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
}

// BenchmarkEmbeddings is 100 inputs of text-embedding-3-small into Lua
// tables through kosmo (which asks for base64), the same into Lua from a
// server that only answers floats (kosmo's JSON path), the Go baseline
// decoding the float JSON into [][]float64, and openai-go.
func BenchmarkEmbeddings(b *testing.B) {
	r := recorded(b)
	srv := startServer(b, r, false)
	floats := startServer(b, r, true)
	ctx := context.Background()
	inputs := EmbeddingInputs()
	quoted, err := json.Marshal(inputs)
	if err != nil {
		b.Fatal(err)
	}
	lua := `
local inputs = json.decode('` + string(quoted) + `')
for i = 1, %d do
  local r = app.integrations.openai.openai_create_embedding({ model = "` + EmbeddingModel + `", input = inputs })
  assert(#r.data == 100 and #r.data[100].embedding == 1536)
end`

	b.Run("kosmo", func(b *testing.B) {
		vm := newVM(b, srv.URL)
		b.ReportAllocs()
		runLua(b, vm, lua)
	})
	b.Run("kosmo-float-json", func(b *testing.B) {
		vm := newVM(b, floats.URL)
		b.ReportAllocs()
		runLua(b, vm, lua)
	})
	b.Run("go", func(b *testing.B) {
		hc := NewHTTPClient()
		req := map[string]any{"model": EmbeddingModel, "input": inputs}
		b.ReportAllocs()
		for b.Loop() {
			var out embeddingList
			if err := postJSON(ctx, hc, srv.URL+"/embeddings", req, &out); err != nil {
				b.Fatal(err)
			}
			if len(out.Data) != 100 || len(out.Data[99].Embedding) != 1536 {
				b.Fatal("wrong shape")
			}
		}
	})
	b.Run("openai-go", func(b *testing.B) {
		client := newSDK(srv.URL)
		params := oa.EmbeddingNewParams{Model: EmbeddingModel, Input: oa.EmbeddingNewParamsInputUnion{OfArrayOfStrings: inputs}}
		b.ReportAllocs()
		for b.Loop() {
			out, err := client.Embeddings.New(ctx, params)
			if err != nil {
				b.Fatal(err)
			}
			if len(out.Data) != 100 || len(out.Data[99].Embedding) != 1536 {
				b.Fatal("wrong shape")
			}
		}
	})
}

// BenchmarkStartProcess runs an empty script as a whole process: `kosmo run`
// against the gopher-lua interpreter glua. run.sh builds both and names them
// in KOSMO_BIN and GLUA_BIN; without them the benchmark is skipped.
func BenchmarkStartProcess(b *testing.B) {
	kosmo, glua := os.Getenv("KOSMO_BIN"), os.Getenv("GLUA_BIN")
	if kosmo == "" || glua == "" {
		b.Skip("KOSMO_BIN and GLUA_BIN name the binaries to start (run.sh sets them)")
	}
	dir := b.TempDir()
	script := filepath.Join(dir, "empty.lua")
	if err := os.WriteFile(script, nil, 0o600); err != nil {
		b.Fatal(err)
	}
	// A clean environment: no key, no config file, nothing to find.
	env := []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + dir}
	for _, c := range []struct {
		name string
		argv []string
	}{
		{"kosmo", []string{kosmo, "run", script}},
		{"glua", []string{glua, script}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(c.argv[0], c.argv[1:]...)
				cmd.Env, cmd.Dir = env, dir
				if out, err := cmd.CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
					b.Fatalf("%s: %v %s", c.name, err, out)
				}
			}
		})
	}
}

// The runs workload: an assistant with instructions and one function tool,
// and a thread with one user message, made once; each op starts a run on
// the thread (openai_create_run: the assistant read from kosmo's store, a
// background POST /v1/responses) and reads it back once (openai_get_run:
// GET /v1/responses/{id}, in_progress by then).
const (
	runModel        = "gpt-4.1-nano"
	runInstructions = "You answer questions about the weather in one sentence, calling get_weather when you need today's figures."
)

// runTool is the assistant's function tool in the Assistants API's shape.
func runTool() map[string]any {
	return map[string]any{"type": "function", "function": map[string]any{
		"name":        "get_weather",
		"description": "Today's weather in a city.",
		"parameters": map[string]any{"type": "object", "required": []any{"city"},
			"properties": map[string]any{"city": map[string]any{"type": "string", "description": "The city's name."}}},
	}}
}

// runFixture is the stateful fake, kosmo's store (SQLite in memory) and the
// assistant and thread every contender of BenchmarkRun uses.
type runFixture struct {
	srv                   *openaitest.Server
	store                 *sqlite.DB
	oa                    *integration.Integration
	acct                  *integration.Account
	threadID, assistantID string
	// body is the POST /v1/responses body kosmo sends to start a run, which
	// the Go baseline sends too.
	body map[string]any
}

// callJSON is one call made from Go through kosmo as `kosmo call` and the
// MCP gateway make it: the arguments validated, the call made through an
// integration.Caller, its JSON result decoded.
func (f *runFixture) callJSON(ctx context.Context, caller *integration.Caller, fn *integration.Function, args map[string]any) (map[string]any, error) {
	valid, err := fn.Validate(args)
	if err != nil {
		return nil, err
	}
	res, _, err := caller.Call(ctx, f.oa, fn, f.acct, valid)
	if err != nil {
		return nil, err
	}
	if res.JSON == nil {
		return nil, fmt.Errorf("%s: no JSON result", fn.Name)
	}
	var out map[string]any
	return out, json.Unmarshal(res.JSON, &out)
}

// newRunFixture starts the fake, opens the store, creates the assistant and
// the thread through kosmo, and starts one run to record the body kosmo
// sends for it.
func newRunFixture(b *testing.B) *runFixture {
	b.Helper()
	ctx := context.Background()
	srv := openaitest.NewServer(openaitest.WithAPIKeys(APIKey), openaitest.WithMaxRecordedRequests(0))
	b.Cleanup(srv.Close)
	st, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	f := &runFixture{srv: srv, store: st, oa: openai.New(),
		acct: &integration.Account{Name: "default", Key: integration.NewSecret(APIKey), BaseURL: srv.BaseURL()}}

	rec := &bodyRecorder{next: NewHTTPClient().Transport}
	client := integration.NewClient()
	client.HTTP = &http.Client{Transport: rec}
	caller := &integration.Caller{Client: client, Store: st}
	call := func(name string, args map[string]any) map[string]any {
		out, err := f.callJSON(ctx, caller, f.oa.Function(name), args)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		return out
	}
	a := call("openai_create_assistant", map[string]any{"model": runModel, "name": "Weather",
		"instructions": runInstructions, "tools": []any{runTool()}})
	t := call("openai_create_thread", map[string]any{"messages": []any{
		map[string]any{"role": "user", "content": "Will it rain in Lyon this afternoon?"}}})
	f.assistantID, _ = a["id"].(string)
	f.threadID, _ = t["id"].(string)
	run := call("openai_create_run", map[string]any{"thread_id": f.threadID, "assistant_id": f.assistantID})
	if run["status"] != "queued" || run["object"] != "thread.run" {
		b.Fatalf("unexpected run: %v", run)
	}
	if err := json.Unmarshal(rec.body, &f.body); err != nil {
		b.Fatalf("the body kosmo sent: %v: %s", err, rec.body)
	}
	if tools, _ := f.body["tools"].([]any); f.body["conversation"] != f.threadID || f.body["background"] != true || len(tools) != 1 {
		b.Fatalf("not the body of a run on the thread: %s", rec.body)
	}
	return f
}

// bodyRecorder keeps the body of the last request that had one.
type bodyRecorder struct {
	next http.RoundTripper
	body []byte
}

func (r *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		data, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		r.body = data
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(data))
	}
	return r.next.RoundTrip(req)
}

// BenchmarkRun is one openai_create_run and one openai_get_run (the
// Assistants API's run, carried by a background response and mapped to a
// thread.run) from Lua through kosmo, the same two calls from Go through
// integration.Caller (arguments validated, JSON result decoded), and the two
// raw HTTP calls they make, made with net/http and decoded into
// map[string]any, against the stateful fake on loopback.
func BenchmarkRun(b *testing.B) {
	f := newRunFixture(b)
	ctx := context.Background()
	newClient := func() *integration.Client {
		c := integration.NewClient()
		c.HTTP = NewHTTPClient()
		return c
	}

	b.Run("kosmo", func(b *testing.B) {
		vm := luabridge.New(luabridge.Options{
			Integrations: []*integration.Integration{f.oa},
			Accounts:     accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{f.acct}}},
			Client:       newClient(),
			Store:        f.store,
		})
		b.Cleanup(vm.Close)
		b.ReportAllocs()
		runLua(b, vm, `
local oa = app.integrations.openai
local args = { thread_id = "`+f.threadID+`", assistant_id = "`+f.assistantID+`" }
for i = 1, %d do
  local run = oa.openai_create_run(args)
  local r = oa.openai_get_run({ thread_id = args.thread_id, run_id = run.id })
  assert(r.status == "in_progress")
end`)
	})

	b.Run("caller", func(b *testing.B) {
		caller := &integration.Caller{Client: newClient(), Store: f.store}
		createRun, getRun := f.oa.Function("openai_create_run"), f.oa.Function("openai_get_run")
		b.ReportAllocs()
		for b.Loop() {
			run, err := f.callJSON(ctx, caller, createRun, map[string]any{"thread_id": f.threadID, "assistant_id": f.assistantID})
			if err != nil {
				b.Fatal(err)
			}
			r, err := f.callJSON(ctx, caller, getRun, map[string]any{"thread_id": f.threadID, "run_id": run["id"]})
			if err != nil {
				b.Fatal(err)
			}
			if r["status"] != "in_progress" {
				b.Fatalf("status %v", r["status"])
			}
		}
	})

	b.Run("go", func(b *testing.B) {
		hc := NewHTTPClient()
		b.ReportAllocs()
		for b.Loop() {
			var run map[string]any
			if err := postJSON(ctx, hc, f.srv.BaseURL()+"/responses", f.body, &run); err != nil {
				b.Fatal(err)
			}
			id, _ := run["id"].(string)
			var r map[string]any
			if err := getJSON(ctx, hc, f.srv.BaseURL()+"/responses/"+url.PathEscape(id), &r); err != nil {
				b.Fatal(err)
			}
			if r["status"] != "in_progress" {
				b.Fatalf("status %v", r["status"])
			}
		}
	})
}

// The MCP workload: one chat completion, asked of the gateway as a script
// (execute_lua) and as the flat tool; both give the same model, messages
// and answer.
const mcpScript = `return app.integrations.openai.openai_chat_completion({model="gpt-4.1-nano", messages={{role="user",content="hi"}}}).choices[1].message.content`

// mcpChatArguments are the flat tool's arguments, the script's table as
// JSON.
func mcpChatArguments() map[string]any {
	return map[string]any{"model": "gpt-4.1-nano", "messages": []any{map[string]any{"role": "user", "content": "hi"}}}
}

// mcpSession serves a gateway in-process, with the limits `kosmo mcp
// serve` has by default (10 minutes per tool call, 1 GiB per script) and
// write functions allowed, whose Host calls srv with its own HTTP client,
// and returns a client session connected to it over in-memory transports.
func mcpSession(b *testing.B, srv *openaitest.Server) *mcp.ClientSession {
	b.Helper()
	ctx := context.Background()
	client := integration.NewClient()
	client.HTTP = NewHTTPClient()
	host := kosmo.New(kosmo.Options{
		Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{
			{Name: "default", Key: integration.NewSecret(APIKey), BaseURL: srv.BaseURL()},
		}}},
		Client: client,
	})
	b.Cleanup(func() { _ = host.Close() })
	gw := mcpgateway.NewServer(mcpgateway.Options{Host: host, AllowWrite: true, Version: "bench",
		CallTimeout: 10 * time.Minute, MaxMemory: 1 << 30})
	st, ct := mcp.NewInMemoryTransports()
	ss, err := gw.Connect(ctx, st, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cs.Close() })
	return cs
}

// mcpCall calls a tool and returns its structured content, failing b on a
// protocol or tool error.
func mcpCall(ctx context.Context, b *testing.B, cs *mcp.ClientSession, name string, args map[string]any) map[string]any {
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		b.Fatalf("%s: tool error: %v", name, res.StructuredContent)
	}
	out, ok := res.StructuredContent.(map[string]any)
	if !ok {
		b.Fatalf("%s: structured content %T", name, res.StructuredContent)
	}
	return out
}

// scriptAnswer is execute_lua's one return value, a string.
func scriptAnswer(out map[string]any) string {
	result, _ := out["result"].([]any)
	if len(result) != 1 {
		return ""
	}
	s, _ := result[0].(string)
	return s
}

// completionAnswer is the first choice's message content of a chat
// completion decoded as JSON.
func completionAnswer(out map[string]any) string {
	choices, _ := out["choices"].([]any)
	if len(choices) == 0 {
		return ""
	}
	choice, _ := choices[0].(map[string]any)
	msg, _ := choice["message"].(map[string]any)
	s, _ := msg["content"].(string)
	return s
}

// BenchmarkMCP is the round trip of one MCP tool call that makes one chat
// completion: execute_lua running a script that makes it and returns the
// answer's text (a fresh sandboxed VM per call), against the flat tool
// openai_chat_completion making the same call (Host.Call), both through
// one in-process client session to one gateway whose Host calls the
// openaitest fake on loopback.
func BenchmarkMCP(b *testing.B) {
	srv := openaitest.NewServer(openaitest.WithAPIKeys(APIKey), openaitest.WithMaxRecordedRequests(0))
	b.Cleanup(srv.Close)
	cs := mcpSession(b, srv)
	ctx := context.Background()
	script := map[string]any{"code": mcpScript}

	// Both tools give the same answer, or the two sides are not the same
	// work.
	want := completionAnswer(mcpCall(ctx, b, cs, "openai_chat_completion", mcpChatArguments()))
	if got := scriptAnswer(mcpCall(ctx, b, cs, mcpgateway.ExecuteLua, script)); want == "" || got != want {
		b.Fatalf("execute_lua answered %q, openai_chat_completion %q", got, want)
	}

	b.Run("execute_lua", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if scriptAnswer(mcpCall(ctx, b, cs, mcpgateway.ExecuteLua, script)) == "" {
				b.Fatal("no content")
			}
		}
	})

	b.Run("openai_chat_completion", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if completionAnswer(mcpCall(ctx, b, cs, "openai_chat_completion", mcpChatArguments())) == "" {
				b.Fatal("no content")
			}
		}
	})
}
