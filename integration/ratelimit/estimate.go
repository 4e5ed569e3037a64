package ratelimit

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
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

// Bounds of the token counts a request names, so that an estimate never
// overflows: the API refuses max_tokens, max_completion_tokens and
// max_output_tokens above maxTokens, and n above maxChoices.
const (
	maxTokens  = 1<<31 - 1
	maxChoices = 128
)

// maxFormValue bounds what is read of a multipart field's value: a model
// name is far shorter.
const maxFormValue = 256

// Estimate reads a request body, JSON or multipart/form-data as
// contentType says: the model it names and the tokens it will use.
//
// Each field is read on its own, so that a value the estimate cannot use
// (a count beyond any int, a string in place of a number, messages that
// are not a list) costs only its own share of the estimate, never the
// model and with it the budget: numbers are read as float64 and clamped
// to [0, maxTokens] (n to [1, maxChoices], the answer's share to
// maxTokens), and a model that is not a string is named by its JSON text.
// Of a multipart body (an upload) only the model field is read, the file
// parts skipped as they stream past, and no tokens are estimated: the
// call counts against its model's request budget, and its usage, if the
// answer has one, is not read.
//
// model is "" when the body names none (or is neither JSON nor
// multipart): the account's budgets are per model, as OpenAI's are, so
// there is no budget such a call could count against, and it is sent at
// once.
func Estimate(contentType string, body []byte) (model string, tokens int) {
	if len(body) == 0 {
		return "", 0
	}
	if mediaType, params, err := mime.ParseMediaType(contentType); err == nil && mediaType == "multipart/form-data" {
		return formModel(body, params["boundary"]), 0
	}
	var r map[string]json.RawMessage
	if json.Unmarshal(body, &r) != nil {
		return "", 0
	}
	model = modelName(r["model"])
	out := max(count(r["max_tokens"], maxTokens), count(r["max_completion_tokens"], maxTokens), count(r["max_output_tokens"], maxTokens))
	out = min(out*max(count(r["n"], maxChoices), 1), maxTokens)
	var messages []json.RawMessage
	switch {
	case json.Unmarshal(r["messages"], &messages) == nil && messages != nil:
		n := perReply
		for _, m := range messages {
			n += perMessage + textTokens(m)
		}
		return model, n + out
	case r["messages"] != nil && string(r["messages"]) != "null":
		// Not a list: its text, with the framing of one message.
		return model, perReply + perMessage + textTokens(r["messages"]) + out
	case r["input"] != nil:
		return model, inputTokens(r["input"]) + textTokens(r["instructions"]) + out
	}
	return model, 0
}

