package luabridge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// newTestState returns a bare Lua state, with a mark of decoded empty
// arrays as a VM has, and a json.null stand-in.
func newTestState(t testing.TB) (*lua.LState, lua.LValue) {
	t.Helper()
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	t.Cleanup(L.Close)
	setDecodedArrayMT(L, L.NewTable())
	return L, L.NewUserData()
}

// referenceDecode is the decoding decodeJSON replaces: json.Unmarshal into
// an any, then toLua.
func referenceDecode(L *lua.LState, data []byte, null lua.LValue) (lua.LValue, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return toLua(L, v, null), nil
}

// fastDecode runs the one-pass decoder alone, without decodeJSON's
// fallback to encoding/json.
func fastDecode(L *lua.LState, data []byte, null lua.LValue) (lua.LValue, bool) {
	d := newJSONDecoder(L, data, null)
	return d.decode()
}

// sameLua reports where two Lua values differ, or "" when they are equal:
// same types, numbers with the same bits, tables with the same keys,
// values and metatable, the null sentinel where the other has it.
func sameLua(a, b lua.LValue, path string) string {
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: %s vs %s", path, a.Type(), b.Type())
	}
	switch x := a.(type) {
	case lua.LNumber:
		if math.Float64bits(float64(x)) != math.Float64bits(float64(b.(lua.LNumber))) {
			return fmt.Sprintf("%s: %v vs %v", path, x, b)
		}
	case *lua.LTable:
		y := b.(*lua.LTable)
		if x.Metatable != y.Metatable {
			return fmt.Sprintf("%s: metatable %v vs %v", path, x.Metatable, y.Metatable)
		}
		if x.Len() != y.Len() {
			return fmt.Sprintf("%s: length %d vs %d", path, x.Len(), y.Len())
		}
		diff := ""
		count := 0
		x.ForEach(func(k, v lua.LValue) {
			count++
			if diff == "" {
				diff = sameLua(v, y.RawGet(k), path+"."+k.String())
			}
		})
		y.ForEach(func(lua.LValue, lua.LValue) { count-- })
		if diff == "" && count != 0 {
			diff = fmt.Sprintf("%s: tables have different keys", path)
		}
		return diff
	default:
		if a != b {
			return fmt.Sprintf("%s: %v vs %v", path, a, b)
		}
	}
	return ""
}

// checkEquivalent decodes data both ways and requires the same outcome: the
// same Lua value, or failure of both (decodeJSON then giving encoding/json's
// error).
func checkEquivalent(t *testing.T, data []byte) {
	t.Helper()
	L, null := newTestState(t)
	want, wantErr := referenceDecode(L, data, null)
	got, ok := fastDecode(L, data, null)
	if wantErr != nil {
		require.False(t, ok, "the fast path accepts what encoding/json refuses (%v): %q", wantErr, data)
		_, err := decodeJSON(L, data, null)
		require.EqualError(t, err, wantErr.Error())
		return
	}
	require.True(t, ok, "the fast path refuses a valid document: %q", data)
	require.Empty(t, sameLua(got, want, "$"), "document %q", data)
}

func TestDecodeJSONMatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"object", `{"a": 1, "b": "two", "c": true, "d": false}`},
		{"nested", `{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}],"usage":{"total_tokens":3}}`},
		{"null in object is absent", `{"a": null, "b": 1}`},
		{"null in array is json.null", `[1, null, 3, null]`},
		{"document null", `null`},
		{"scalars", `"text"`},
		{"empty containers", `{"a": {}, "b": [], "c": [[]], "d": [{}]}`},
		{"duplicate key, last wins", `{"a": 1, "a": 2}`},
		{"duplicate key, null removes", `{"a": 1, "a": null}`},
		{"duplicate key, null then value", `{"a": null, "a": 3}`},
		{"numeric-looking keys stay strings", `{"1": "a", "2": "b"}`},
		{"whitespace everywhere", " \t\r\n{ \"a\" \n: [ 1 ,\t2 ] , \"b\":{ } }\n "},
		{"escapes", `["\"\\\/\b\f\n\r\t", "\u00e9\u4e2d", "a\u0000b"]`},
		{"surrogate pair", `["\ud83d\ude00"]`},
		{"lone high surrogate", `["\ud83d", "\ud83dx", "\ud83d\u0041"]`},
		{"lone low surrogate", `["\ude00"]`},
		{"two high surrogates", `["\ud83d\ud83d\ude00"]`},
		{"valid UTF-8", `["héllo wörld ✓ 😀"]`},
		{"invalid UTF-8 becomes U+FFFD", "[\"a\xffb\xc3\", \"\xed\xa0\x80\", \"long enough to take the word loop \xfe\xfe\"]"},
		{"invalid UTF-8 beside an escape", "[\"\\n\xff\"]"},
		{"U+FFFD itself", `["�"]`},
		{"numbers", `[0, -0, 1, -1, 0.5, 1e3, 1E-3, 1.5e+2, 123456789, 0.000001, -0.0]`},
		{"float32 shortest values", `[0.008451348, -0.004128491, 0.0024408177, -0.031286687, 1.0e-7]`},
		{"exact fast path limits", `[9007199254740992, 9007199254740993, 1e22, 1e23, 1e-22, 1e-23, 123e20, 4e37, 9007199254740991e15]`},
		{"many digits", `[123456789012345678901234567890, 0.1234567890123456789012, 1.0000000000000000000001]`},
		{"extremes", `[1.7976931348623157e308, 4.9e-324, 2.2250738585072014e-308, 1e-400, 0e999999999]`},
		{"big exponent digits", `[1e0000000000000000000001, 0.0e-99999999999999999999]`},
		{"deep but allowed", strings.Repeat("[", 100) + strings.Repeat("]", 100)},
		{"empty string", `""`},

		{"empty document", ``},
		{"only space", `   `},
		{"trailing comma in array", `[1, 2,]`},
		{"trailing comma in object", `{"a": 1,}`},
		{"missing colon", `{"a" 1}`},
		{"unquoted key", `{a: 1}`},
		{"single quotes", `['a']`},
		{"unterminated string", `["abc`},
		{"unterminated escape", `["abc\`},
		{"bad escape", `["\x41"]`},
		{"apostrophe escape", `["\'"]`},
		{"short unicode escape", `["\u12"]`},
		{"bad unicode escape", `["\u12g4"]`},
		{"control character", "[\"a\tb\"]"},
		{"control character after escape", "[\"\\n\x01\"]"},
		{"leading zero", `[01]`},
		{"leading plus", `[+1]`},
		{"bare dot", `[1.]`},
		{"dot first", `[.5]`},
		{"bare exponent", `[1e]`},
		{"exponent sign only", `[1e+]`},
		{"minus alone", `[-]`},
		{"hex", `[0x10]`},
		{"NaN", `[NaN]`},
		{"out of range", `[1e400]`},
		{"negative out of range", `[-1.8e308]`},
		{"bad literal", `[tru]`},
		{"literal prefix", `[nulll]`},
		{"two documents", `{} {}`},
		{"garbage after", `[1] x`},
		{"unclosed array", `[1, 2`},
		{"unclosed object", `{"a": 1`},
		{"mismatched close", `[1}`},
		{"comment", `[1 /* no */]`},
		{"byte order mark", "\xef\xbb\xbf[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkEquivalent(t, []byte(tt.doc)) })
	}
}

func TestDecodeJSONNesting(t *testing.T) {
	tests := []struct {
		name  string
		depth int
	}{
		{"at the limit", jsonMaxDepth},
		{"beyond the limit", jsonMaxDepth + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arrays := strings.Repeat("[", tt.depth) + strings.Repeat("]", tt.depth)
			checkEquivalent(t, []byte(arrays))
			objects := strings.Repeat(`{"a":`, tt.depth-1) + "{}" + strings.Repeat("}", tt.depth-1)
			checkEquivalent(t, []byte(objects))
			mixed := strings.Repeat(`[{"k":`, tt.depth/2) + "1" + strings.Repeat("}]", tt.depth/2)
			checkEquivalent(t, []byte(mixed))
		})
	}
	t.Run("far beyond is refused without recursion", func(t *testing.T) {
		L, null := newTestState(t)
		_, err := decodeJSON(L, []byte(strings.Repeat("[", 1_000_000)), null)
		require.Error(t, err)
	})
}

func TestDecodeJSONRandomDocuments(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		doc := randomJSON(rng, 0)
		data := render(rng, doc)
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			checkEquivalent(t, data)
			// Damaged copies must fail or succeed exactly as encoding/json does.
			for range 4 {
				checkEquivalent(t, damage(rng, data))
			}
		})
	}
}

// randomJSON builds a random JSON-shaped Go value.
func randomJSON(rng *rand.Rand, depth int) any {
	kind := rng.IntN(10)
	if depth > 6 {
		kind = rng.IntN(6)
	}
	switch kind {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return randomString(rng)
	case 3:
		return float64(rng.Int64N(1<<60) - 1<<59)
	case 4:
		return math.Float64frombits(rng.Uint64())
	case 5:
		return float64(float32(rng.NormFloat64() * 0.05))
	case 6, 7:
		n := rng.IntN(6)
		a := make([]any, n)
		for i := range a {
			a[i] = randomJSON(rng, depth+1)
		}
		return a
	default:
		n := rng.IntN(6)
		m := make(map[string]any, n)
		for range n {
			m[randomString(rng)] = randomJSON(rng, depth+1)
		}
		return m
	}
}

// randomString mixes ASCII, control characters, multi-byte UTF-8, invalid
// bytes and surrogate halves.
func randomString(rng *rand.Rand) string {
	pieces := []string{"a", "key", "object", "embedding", " ", "\"", "\\", "/", "\n", "\t", "\x00", "\x1f", "é", "中", "😀",
		"\xff", "\xc3", "\xed\xa0\x80", "\u2028", strings.Repeat("x", 40), "0123456789abcdef"}
	var b strings.Builder
	for range rng.IntN(8) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// render writes v as JSON, with random whitespace, random escaping of
// characters and random number spellings.
func render(rng *rand.Rand, v any) []byte {
	var b bytes.Buffer
	renderTo(&b, rng, v)
	return b.Bytes()
}

func space(b *bytes.Buffer, rng *rand.Rand) {
	for range rng.IntN(3) {
		b.WriteByte(" \t\r\n"[rng.IntN(4)])
	}
}

func renderTo(b *bytes.Buffer, rng *rand.Rand, v any) {
	space(b, rng)
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		renderString(b, rng, x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			x = 1.5
		}
		formats := []byte{'g', 'e', 'E', 'f'}
		s := strconv.FormatFloat(x, formats[rng.IntN(len(formats))], -1, 64)
		if rng.IntN(4) == 0 {
			s = strconv.FormatFloat(x, 'g', 1+rng.IntN(25), 64)
		}
		if strings.ContainsAny(s, "eE") && !strings.ContainsAny(s, "+-") && rng.IntN(2) == 0 {
			s = strings.Replace(strings.Replace(s, "e", "e+", 1), "E", "E+", 1)
		}
		b.WriteString(s)
	case []any:
		b.WriteByte('[')
		for i, el := range x {
			if i > 0 {
				space(b, rng)
				b.WriteByte(',')
			}
			renderTo(b, rng, el)
		}
		space(b, rng)
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		i := 0
		for k, el := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			i++
			space(b, rng)
			renderString(b, rng, k)
			space(b, rng)
			b.WriteByte(':')
			renderTo(b, rng, el)
		}
		if i > 0 && rng.IntN(4) == 0 { // a duplicate key
			for k := range x {
				b.WriteString(",")
				renderString(b, rng, k)
				b.WriteString(":")
				renderTo(b, rng, randomJSON(rng, 7))
				break
			}
		}
		space(b, rng)
		b.WriteByte('}')
	}
	space(b, rng)
}

// renderString writes s as a string literal; some characters are escaped
// in one of JSON's ways, and invalid bytes are left raw.
func renderString(b *bytes.Buffer, rng *rand.Rand, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ':
			fmt.Fprintf(b, `\u%04x`, c)
		case c == '/' && rng.IntN(2) == 0:
			b.WriteString(`\/`)
		case c < utf8RuneSelf && rng.IntN(10) == 0:
			fmt.Fprintf(b, `\u%04X`, c)
		default:
			b.WriteByte(c)
		}
	}
	if rng.IntN(10) == 0 { // a surrogate escape, paired or not
		b.WriteString([]string{`\ud83d\ude00`, `\ud83d`, `\ude00`, `\ud83d\u0041`}[rng.IntN(4)])
	}
	b.WriteByte('"')
}

const utf8RuneSelf = 0x80

// damage returns a copy of data with one random edit: a byte changed,
// removed or inserted, or the end cut off.
func damage(rng *rand.Rand, data []byte) []byte {
	out := bytes.Clone(data)
	if len(out) == 0 {
		return []byte{'x'}
	}
	i := rng.IntN(len(out))
	special := []byte(`{}[],:"\ -+.eE0123456789tfnul` + "\x00\x1f\xff")
	switch rng.IntN(4) {
	case 0:
		out[i] = special[rng.IntN(len(special))]
	case 1:
		out = append(out[:i], out[i+1:]...)
	case 2:
		out = append(out[:i], append([]byte{special[rng.IntN(len(special))]}, out[i:]...)...)
	default:
		out = out[:i]
	}
	return out
}

func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{`{"a":[1,null,"x",{"b":true}]}`, `[0.008451348,-1e-7]`, `"\ud83d\ude00\ud83d"`, "\"\xff\"", `[1e400]`, `{"a":1,"a":null}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkEquivalent(t, data) })
}

// TestDecodedEmptyArraysAreMarked: every way a JSON document reaches Lua
// marks its empty arrays, and only them, so that they encode as arrays
// again.
func TestDecodedEmptyArraysAreMarked(t *testing.T) {
	const doc = `{"a":[],"b":{},"c":[1],"d":[[],{}],"e":[0.5]}`
	var goValue any
	require.NoError(t, json.Unmarshal([]byte(doc), &goValue))
	decoders := []struct {
		name   string
		decode func(L *lua.LState, null lua.LValue) (lua.LValue, error)
	}{
		{"decodeJSON", func(L *lua.LState, null lua.LValue) (lua.LValue, error) { return decodeJSON(L, []byte(doc), null) }},
		{"toLua", func(L *lua.LState, null lua.LValue) (lua.LValue, error) { return toLua(L, goValue, null), nil }},
		{"valueToLua", func(L *lua.LState, null lua.LValue) (lua.LValue, error) { return valueToLua(L, goValue, null) }},
		{"valueToLua, []float64", func(L *lua.LState, null lua.LValue) (lua.LValue, error) {
			return valueToLua(L, map[string]any{"a": []float64{}, "b": map[string]any{}, "c": []any{1.0},
				"d": []any{[]any{}, map[string]any{}}, "e": []float64{0.5}}, null)
		}},
	}
	for _, d := range decoders {
		t.Run(d.name, func(t *testing.T) {
			L, null := newTestState(t)
			mark := decodedArrayMT(L)
			v, err := d.decode(L, null)
			require.NoError(t, err)
			top := v.(*lua.LTable)
			field := func(t *lua.LTable, k string) *lua.LTable { return t.RawGetString(k).(*lua.LTable) }
			assert.Equal(t, mark, field(top, "a").Metatable, "an empty array is marked")
			assert.Equal(t, mark, field(top, "d").RawGetInt(1).(*lua.LTable).Metatable, "a nested one too")
			for _, plain := range []lua.LValue{top.Metatable, field(top, "b").Metatable, field(top, "c").Metatable,
				field(top, "d").Metatable, field(top, "d").RawGetInt(2).(*lua.LTable).Metatable, field(top, "e").Metatable} {
				assert.Equal(t, lua.LNil, plain, "objects and filled arrays are not")
			}
		})
	}
	// A state without the mark (not a VM's) decodes plain tables.
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	v, err := decodeJSON(L, []byte(`[]`), lua.LNil)
	require.NoError(t, err)
	assert.Equal(t, lua.LNil, v.(*lua.LTable).Metatable)
}

func TestValueToLua(t *testing.T) {
	L, null := newTestState(t)
	floats := []float64{0.25, -1e-7, 3}
	v, err := valueToLua(L, map[string]any{
		"data":  []any{map[string]any{"embedding": floats, "index": 0.0}, nil},
		"model": "m", "gone": nil,
	}, null)
	require.NoError(t, err)
	want, err := referenceDecode(L, []byte(`{"data":[{"embedding":[0.25,-1e-7,3],"index":0},null],"model":"m","gone":null}`), null)
	require.NoError(t, err)
	assert.Empty(t, sameLua(v, want, "$"))

	deep := any("x")
	for range maxDepth + 2 {
		deep = []any{deep}
	}
	_, err = valueToLua(L, deep, null)
	assert.ErrorContains(t, err, "nested deeper")
}

// TestDecodeJSONOnFakeResponses decodes what the fake answers to each kind
// of call both ways.
func TestDecodeJSONOnFakeResponses(t *testing.T) {
	tests := []struct {
		name, path string
		body       any
	}{
		{"chat completion", "/chat/completions", map[string]any{"model": "gpt-4.1-nano", "messages": []any{map[string]any{"role": "user", "content": "Write a haiku about \"JSON\" — with a newline\nand é."}}}},
		{"chat completion, JSON mode", "/chat/completions", map[string]any{"model": "gpt-4.1-nano", "response_format": map[string]any{"type": "json_object"},
			"messages": []any{map[string]any{"role": "user", "content": "List three colours as JSON"}}}},
		{"embeddings, float", "/embeddings", map[string]any{"model": "text-embedding-3-small", "input": embeddingInputs()}},
		{"embeddings, base64", "/embeddings", map[string]any{"model": "text-embedding-3-large", "input": []string{"a", "b"}, "encoding_format": "base64"}},
		{"image, b64_json", "/images/generations", map[string]any{"model": "gpt-image-2", "prompt": "a red square", "n": 2, "size": "256x256"}},
		{"image, webp", "/images/generations", map[string]any{"model": "gpt-image-2", "prompt": "a red square", "output_format": "webp"}},
		{"conversation", "/conversations", map[string]any{"items": []any{map[string]any{"role": "user", "content": "hi"}}}},
		{"response", "/responses", map[string]any{"model": "gpt-4.1-nano", "input": "hi", "tools": []any{map[string]any{"type": "code_interpreter", "container": map[string]any{"type": "auto"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := fakeResponse(t, tt.path, tt.body)
			checkEquivalent(t, data)
		})
	}
}

// TestEmbeddingsReachLuaAsTheFloatFormat calls openai_create_embedding from
// Lua twice: through the fake, which kosmo asks for base64, and through a
// server that answers floats whatever is asked. The scripts get the same
// tables, number for number.
func TestEmbeddingsReachLuaAsTheFloatFormat(t *testing.T) {
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	// floatsOnly drops encoding_format before the fake sees the request.
	floatsOnly := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		delete(body, "encoding_format")
		data, _ := json.Marshal(body)
		r.Body = io.NopCloser(bytes.NewReader(data))
		r.ContentLength = int64(len(data))
		fake.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(floatsOnly.Close)

	tests := []struct {
		name  string
		input string
	}{
		{"one input", `"The quick brown fox"`},
		{"100 inputs", func() string {
			data, _ := json.Marshal(embeddingInputs())
			return "json.decode([==[" + string(data) + "]==])"
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := `result = app.integrations.openai.openai_create_embedding({ model = "text-embedding-3-small", input = ` + tt.input + ` })`
			results := make([]lua.LValue, 2)
			for i, base := range []string{fake.BaseURL(), floatsOnly.URL + "/v1"} {
				vm := New(Options{
					Integrations: []*integration.Integration{openai.New()},
					Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{
						{Name: "default", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: base},
					}}},
				})
				t.Cleanup(vm.Close)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				_, err := vm.Run(ctx, "embed.lua", src)
				cancel()
				require.NoError(t, err)
				results[i] = vm.L.GetGlobal("result")
			}
			require.Equal(t, lua.LTTable, results[0].Type())
			require.Empty(t, sameLua(results[0], results[1], "result"))

			reqs := fake.Requests()
			require.Len(t, reqs, 2)
			var asked, forwarded map[string]any
			require.NoError(t, json.Unmarshal(reqs[0].Body, &asked))
			require.NoError(t, json.Unmarshal(reqs[1].Body, &forwarded))
			assert.Equal(t, "base64", asked["encoding_format"], "kosmo asks for base64")
			assert.NotContains(t, forwarded, "encoding_format", "the other server answered floats")
			fake.Handler().ResetRequests()
		})
	}
}

// TestDecodeJSONNamesMatchesDecodeJSON decodes documents one after the
// other with one set of keys, as a VM converts its answers, and requires
// what decodeJSON gives for each: keys kept from earlier documents, long
// and escaped keys, duplicates and a full set change nothing.
func TestDecodeJSONNamesMatchesDecodeJSON(t *testing.T) {
	docs := []string{
		`{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}],"usage":{"total_tokens":3}}`,
		`{"choices":[{"index":1,"message":{"role":"user","content":"again"}}],"usage":null}`,
		`{"a\u0062c": 1, "abc": 2, "a\"b": 3, "é": 4, "\u00e9": 5}`,
		`{"` + strings.Repeat("k", jsonCacheMaxLen+1) + `": 1, "` + strings.Repeat("k", jsonCacheMaxLen) + `": 2}`,
		`{"a": 1, "a": null, "b": null, "b": 2}`,
		"{\"a\xffb\": 1, \"a\xffb\": 2}",
		`{"a": 1,}`,
		`{"a" 1}`,
		`{"unterminated`,
		`[{"x": [], "y": {}}, {"x": [1], "y": {"x": null}}]`,
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 { // enough distinct keys to fill the set
		docs = append(docs, string(render(rng, randomJSON(rng, 0))))
	}
	many := make([]string, jsonNamesMax+100)
	for i := range many {
		many[i] = fmt.Sprintf(`"key%d": %d`, i, i)
	}
	docs = append(docs, "{"+strings.Join(many, ", ")+"}", "{"+strings.Join(many[len(many)/2:], ", ")+"}")
	L, null := newTestState(t)
	names := keyNames{}
	for i, doc := range docs {
		want, wantErr := decodeJSON(L, []byte(doc), null)
		got, err := decodeJSONNames(L, []byte(doc), null, nil, names)
		if wantErr != nil {
			require.EqualError(t, err, wantErr.Error(), "document %d: %q", i, doc)
			continue
		}
		require.NoError(t, err, "document %d: %q", i, doc)
		require.Empty(t, sameLua(got, want, "$"), "document %d: %q", i, doc)
	}
	require.Len(t, names, jsonNamesMax, "the set fills up and stops there")
}
