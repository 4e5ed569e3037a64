package luabridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/luabridge"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// The fuzz targets drive the host through what a script can reach: Lua
// values into json.encode and call arguments, JSON text into json.decode and
// call results, and source text into the loader. A Go panic inside a Lua
// call surfaces as a Lua error saying "runtime error", which every target
// treats as a crash.

// fuzzKey is the account key of the fuzz VMs; call results may echo it.
const fuzzKey = "sk-fuzz-key-0123456789abcdefghij"

// fuzzHost is what every fuzz VM shares: built once per target.
type fuzzHost struct {
	in   []*integration.Integration
	docs *docs.Library
}

func newFuzzHost() fuzzHost {
	in := []*integration.Integration{openai.New()}
	return fuzzHost{in: in, docs: docs.New(in...)}
}

// vm returns a fresh VM whose one account talks to rt (nil: nothing is
// sent; dry runs only).
func (h fuzzHost) vm(rt http.RoundTripper, dryRun bool) *luabridge.VM {
	client := integration.NewClient()
	client.MaxRetries = 0
	if rt != nil {
		client.HTTP = &http.Client{Transport: rt}
	}
	return luabridge.New(luabridge.Options{
		Integrations: h.in,
		Docs:         h.docs,
		Accounts: accounts.Config{"openai": {Default: "work", Accounts: []*integration.Account{
			{Name: "work", Key: integration.NewSecret(fuzzKey), BaseURL: "http://fuzz.invalid/v1"},
		}}},
		Client: client,
		DryRun: dryRun,
	})
}

// runFuzz runs src with a time bound and fails on a Go panic.
func runFuzz(t *testing.T, vm *luabridge.VM, src string) []any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := vm.Run(ctx, "fuzz.lua", src)
	if err != nil {
		noPanic(t, err.Error())
		t.Fatalf("the fuzz script itself failed: %v", err)
	}
	return res
}

func noPanic(t *testing.T, msg string) {
	t.Helper()
	if strings.Contains(msg, "runtime error") || strings.Contains(msg, "goroutine ") {
		t.Fatalf("a Go panic reached Lua: %s", msg)
	}
}

// luaValueProgram turns fuzz bytes into a Lua chunk that builds one value
// on a stack: numbers (NaN, ±Inf, -0, huge, fractional), strings with any
// bytes, booleans, json.null, tables, appends, arbitrary keys (tables,
// booleans, fractions), json.array/json.object marks, cycles and functions.
// The program is bounded by the input's length.
func luaValueProgram(data []byte) string {
	var b strings.Builder
	b.WriteString("local S, n = {}, 0\n")
	b.WriteString("local function push(v) n = n + 1; S[n] = v end\n")
	b.WriteString("local function top() return S[n] end\n")
	b.WriteString("local function pop() local v = S[n]; S[n] = nil; if n > 0 then n = n - 1 end; return v end\n")
	numbers := []string{"0", "-1", "1.5", "1e308", "-1e308", "2^53", "2^53+1", "0/0", "1/0", "-1/0", "-0.0", "3", "1e-320", "123456789.125"}
	for i := 0; i < len(data); i++ {
		op := data[i] % 14
		arg := byte(0)
		if i+1 < len(data) {
			arg = data[i+1]
		}
		switch op {
		case 0:
			fmt.Fprintf(&b, "push(%s)\n", numbers[int(arg)%len(numbers)])
			i++
		case 1:
			n := int(arg % 16)
			end := min(i+2+n, len(data))
			fmt.Fprintf(&b, "push(%s)\n", luaQuote(data[min(i+2, len(data)):end]))
			i = end - 1
		case 2:
			fmt.Fprintf(&b, "push(%v)\n", arg%2 == 0)
			i++
		case 3:
			b.WriteString("push(json.null)\n")
		case 4, 5:
			b.WriteString("push({})\n")
		case 6:
			b.WriteString("do local v = pop(); local t = top(); if type(t) == 'table' and v ~= nil then t[#t + 1] = v end end\n")
		case 7:
			b.WriteString("do local v = pop(); local k = pop(); local t = top(); if type(t) == 'table' and k ~= nil and k == k then pcall(function() t[k] = v end) end end\n")
		case 8:
			fmt.Fprintf(&b, "do local t = top(); if type(t) == 'table' then pcall(json.%s, t) end end\n", map[bool]string{true: "array", false: "object"}[arg%2 == 0])
			i++
		case 9:
			b.WriteString("do local t = top(); if type(t) == 'table' then t.self = t end end\n")
		case 10:
			b.WriteString("push(function() end)\n")
		case 11:
			b.WriteString("pop()\n")
		case 12:
			b.WriteString("if n > 0 then push(S[n]) end\n")
		case 13:
			fmt.Fprintf(&b, "do local t = top(); if type(t) == 'table' then t[%d] = 'x' end end\n", int(arg%8))
			i++
		}
	}
	b.WriteString("V = S[1]\n")
	return b.String()
}

