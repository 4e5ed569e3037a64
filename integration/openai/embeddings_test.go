package openai

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	in "github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// floatFormatValue is what the float format gives for f: the float32
// printed shortest (as the API and the fake print it), read as a float64.
func floatFormatValue(f float32) float64 {
	x, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil {
		panic(err)
	}
	return x
}

func TestJSONFloatIsWhatTheFloatFormatReads(t *testing.T) {
	specials := []float32{
		math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, math.MaxFloat32, -math.MaxFloat32,
		math.Float32frombits(0x007fffff), math.Float32frombits(0x00800000), // largest subnormal, smallest normal
		0.1, 0.2, 0.3, 1, 2, 3, 10, 100, 1e-7, 1e-10, 1e-13, 1e-22, 1e-23, 1e22, 1e23, 1e30, 1e37, 1e38,
		0.5, 0.25, 1.5, 16777216, 16777217, 3.4e38, 1.17549435e-38, 8.5e-38, 9.999999e-13,
		0.008451348, -0.004128491, 0.0024408177, 33554432, 2.5e-45,
	}
	for e := -149; e <= 127; e++ { // every power of two, and its neighbours
		p := float32(math.Ldexp(1, e))
		specials = append(specials, p, math.Nextafter32(p, 0), math.Nextafter32(p, math.MaxFloat32))
	}
	for _, f := range specials {
		got, ok := jsonFloat(f)
		require.True(t, ok)
		want := floatFormatValue(f)
		require.Equal(t, math.Float64bits(want), math.Float64bits(got), "float32 %v (bits %#x): want %v, got %v", f, math.Float32bits(f), want, got)
	}
	for _, f := range []float32{0, float32(math.Copysign(0, -1))} {
		got, ok := jsonFloat(f)
		require.True(t, ok)
		assert.Equal(t, math.Float64bits(float64(f)), math.Float64bits(got), "zero keeps its sign")
	}
	for _, f := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		_, ok := jsonFloat(f)
		assert.False(t, ok, "%v has no float format", f)
	}
}

func TestJSONFloatRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 2_000_000 {
		var f float32
		if i%2 == 0 {
			f = math.Float32frombits(rng.Uint32())
		} else {
			f = float32(rng.NormFloat64() * 0.03) // embedding-like
		}
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			continue
		}
		got, _ := jsonFloat(f)
		if want := floatFormatValue(f); math.Float64bits(want) != math.Float64bits(got) {
			t.Fatalf("float32 bits %#x: want %v, got %v", math.Float32bits(f), want, got)
		}
	}
}

// TestJSONFloatExhaustive checks every float32; it takes minutes, so it
// runs only when KOSMO_EXHAUSTIVE is set.
func TestJSONFloatExhaustive(t *testing.T) {
	if os.Getenv("KOSMO_EXHAUSTIVE") == "" {
		t.Skip("set KOSMO_EXHAUSTIVE=1 to check all 2^32 float32 values")
	}
	workers := runtime.GOMAXPROCS(0)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		bad  []string
		span = (uint64(1) << 32) / uint64(workers)
	)
	for w := range workers {
		lo := uint64(w) * span
		hi := lo + span
		if w == workers-1 {
			hi = 1 << 32
		}
		wg.Go(func() {
			for b := lo; b < hi; b++ {
				f := math.Float32frombits(uint32(b))
				if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
					continue
				}
				got, _ := jsonFloat(f)
				if want := floatFormatValue(f); math.Float64bits(want) != math.Float64bits(got) {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("%#x: want %v, got %v", b, want, got))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	require.Empty(t, bad)
}

// fakeEmbeddings asks the fake for embeddings of inputs in the given format
// and returns the response body.
func fakeEmbeddings(t *testing.T, srv *openaitest.Server, model string, inputs []string, format string) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{"model": model, "input": inputs, "encoding_format": format})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.BaseURL()+"/embeddings", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+openaitest.DefaultAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", data)
	return data
}