// modelName reads a model value: a string, else its JSON text (a model
// the API will refuse still takes its share, as the request is sent).
func modelName(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if raw = bytes.TrimSpace(raw); len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// count reads a token count: a number clamped to [0, limit], rounded
// down; 0 when absent or not a number.
func count(raw json.RawMessage, limit int) int {
	var f float64
	if json.Unmarshal(raw, &f) != nil || !(f > 0) {
		return 0
	}
	return int(min(f, float64(limit)))
}

// formModel reads the model field of a multipart/form-data body. The
// parts before it (the file comes first in kosmo's uploads) are skipped
// as the reader scans past them, not copied; "" when there is no model
// field or the body breaks off before it.
func formModel(body []byte, boundary string) string {
	if boundary == "" {
		return ""
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			return ""
		}
		if p.FormName() == "model" {
			v, _ := io.ReadAll(io.LimitReader(p, maxFormValue))
			return strings.TrimSpace(string(v))
		}
	}
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

// Usage reads the tokens an answer used from its usage object
// (total_tokens, else prompt/input plus completion/output tokens); ok is
// false when it has none.
func Usage(body []byte) (tokens int, ok bool) {
	// Only the top-level usage object is read, not the whole answer: a
	// key cannot hide in a string value (its quotes would be escaped),
	// and the top-level usage comes after any nested one.
	i := bytes.LastIndex(body, []byte(`"usage"`))
	if i < 0 {
		return 0, false
	}
	member := usageObject(body[i:])
	if tokens, ok, sure := scanUsage(member); sure {
		return tokens, ok
	}
	return decodeUsage(member)
}

// usage is what Usage reads of a usage object.
type usage struct {
	Total      *int `json:"total_tokens"`
	Prompt     int  `json:"prompt_tokens"`
	Completion int  `json:"completion_tokens"`
	Input      int  `json:"input_tokens"`
	Output     int  `json:"output_tokens"`
}

func (u *usage) tokens() int {
	if u.Total != nil {
		return *u.Total
	}
	return u.Prompt + u.Completion + u.Input + u.Output
}

// decodeUsage is Usage of the member `"usage": …` with encoding/json.
func decodeUsage(member []byte) (tokens int, ok bool) {
	var r struct {
		Usage *usage `json:"usage"`
	}
	if json.Unmarshal(append(append([]byte("{"), member...), '}'), &r) != nil || r.Usage == nil {
		return 0, false
	}
	return r.Usage.tokens(), true
}

// scanUsage is decodeUsage without reflection for the usage objects APIs
// send: plain keys, integer counts. sure is false when member holds
// anything else (an escaped, non-ASCII or differently cased key, a count
// that is not a plain integer), which decodeUsage then reads.
func scanUsage(member []byte) (tokens int, ok, sure bool) {
	p := skipSpace(member, len(`"usage"`))
	if p >= len(member) || member[p] != ':' {
		return 0, false, true // not JSON: decodeUsage fails too
	}
	val := member[skipSpace(member, p+1):]
	if !json.Valid(val) || val[0] != '{' {
		return 0, false, true // null, or not an object: no usage
	}
	var u usage
	p = skipSpace(val, 1)
	for val[p] != '}' {
		end := p + 1 + bytes.IndexByte(val[p+1:], '"') // valid: the key ends
		key := val[p+1 : end]
		if bytes.IndexByte(key, '\\') >= 0 {
			return 0, false, false
		}
		p = skipSpace(val, skipSpace(val, end+1)+1) // past the colon
		field := usageField(&u, key)
		switch {
		case field != nil:
			n, next, isInt := scanInt(val, p)
			if !isInt {
				return 0, false, false
			}
			*field, p = n, next
		case bytes.Equal(key, []byte("total_tokens")):
			if bytes.HasPrefix(val[p:], []byte("null")) {
				u.Total, p = nil, p+4
				break
			}
			n, next, isInt := scanInt(val, p)
			if !isInt {
				return 0, false, false
			}
			u.Total, p = &n, next
		case foldsToField(key):
			return 0, false, false
		default:
			p = skipValue(val, p)
		}
		p = skipSpace(val, p)
		if val[p] == ',' {
			p = skipSpace(val, p+1)
		}
	}
	return u.tokens(), true, true
}

// usageField is the count of u that key names exactly (total_tokens
// aside), or nil.
func usageField(u *usage, key []byte) *int {
	switch string(key) {
	case "prompt_tokens":
		return &u.Prompt
	case "completion_tokens":
		return &u.Completion
	case "input_tokens":
		return &u.Input
	case "output_tokens":
		return &u.Output
	}
	return nil
}

// foldsToField reports whether encoding/json could match key to a field
// of usage other than exactly: it matches names case-insensitively, with
// Unicode folds (ſ, K) among non-ASCII bytes.
func foldsToField(key []byte) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	for _, name := range []string{"total_tokens", "prompt_tokens", "completion_tokens", "input_tokens", "output_tokens"} {
		if strings.EqualFold(string(key), name) {
			return true
		}
	}
	return false
}

// scanInt reads the JSON number at data[p] when it is an integer that fits
// an int (no fraction, no exponent), returning the index after it.
func scanInt(data []byte, p int) (n, next int, ok bool) {
	end := p
	if end < len(data) && data[end] == '-' {
		end++
	}
	for end < len(data) && '0' <= data[end] && data[end] <= '9' {
		end++
	}
	if end < len(data) && (data[end] == '.' || data[end] == 'e' || data[end] == 'E') {
		return 0, 0, false
	}
	n, err := strconv.Atoi(string(data[p:end]))
	if err != nil {
		return 0, 0, false
	}
	return n, end, true
}

// skipValue returns the index after the JSON value at data[p], data being
// valid JSON.
func skipValue(data []byte, p int) int {
	depth, inString := 0, false
	for ; p < len(data); p++ {
		c := data[p]
		switch {
		case inString && c == '\\':
			p++
		case c == '"':
			inString = !inString
			if !inString && depth == 0 {
				return p + 1
			}
		case inString:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return p
			}
			if depth--; depth == 0 {
				return p + 1
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return p
		}
	}
	return p
}

func skipSpace(data []byte, p int) int {
	for p < len(data) && (data[p] == ' ' || data[p] == '\t' || data[p] == '\n' || data[p] == '\r') {
		p++
	}
	return p
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