// luaQuote writes bytes as a Lua string literal with decimal escapes.
func luaQuote(p []byte) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range p {
		fmt.Fprintf(&b, "\\%d", c)
	}
	b.WriteByte('"')
	return b.String()
}

// encodeCheck is the script after the value is built: json.encode, then two
// round trips, then the value as call arguments (dry run: nothing is sent).
const encodeCheck = `
local ok, j = pcall(json.encode, V)
local res = { encoded = ok, text = tostring(j) }
if ok then
  local ok2, d = pcall(json.decode, j)
  res.decoded = ok2
  if ok2 then
    local ok3, j2 = pcall(json.encode, d)
    res.reencoded, res.j2 = ok3, tostring(j2)
    if ok3 then res.j3 = json.encode(json.decode(j2)) end
  else
    res.decode_error = tostring(d)
  end
end
local calls = {}
for _, args in ipairs({
  function() return { model = "gpt-4o", metadata = V } end,
  function() return { model = "gpt-4o", messages = { { role = "user", content = V } } } end,
  function() return { model = "gpt-4o", input = V } end,
  function() return V end,
}) do
  local ok, r = pcall(function() return app.integrations.openai.openai_create_embedding(args()) end)
  local ok2, r2 = pcall(function() return app.integrations.openai.openai_create_assistant(args()) end)
  local ok3, r3 = pcall(function() return app.integrations.openai.openai_chat_completion(args()) end)
  for _, c in ipairs({ { ok, r }, { ok2, r2 }, { ok3, r3 } }) do
    local e = c[2]
    calls[#calls + 1] = { ok = c[1], kind = type(e), type = type(e) == "table" and e.type or nil,
      dry = type(e) == "table" and e.dry_run or nil, text = tostring(e) }
  end
end
res.calls = calls
return json.encode(res)
`

// FuzzLuaToJSON builds arbitrary Lua values and converts them to JSON through
// json.encode and through call arguments. Either the conversion fails with
// an error naming json.encode (or a structured error table for a call), or
// it gives valid JSON that survives round trips unchanged from the second
// one on.
func FuzzLuaToJSON(f *testing.F) {
	for _, seed := range [][]byte{
		{4, 1, 3, 'a', 'b', 'c', 0, 5, 7},    // {abc = -1.5}
		{4, 0, 7, 6, 0, 8, 6},                // {0/0, 1/0}
		{4, 4, 6, 9},                         // a cycle
		{4, 8, 0, 4, 3, 6, 13, 5},            // json.array with a hole
		{4, 10, 6},                           // a function
		{4, 2, 1, 4, 7},                      // boolean key
		{4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 3}, // nesting
		{1, 4, 0xff, 0xfe, 'x', 0},           // invalid UTF-8
	} {
		f.Add(seed)
	}
	host := newFuzzHost()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			t.Skip("bounded programs only")
		}
		vm := host.vm(nil, true)
		defer vm.Close()
		res := runFuzz(t, vm, luaValueProgram(data)+encodeCheck)
		require.Len(t, res, 1)
		var out struct {
			Encoded, Decoded, Reencoded bool
			Text, J2, J3                string
			DecodeError                 string `json:"decode_error"`
			Calls                       []struct {
				OK         bool
				Kind, Type string
				Dry        bool
				Text       string
			}
		}
		require.NoError(t, json.Unmarshal([]byte(res[0].(string)), &out))
		noPanic(t, out.Text)
		if !out.Encoded {
			assert.Contains(t, out.Text, "json.encode", "errors name the function")
		} else {
			require.True(t, json.Valid([]byte(out.Text)), "json.encode gave invalid JSON: %q", out.Text)
			require.True(t, out.Decoded, "json.decode refused json.encode's output %q: %s", out.Text, out.DecodeError)
			require.True(t, out.Reencoded, "re-encoding failed: %s", out.J2)
			assert.Equal(t, out.J2, out.J3, "stable from the second round trip on")
		}
		require.NotEmpty(t, out.Calls)
		for _, c := range out.Calls {
			noPanic(t, c.Text)
			assert.NotContains(t, c.Text, fuzzKey)
			if c.OK {
				assert.True(t, c.Dry, "a write in dry-run mode returns its plan")
				continue
			}
			require.Equal(t, "table", c.Kind, "call errors are structured tables: %s", c.Text)
			assert.Contains(t, []string{"validation_error", "usage_error"}, c.Type, c.Text)
		}
	})
}

