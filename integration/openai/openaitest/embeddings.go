package openaitest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// maxEmbeddingTokens is the real models' context length per input, and
// maxEmbeddingRequestTokens their limit for all inputs of one request.
const (
	maxEmbeddingTokens        = 8192
	maxEmbeddingRequestTokens = 300000
)

type embeddingResponse struct {
	Object string          `json:"object"`
	Data   []embeddingItem `json:"data"`
	Model  string          `json:"model"`
	Usage  embeddingUsage  `json:"usage"`
}

type embeddingItem struct {
	Object    string          `json:"object"`
	Index     int             `json:"index"`
	Embedding json.RawMessage `json:"embedding"` // float array or base64 string
}

type embeddingUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

// embeddingInput is one input: a text, or already tokenised ids.
type embeddingInput struct {
	text   string
	tokens []int64
}

func (h *Handler) embeddings(w http.ResponseWriter, r *http.Request) error {
	body, _ := io.ReadAll(r.Body)
	c := &checker{}
	o := c.parseBody(body)
	o.require("input", "model")
	o.only("input", "model", "encoding_format", "dimensions", "user")
	model := o.reqStr("model")
	inputs := parseEmbeddingInput(c, o)
	format := o.enum("encoding_format", "float", "float", "base64")
	o.str("user")
	if c.failed() {
		return c.Err()
	}
	m, err := h.modelFor(embeddingsEndpoint, model)
	if err != nil {
		return err
	}
	dims := m.dims
	if o.has("dimensions") {
		if m.fixedDims {
			return invalidRequest("dimensions", "", "This model does not support specifying dimensions.")
		}
		dims = int(o.intIn("dimensions", int64(dims), 1, int64(dims)))
		if c.failed() {
			return c.Err()
		}
	}

	resp := embeddingResponse{Object: "list", Model: model, Data: make([]embeddingItem, 0, len(inputs))}
	for i, in := range inputs {
		n := len(in.tokens)
		if in.tokens == nil {
			n = CountTokens(in.text)
		}
		if n > maxEmbeddingTokens {
			return invalidRequest("input", "context_length_exceeded",
				"This model's maximum context length is %d tokens, however you requested %d tokens (%d in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
				maxEmbeddingTokens, n, n)
		}
		resp.Usage.PromptTokens += n
		if resp.Usage.PromptTokens > maxEmbeddingRequestTokens {
			return invalidRequest("input", "max_tokens_per_request",
				"Requested %d tokens, max %d tokens per request", resp.Usage.PromptTokens, maxEmbeddingRequestTokens)
		}
		vec := embed(in, dims)
		var enc json.RawMessage
		if format == "base64" {
			enc, _ = json.Marshal(base64.StdEncoding.EncodeToString(float32Bytes(vec)))
		} else {
			enc = floatArray(vec)
		}
		resp.Data = append(resp.Data, embeddingItem{Object: "embedding", Index: i, Embedding: enc})
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// parseEmbeddingInput reads "input": a string, an array of up to 2048
// strings, an array of token ids, or an array of such arrays. Empty strings
// and arrays are refused.
func parseEmbeddingInput(c *checker, o object) []embeddingInput {
	raw, ok := o.raw("input")
	if !ok {
		return nil
	}
	if jsonKind(raw) == "string" {
		s, _ := c.stringAt("input", raw)
		o.strLen("input", s, 1, 0)
		return []embeddingInput{{text: s}}
	}
	items, ok := c.arrayAt("input", raw, 1, 2048)
	if !ok {
		if !c.failed() {
			c.typeError("input", "string", raw)
		}
		return nil
	}
	switch jsonKind(items[0]) {
	case "integer", "decimal": // one tokenised input
		return []embeddingInput{{tokens: parseTokenIDs(c, "input", items)}}
	}
	var out []embeddingInput
	for i, it := range items {
		p := indexed("input", i)
		if jsonKind(it) == "array" {
			ids, ok := c.arrayAt(p, it, 1, 0)
			if !ok {
				return nil
			}
			out = append(out, embeddingInput{tokens: parseTokenIDs(c, p, ids)})
			continue
		}
		s, ok := c.stringAt(p, it)
		if !ok {
			return nil
		}
		if s == "" {
			c.fail(invalidRequest(p, "empty_string",
				"Invalid '%s': empty string. Expected a string with minimum length 1, but got an empty string instead.", p))
			return nil
		}
		out = append(out, embeddingInput{text: s})
	}
	return out
}

func parseTokenIDs(c *checker, param string, items []json.RawMessage) []int64 {
	ids := make([]int64, 0, len(items))
	for i, it := range items {
		p := indexed(param, i)
		n, ok := c.intAt(p, it)
		if !ok || !c.intRange(p, n, 0, math.MaxInt32) {
			return nil
		}
		ids = append(ids, n)
	}
	return ids
}

// embed computes a deterministic unit vector for one input with the hashing
// trick: every lowercased word (or token id) adds ±1 at 4 dimensions chosen
// by hashing it, and a small pseudo-random component seeded by the whole
// text keeps different texts apart. Texts sharing words therefore get a
// clearly higher cosine similarity than unrelated ones.
func embed(in embeddingInput, dims int) []float32 {
	v := make([]float64, dims)
	feats := words(in.text)
	seed := in.text
	if in.tokens != nil {
		feats = make([]string, len(in.tokens))
		for i, t := range in.tokens {
			feats[i] = "#" + strconv.FormatInt(t, 10)
		}
		seed = strings.Join(feats, " ")
	}
	for _, f := range feats {
		for k := range 4 {
			hv := hash64(strconv.Itoa(k) + "\x00" + f)
			i := int(hv % uint64(dims))
			if hv>>63 == 1 {
				v[i]--
			} else {
				v[i]++
			}
		}
	}
	rng := hash64("text\x00" + seed)
	for i := range v {
		rng = splitmix64(rng)
		// Uniform in [-0.05, 0.05).
		v[i] += (float64(rng>>11)/(1<<53) - 0.5) * 0.1
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	norm = math.Sqrt(norm)
	out := make([]float32, dims)
	if norm == 0 {
		out[0] = 1
		return out
	}
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return splitmix64(h.Sum64()) // FNV alone mixes the low bits poorly
}

// splitmix64 is one step of the SplitMix64 generator, used as a mixer.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// floatArray renders a vector as a JSON array of float32 values, each in the
// shortest form that reads back as the same float32.
func floatArray(v []float32) json.RawMessage {
	b := make([]byte, 0, len(v)*12+2)
	b = append(b, '[')
	for i, f := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, float64(f), 'g', -1, 32)
	}
	return append(b, ']')
}

// float32Bytes is the little-endian IEEE 754 encoding of v, the payload of
// encoding_format "base64".
func float32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}