// sameJSONValue requires two JSON-shaped values to be equal, numbers bit
// for bit, with []float64 standing for an array of numbers.
func sameJSONValue(t *testing.T, want, got any, path string) {
	t.Helper()
	if floats, ok := got.([]float64); ok {
		items, ok := want.([]any)
		require.True(t, ok, "%s: array expected, got %T", path, want)
		require.Len(t, floats, len(items), path)
		for i, f := range floats {
			w, ok := items[i].(float64)
			require.True(t, ok, "%s[%d]", path, i)
			if math.Float64bits(w) != math.Float64bits(f) {
				require.Failf(t, "different number", "%s[%d]: float format %v, base64 %v", path, i, w, f)
			}
		}
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		require.True(t, ok, "%s: object expected, got %T", path, got)
		require.Len(t, g, len(w), "%s: keys", path)
		for k, v := range w {
			sameJSONValue(t, v, g[k], path+"."+k)
		}
	case []any:
		g, ok := got.([]any)
		require.True(t, ok, "%s: array expected, got %T", path, got)
		require.Len(t, g, len(w), path)
		for i := range w {
			sameJSONValue(t, w[i], g[i], fmt.Sprintf("%s[%d]", path, i))
		}
	default:
		require.Equal(t, want, got, path)
	}
}

func TestBase64EmbeddingsEqualTheFloatFormat(t *testing.T) {
	srv := openaitest.NewServer()
	t.Cleanup(srv.Close)
	many := make([]string, 100)
	for i := range many {
		many[i] = fmt.Sprintf("input %d: the quick brown fox %d jumps over the lazy dog", i, i*i)
	}
	tests := []struct {
		name   string
		model  string
		inputs []string
	}{
		{"one input", "text-embedding-3-small", []string{"The quick brown fox"}},
		{"100 inputs", "text-embedding-3-small", many},
		{"large model", "text-embedding-3-large", many[:10]},
		{"ada", "text-embedding-ada-002", many[:3]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want any
			require.NoError(t, json.Unmarshal(fakeEmbeddings(t, srv, tt.model, tt.inputs, "float"), &want))
			b64 := fakeEmbeddings(t, srv, tt.model, tt.inputs, "base64")
			res, err := decodeEmbedding(&in.Response{Status: 200, Body: b64}, in.Args{"model": tt.model})
			require.NoError(t, err)
			require.Nil(t, res.JSON)
			sameJSONValue(t, want, res.Value, "$")
			_, isVector := res.Value.(map[string]any)["data"].([]any)[0].(map[string]any)["embedding"].([]float64)
			assert.True(t, isVector, "vectors come as []float64")
		})
	}
}