// jsonDepth is the deepest nesting of arrays and objects in valid JSON.
func jsonDepth(data []byte) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return deepest
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
			deepest = max(deepest, depth)
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
}

// decodeCheck decodes S, then encodes what it got twice.
const decodeCheck = `
local ok, v = pcall(json.decode, S)
if not ok then return false, tostring(v) end
local ok2, j = pcall(json.encode, v)
if not ok2 then return true, false, tostring(j) end
return true, true, j, json.encode(json.decode(j))
`

// FuzzJSONToLua decodes arbitrary text with json.decode: it refuses exactly
// what encoding/json refuses (deep nesting aside), and what it gives back
// encodes to JSON that is stable under a further round trip.
func FuzzJSONToLua(f *testing.F) {
	for _, seed := range []string{
		`{"a":[1,2,{"b":null}],"c":"\u00e9\ud83d\ude00","d":1e308,"e":-0,"f":true}`,
		`[null,null]`, `[]`, `{}`, `"x"`, `1`, `null`, `[1,`, `{"a":1,"a":2}`,
		`[1e400]`, `"\ud800"`, "\"\xff\"", `[[[[[[[[[[]]]]]]]]]]`, ` {"x" : [ 1 , 2 ] } `,
		`{"object":"list","data":[{"embedding":[0.1,-0.2,3e-5],"index":0}]}`,
		`[0.1, 1E+2, -1.5e-3, 12345678901234567890]`, `{"":{"":""}}`,
	} {
		f.Add([]byte(seed))
	}
	host := newFuzzHost()
	f.Fuzz(func(t *testing.T, data []byte) {
		vm := host.vm(nil, false)
		defer vm.Close()
		vm.L.SetGlobal("S", lua.LString(data))
		res := runFuzz(t, vm, decodeCheck)
		var goValue any
		goErr := json.Unmarshal(data, &goValue)
		if res[0] == false {
			noPanic(t, res[1].(string))
			assert.Contains(t, res[1], "json.decode")
			if goErr == nil {
				assert.Greater(t, jsonDepth(data), 200, "json.decode refused valid JSON %q: %s", data, res[1])
			}
			return
		}
		require.NoError(t, goErr, "json.decode accepted what encoding/json refuses: %q", data)
		if res[1] == false {
			noPanic(t, res[2].(string))
			assert.Greater(t, jsonDepth(data), 200, "json.encode refused what json.decode gave for %q: %s", data, res[2])
			return
		}
		j := res[2].(string)
		require.True(t, json.Valid([]byte(j)), "not JSON: %q", j)
		assert.Equal(t, j, res[3], "round trip of %q", data)
	})
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fuzzStatuses are the statuses FuzzCallResult answers with.
var fuzzStatuses = []int{200, 200, 200, 201, 400, 401, 404, 409, 422, 429, 500, 503}

// callCheck calls a read and reports what the script saw.
const callCheck = `
local ok, r = pcall(app.integrations.openai.openai_list_models)
if ok then
  local ok2, j = pcall(json.encode, r)
  return true, ok2, tostring(j)
end
return false, r, tostring(r)
`

// FuzzCallResult answers a call with an arbitrary status and body (where
// "KEY" becomes the account's key): the script gets the decoded result or a
// structured error table, never a panic and never the key.
func FuzzCallResult(f *testing.F) {
	for _, seed := range []struct {
		status byte
		body   string
	}{
		{0, `{"object":"list","data":[{"id":"gpt-4o","object":"model"}]}`},
		{0, `{"object":"list","data":[`},
		{0, `{"echo":"Bearer KEY"}`},
		{4, `{"error":{"message":"Incorrect API key provided: KEY","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`},
		{9, `{"error":{"message":"rate","type":"requests","param":"KEY","code":7}}`},
		{10, `<html>boom</html>`},
		{11, ``},
		{0, `null`},
		{0, `[1,2,3]`},
	} {
		f.Add(seed.status, []byte(seed.body))
	}
	host := newFuzzHost()
	f.Fuzz(func(t *testing.T, statusIndex byte, body []byte) {
		status := fuzzStatuses[int(statusIndex)%len(fuzzStatuses)]
		body = bytes.ReplaceAll(body, []byte("KEY"), []byte(fuzzKey))
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{
				StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req_" + string(body[:min(len(body), 8)])}},
				Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r,
			}, nil
		})
		vm := host.vm(rt, false)
		defer vm.Close()
		res := runFuzz(t, vm, callCheck)
		assert.NotContains(t, fmt.Sprintf("%#v", res), fuzzKey, "the key reached the script")
		var goValue any
		goErr := json.Unmarshal(body, &goValue)
		if res[0] == true {
			require.Less(t, status, 300, "an error status must raise")
			require.NoError(t, goErr, "a body encoding/json refuses was accepted: %q", body)
			if res[1] == false {
				noPanic(t, res[2].(string))
				assert.Greater(t, jsonDepth(body), 200, "json.encode refused a result: %s", res[2])
			}
			return
		}
		noPanic(t, res[2].(string))
		e, ok := res[1].(map[string]any)
		require.True(t, ok, "a structured error table, got %#v", res[1])
		assert.Equal(t, float64(status), e["status"])
		assert.NotEmpty(t, e["type"])
		assert.NotEmpty(t, e["message"])
		assert.Equal(t, 1.0, e["attempts"])
		assert.IsType(t, true, e["retryable"])
		if status < 300 {
			assert.Equal(t, "invalid_response", e["type"])
			if goErr == nil {
				assert.Greater(t, jsonDepth(body), 200, "a valid body was refused: %s", e["message"])
			}
		}
	})
}

