package ratelimit

import (
	"bytes"
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
// characters of its string values (keys, and the values of "role" and
// "type", which are framing, aside) over charsPerToken, rounded up.
func textTokens(raw json.RawMessage) int {
	chars := textChars(raw)
	return (chars + charsPerToken - 1) / charsPerToken
}

// textChars counts the characters of the string values of a valid JSON
// text, as textTokens says, without decoding it: an escape sequence is
// one character.
func textChars(raw []byte) int {
	chars := 0
	framing := false // the last key was role or type
	for i := 0; i < len(raw); i++ {
		if raw[i] != '"' {
			continue
		}
		start, n := i+1, 0
		for i++; i < len(raw) && raw[i] != '"'; i++ {
			if raw[i] == '\\' {
				i++
				if i < len(raw) && raw[i] == 'u' {
					i += 4
				}
			} else if raw[i] >= 0x80 && !utf8.RuneStart(raw[i]) {
				continue
			}
			n++
		}
		j := i + 1
		for j < len(raw) && (raw[j] == ' ' || raw[j] == '\t' || raw[j] == '\n' || raw[j] == '\r') {
			j++
		}
		if j < len(raw) && raw[j] == ':' {
			key := string(raw[start:min(i, len(raw))])
			framing = key == "role" || key == "type"
			continue
		}
		if !framing {
			chars += n
		}
		framing = false
	}
	return chars
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
	// Only the top-level usage object is read, not the whole answer: a
	// key cannot hide in a string value (its quotes would be escaped),
	// and the top-level usage comes after any nested one.
	i := bytes.LastIndex(body, []byte(`"usage"`))
	if i < 0 {
		return 0, false
	}
	if json.Unmarshal(append(append([]byte("{"), usageObject(body[i:])...), '}'), &r) != nil || r.Usage == nil {
		return 0, false
	}
	if r.Usage.Total != nil {
		return *r.Usage.Total, true
	}
	return r.Usage.Prompt + r.Usage.Completion + r.Usage.Input + r.Usage.Output, true
}

// usageObject returns the `"usage": {…}` member that starts member, up to
// its closing brace (all of member when it has none).
func usageObject(member []byte) []byte {
	depth, inString := 0, false
	for i := 0; i < len(member); i++ {
		c := member[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return member[:i+1]
			}
		}
	}
	return member
}