// vectorB64 encodes float32 values as the API's base64 format does.
func vectorB64(v ...float32) string {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestDecodeEmbeddingBodies(t *testing.T) {
	vec := vectorB64(0.1, -0.25, 1e-7)
	floats := []float64{0.1, -0.25, 1e-7}
	tests := []struct {
		name    string
		body    string
		want    any    // the Value, when decoded
		asJSON  bool   // the body is handed on as JSON
		wantErr string // an error naming the problem
	}{
		{"list", `{"object":"list","data":[{"object":"embedding","index":0,"embedding":"` + vec + `"}],"model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}`,
			map[string]any{"object": "list", "data": []any{map[string]any{"object": "embedding", "index": 0.0, "embedding": floats}}, "model": "m",
				"usage": map[string]any{"prompt_tokens": 2.0, "total_tokens": 2.0}}, false, ""},
		{"unknown fields kept", `{"data":[{"embedding":"` + vec + `","extra":{"embedding":"AAAA"}}],"meta":{"embedding":"keep"},"n":null}`,
			map[string]any{"data": []any{map[string]any{"embedding": floats, "extra": map[string]any{"embedding": "AAAA"}}}, "meta": map[string]any{"embedding": "keep"}, "n": nil}, false, ""},
		{"escaped slash", `{"data":[{"embedding":"` + strings.ReplaceAll(vectorB64(float32(math.Float32frombits(0xbfbfbfbf))), "/", `\/`) + `"}]}`,
			map[string]any{"data": []any{map[string]any{"embedding": []float64{floatFormatValue(math.Float32frombits(0xbfbfbfbf))}}}}, false, ""},
		{"escaped key", `{"data":[{"\u0065mbedding":"` + vec + `"}]}`,
			map[string]any{"data": []any{map[string]any{"embedding": floats}}}, false, ""},
		{"duplicate key, last wins", `{"data":[{"embedding":"` + vectorB64(5) + `","embedding":"` + vec + `"}]}`,
			map[string]any{"data": []any{map[string]any{"embedding": floats}}}, false, ""},
		{"whitespace", " {\n \"data\" : [ { \"embedding\" :\t\"" + vec + "\" } ] }\n",
			map[string]any{"data": []any{map[string]any{"embedding": floats}}}, false, ""},
		{"empty vector", `{"data":[{"embedding":""}]}`, map[string]any{"data": []any{map[string]any{"embedding": []float64{}}}}, false, ""},
		{"floats anyway", `{"data":[{"embedding":[0.1,-0.25]}]}`, nil, true, ""},
		{"nested array, then a vector", `{"data":[{"embedding":[["x"],"y"]},{"embedding":"` + vec + `"}]}`,
			map[string]any{"data": []any{map[string]any{"embedding": []any{[]any{"x"}, "y"}}, map[string]any{"embedding": floats}}}, false, ""},
		{"floats, then a vector", `{"data":[{"embedding":[1,2]},{"embedding":"` + vec + `"}]}`,
			map[string]any{"data": []any{map[string]any{"embedding": []any{1.0, 2.0}}, map[string]any{"embedding": floats}}}, false, ""},
		{"error body", `{"error":{"message":"x"}}`, nil, true, ""},
		{"not JSON", `{"data":[{"embedding":"` + vec + `"}]`, nil, true, ""},
		{"unterminated", `{"data":[{"embedding":"AAAA`, nil, true, ""},
		{"control character", "{\"data\":[{\"embedding\":\"AAAA\nAAAA\"}]}", nil, true, ""},
		{"not base64", `{"data":[{"embedding":"not base64!"}]}`, nil, false, "data[0].embedding: base64 float32 data expected"},
		{"not whole floats", `{"data":[{"embedding":"AAAAAAA="}]}`, nil, false, "5 bytes is not a whole number"},
		{"NaN", `{"data":[{"embedding":"` + vectorB64(float32(math.NaN())) + `"}]}`, nil, false, "cannot hold"},
		{"top level array", `[{"data":[{"embedding":"` + vec + `"}]}]`, nil, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := decodeEmbedding(&in.Response{Status: 200, Body: []byte(tt.body)}, in.Args{})
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			if tt.asJSON {
				assert.Equal(t, tt.body, string(res.JSON))
				assert.Nil(t, res.Value)
				return
			}
			require.Nil(t, res.JSON)
			assert.Equal(t, tt.want, res.Value)
		})
	}
}

func TestEmbeddingRequestFormat(t *testing.T) {
	tests := []struct {
		name string
		args in.Args
		want map[string]any
	}{
		{"base64 unless chosen", in.Args{"model": "m", "input": "x"}, map[string]any{"model": "m", "input": "x", "encoding_format": "base64"}},
		{"a chosen format is kept", in.Args{"model": "m", "input": "x", "encoding_format": "float"}, map[string]any{"model": "m", "input": "x", "encoding_format": "float"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := buildEmbedding(tt.args)
			require.NoError(t, err)
			assert.Equal(t, "/embeddings", req.Path)
			var body map[string]any
			require.NoError(t, json.Unmarshal(req.Body, &body))
			assert.Equal(t, tt.want, body)
		})
	}
	t.Run("a chosen format is decoded as sent", func(t *testing.T) {
		body := []byte(`{"data":[{"embedding":"` + vectorB64(1) + `"}]}`)
		res, err := decodeEmbedding(&in.Response{Status: 200, Body: body}, in.Args{"encoding_format": "base64"})
		require.NoError(t, err)
		assert.Equal(t, body, res.JSON)
	})
}

// expandVectors is what decodeEmbedding should give for a valid document:
// the document with each string at data[*].embedding decoded.
func expandVectors(t *testing.T, doc any) (any, bool) {
	m, ok := doc.(map[string]any)
	if !ok {
		return doc, false
	}
	data, _ := m["data"].([]any)
	found := false
	var buf []byte
	for _, item := range data {
		it, ok := item.(map[string]any)
		if !ok {
			continue
		}
		if s, ok := it["embedding"].(string); ok {
			vec, err := decodeVector([]byte(s), &buf)
			require.NoError(t, err)
			it["embedding"] = vec
			found = true
		}
	}
	return doc, found
}