// FuzzScriptLoad loads arbitrary source text the way Run does, with a
// context that is already done, so that nothing of it runs: loading either
// fails with a syntax error or stops at the first instruction, and never
// panics.
func FuzzScriptLoad(f *testing.F) {
	for _, seed := range []string{
		`return 1`, `print("hi")`, `local t = {1, 2, {a = "x"}} return #t`,
		`app.integrations.openai.openai_list_models()`, `return (((((1)))))`,
		`x = `, `end`, `--[[ unterminated`, `"\300"`, `local s = [==[ long ]==]`,
		"return \"\x00\xff\"", `goto x`, `local function f(...) return select('#', ...) end`,
		`return 1 .. 2 .. 3`, `a.b.c.d = 1`, `return {[1]=1, [2]=2, n=2}`, `::x::`,
	} {
		f.Add(seed)
	}
	host := newFuzzHost()
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 1<<16 {
			t.Skip("sources beyond 64 KiB are the sandbox's size limit's business")
		}
		vm := host.vm(nil, false)
		defer vm.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		done := make(chan error, 1)
		go func() {
			_, err := vm.Run(ctx, "fuzz.lua", src)
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("loading %q did not end within 10 s", src)
		}
		require.Error(t, err, "nothing may run under a done context")
		var se *luabridge.ScriptError
		require.True(t, errors.As(err, &se), "a *ScriptError, got %T", err)
		require.NotEmpty(t, se.Message)
		noPanic(t, se.Message)
	})
}

// TestLoadingDeepNestingIsBounded is the regression test of a crash found
// while seeding FuzzScriptLoad: gopher-lua's compiler recurses once per
// nesting level of the source, so about 800,000 nested table constructors
// exhausted Go's 1 GB stack and killed the process (a fatal error, which no
// recover catches), and 300,000 chained '..' took 80 s to compile, before
// the time limit applied. Sources just under the size limit must now load
// or be refused quickly. The load runs in a child process, so that a crash
// fails this test instead of the whole run.
func TestLoadingDeepNestingIsBounded(t *testing.T) {
	if kind := os.Getenv("KOSMO_DEEP_SOURCE"); kind != "" {
		loadDeepSource(kind)
		return
	}
	for _, kind := range []string{"tables", "parens", "concat"} {
		t.Run(kind, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLoadingDeepNestingIsBounded$")
			cmd.Env = append(os.Environ(), "KOSMO_DEEP_SOURCE="+kind)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "loading crashed or hung:\n%.2000s", out)
			assert.Contains(t, string(out), "loaded:", "the child got to the end:\n%.2000s", out)
		})
	}
}

// loadDeepSource runs in the child process of TestLoadingDeepNestingIsBounded:
// a source of about 1 MB (just under the size limit) nested as deep as it
// can be.
func loadDeepSource(kind string) {
	const n = 499_000
	src := "return " + strings.Repeat("{", n) + strings.Repeat("}", n)
	switch kind {
	case "parens":
		src = "return " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n)
	case "concat":
		src = "return 'a'" + strings.Repeat("..'a'", n/3)
	}
	vm := luabridge.New(luabridge.Options{})
	defer vm.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := vm.Run(ctx, "deep.lua", src)
	msg := "ok"
	if err != nil {
		msg = err.Error()
	}
	fmt.Printf("loaded: %d bytes in %s: %.200s\n", len(src), time.Since(start).Round(time.Millisecond), strconv.Quote(msg))
}
