package ratelimit

import (
	"encoding/json"
	"unicode/utf8"
)

// Token estimates, before sending, as OpenAI's own limiter counts a
// request against a tokens-per-minute budget: the prompt's tokens plus the
// most the answer may use (max_tokens, max_completion_tokens or
// max_output_tokens; nothing when unset). The answer's usage then corrects
// the budget: shares given back when the estimate was high, taken when low.
const (
	// charsPerToken is OpenAI's rule of thumb for English text: a token is
	// about four characters.
	charsPerToken = 4
	// perMessage is the tokens each chat message adds (role and framing),
	// and perReply the tokens that prime the answer, as OpenAI's cookbook
	// counts them for its chat models.
	perMessage = 3
	perReply   = 3
)

// request is what an estimate reads of a JSON request body.
type request struct {
	Model               string            `json:"model"`
	Messages            []json.RawMessage `json:"messages"`
	Input               json.RawMessage   `json:"input"`
	Instructions        string            `json:"instructions"`
	MaxTokens           int               `json:"max_tokens"`
	MaxCompletionTokens int               `json:"max_completion_tokens"`
	MaxOutputTokens     int               `json:"max_output_tokens"`
	N                   int               `json:"n"`
}

// Estimate reads a JSON request body: the model it names ("" when none,
// or when the body is not JSON) and the tokens it will use.
func Estimate(body []byte) (model string, tokens int) {
	var r request
	if len(body) == 0 || json.Unmarshal(body, &r) != nil {
		return "", 0
	}
	out := max(r.MaxTokens, r.MaxCompletionTokens, r.MaxOutputTokens) * max(r.N, 1)
	switch {
	case r.Messages != nil:
		n := perReply
		for _, m := range r.Messages {
			n += perMessage + textTokens(m)
		}
		return r.Model, n + out
	case r.Input != nil:
		return r.Model, inputTokens(r.Input) + textTokens(mustJSON(r.Instructions)) + out
	}
	return r.Model, 0
}

// inputTokens counts an embeddings or responses input: a string, an array
// of token ids (counted exactly), or anything else by its text.
func inputTokens(raw json.RawMessage) int {
	var ids []int64
	if json.Unmarshal(raw, &ids) == nil {
		return len(ids)
	}
	var idLists [][]int64
	if json.Unmarshal(raw, &idLists) == nil {
		n := 0
		for _, l := range idLists {
			n += len(l)
		}
		return n
	}
	return textTokens(raw)
}

// textTokens estimates the tokens of the text in a JSON value: the
// characters of its strings (object keys aside) over charsPerToken,
// rounded up.
func textTokens(raw json.RawMessage) int {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return 0
	}
	chars := countChars(v)
	return (chars + charsPerToken - 1) / charsPerToken
}

func countChars(v any) int {
	switch v := v.(type) {
	case string:
		return utf8.RuneCountInString(v)
	case []any:
		n := 0
		for _, e := range v {
			n += countChars(e)
		}
		return n
	case map[string]any:
		n := 0
		for k, e := range v {
			if k == "role" || k == "type" {
				continue // framing, counted in perMessage
			}
			n += countChars(e)
		}
		return n
	}
	return 0
}

func mustJSON(s string) json.RawMessage {
	data, _ := json.Marshal(s)
	return data
}

// Usage reads the tokens an answer used from its usage object
// (total_tokens, else prompt/input plus completion/output tokens); ok is
// false when it has none.
func Usage(body []byte) (tokens int, ok bool) {
	var r struct {
		Usage *struct {
			Total      *int `json:"total_tokens"`
			Prompt     int  `json:"prompt_tokens"`
			Completion int  `json:"completion_tokens"`
			Input      int  `json:"input_tokens"`
			Output     int  `json:"output_tokens"`
		} `json:"usage"`
	}
	if json.Unmarshal(body, &r) != nil || r.Usage == nil {
		return 0, false
	}
	if r.Usage.Total != nil {
		return *r.Usage.Total, true
	}
	return r.Usage.Prompt + r.Usage.Completion + r.Usage.Input + r.Usage.Output, true
}