func checkDecodeEmbedding(t *testing.T, body []byte) {
	t.Helper()
	res, err := decodeEmbedding(&in.Response{Status: 200, Body: body}, in.Args{})
	var ref any
	refErr := json.Unmarshal(body, &ref)
	if err != nil {
		require.NoError(t, refErr, "only a valid document with a bad vector is an error: %q", body)
		return
	}
	if res.JSON != nil {
		require.Equal(t, body, res.JSON, "handed on unchanged")
		if refErr == nil {
			_, found := expandVectors(t, ref)
			require.False(t, found, "a base64 vector was handed on as text: %q", body)
		}
		return
	}
	require.NoError(t, refErr, "decoded an invalid document: %q", body)
	want, _ := expandVectors(t, ref)
	require.Equal(t, want, res.Value, "document %q", body)
}

func TestDecodeEmbeddingRandomDocuments(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range 2000 {
		body := randomEmbeddingList(rng)
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			checkDecodeEmbedding(t, body)
			for range 4 {
				damaged := bytes.Clone(body)
				k := rng.IntN(len(damaged))
				switch rng.IntN(3) {
				case 0:
					damaged[k] = `{}[],:"\ ab0`[rng.IntN(12)]
				case 1:
					damaged = append(damaged[:k], damaged[k+1:]...)
				default:
					damaged = damaged[:k]
				}
				checkDecodeEmbedding(t, damaged)
			}
		})
	}
}

// randomEmbeddingList writes an embeddings list with random extra fields,
// key spellings, whitespace and vector encodings.
func randomEmbeddingList(rng *rand.Rand) []byte {
	ws := func() string { return []string{"", " ", "\n  ", "\t"}[rng.IntN(4)] }
	key := func(k string) string {
		if rng.IntN(8) == 0 {
			return `"\u00` + strconv.FormatInt(int64(k[0]), 16) + k[1:] + `"`
		}
		return strconv.Quote(k)
	}
	vector := func() string {
		v := make([]float32, rng.IntN(6))
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 0.05)
		}
		switch rng.IntN(6) {
		case 0: // floats
			parts := make([]string, len(v))
			for i, f := range v {
				parts[i] = strconv.FormatFloat(float64(f), 'g', -1, 32)
			}
			return "[" + strings.Join(parts, ",") + "]"
		case 1: // escaped slashes
			return `"` + strings.ReplaceAll(vectorB64(v...), "/", `\/`) + `"`
		case 2: // a string that is not a vector
			return `"` + []string{"not base64", "AAAAAAA=", `a\"b`, "\\u0041AAA"}[rng.IntN(4)] + `"`
		}
		return `"` + vectorB64(v...) + `"`
	}
	other := func() string {
		return []string{`null`, `1`, `"embedding"`, `{"embedding":"AAAA"}`, `["data",{"embedding":"x"}]`, `"\"]}"`, `true`}[rng.IntN(7)]
	}
	var b strings.Builder
	b.WriteString("{" + ws() + key("object") + ":" + ws() + `"list",`)
	b.WriteString(key("data") + ":" + ws() + "[")
	for i := range rng.IntN(4) {
		if i > 0 {
			b.WriteString("," + ws())
		}
		b.WriteString("{" + key("object") + `:"embedding",` + ws() + key("index") + ":" + strconv.Itoa(i))
		for range rng.IntN(3) {
			if rng.IntN(2) == 0 {
				b.WriteString("," + key("embedding") + ":" + ws() + vector())
			} else {
				b.WriteString("," + key([]string{"extra", "embeddings", "data"}[rng.IntN(3)]) + ":" + other())
			}
		}
		b.WriteString(ws() + "}")
	}
	b.WriteString("]," + ws() + key("model") + `:"m",` + key("meta") + ":" + other() + "}")
	return []byte(b.String())
}

func FuzzDecodeEmbedding(f *testing.F) {
	for _, seed := range []string{`{"data":[{"embedding":"` + vectorB64(0.5, -1) + `"}]}`, `{"data":[{"embedding":[1,2]}]}`,
		`{"data":[{"\u0065mbedding":"AAAAAA=="}],"x":"\"]"}`, `[]`, `{"data":[{"embedding":"AAAA\nAAAA"}]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkDecodeEmbedding(t, body) })
}
