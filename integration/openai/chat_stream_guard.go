package openai

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"slices"

	in "github.com/kosmo-run/kosmo/integration"
)

// chunkGuard keeps the account's key out of the chunks of a streamed chat
// completion when it comes split across them: each piece of text a chunk
// adds (a choice's content or refusal, a tool call's arguments) goes
// through an in.KeyHold of its own, which holds back the end of the text
// while it could be the start of the key. What is held back goes out with
// the next piece of the same text, with the chunk that finishes the choice
// (finish_reason), or in a chunk of its own at the stream's end. A chunk
// is written again only when a piece of it changed.
type chunkGuard struct {
	x     *in.Exchange
	holds map[textField]*in.KeyHold
}

// textField names one text a stream delivers in pieces: name is content,
// refusal or arguments (of the tool call tool; -1 for the others).
type textField struct {
	choice, tool int
	name         string
}

// chunk returns data with the pieces of its texts as they can be delivered.
func (g *chunkGuard) chunk(data []byte) ([]byte, error) {
	var ch map[string]any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&ch); err != nil {
		return nil, err
	}
	changed := false
	choices, _ := ch["choices"].([]any)
	for _, c := range choices {
		cm, ok := c.(map[string]any)
		if !ok {
			continue
		}
		if g.choice(cm) {
			changed = true
		}
	}
	if !changed {
		return data, nil
	}
	return marshalChunk(ch)
}

// choice passes the texts of one choice of a chunk, and reports whether
// it changed.
func (g *chunkGuard) choice(cm map[string]any) bool {
	idx := intOf(cm["index"])
	finish := cm["finish_reason"] != nil
	delta, _ := cm["delta"].(map[string]any)
	if delta == nil {
		delta = map[string]any{}
	}
	changed := false
	for _, name := range [...]string{"content", "refusal"} {
		changed = g.pass(delta, name, textField{idx, -1, name}, finish) || changed
	}
	calls, _ := delta["tool_calls"].([]any)
	seen := map[int]bool{}
	for _, tc := range calls {
		tm, ok := tc.(map[string]any)
		if !ok {
			continue
		}
		j := intOf(tm["index"])
		seen[j] = true
		fn, _ := tm["function"].(map[string]any)
		if fn == nil {
			fn = map[string]any{}
		}
		if g.pass(fn, "arguments", textField{idx, j, "arguments"}, finish) {
			tm["function"], changed = fn, true
		}
	}
	if finish {
		// Arguments held back of tool calls this chunk does not name.
		for _, f := range slices.SortedFunc(maps.Keys(g.holds), compareFields) {
			if f.choice == idx && f.name == "arguments" && !seen[f.tool] && g.holds[f].Held() {
				calls = append(calls, map[string]any{"index": f.tool, "function": map[string]any{"arguments": g.holds[f].Flush()}})
				delta["tool_calls"], changed = calls, true
			}
		}
	}
	if changed {
		cm["delta"] = delta
	}
	return changed
}

// pass replaces obj[name], a piece of the text f, with what of it can be
// delivered, and reports whether it changed. A chunk that finishes the
// choice delivers all that was held back.
func (g *chunkGuard) pass(obj map[string]any, name string, f textField, finish bool) bool {
	piece, present := obj[name].(string)
	h := g.holds[f]
	if !present && (h == nil || !h.Held() || !finish) {
		return false
	}
	if h == nil {
		if g.holds == nil {
			g.holds = map[textField]*in.KeyHold{}
		}
		h = g.x.KeyHold()
		g.holds[f] = h
	}
	out := h.Next(piece)
	if finish {
		out += h.Flush()
	}
	if present && out == piece {
		return false
	}
	obj[name] = out
	return true
}

// flush returns a chunk with the text still held back at the stream's end
// (of choices no chunk finished), or nil.
func (g *chunkGuard) flush(asm *chatAssembly) []byte {
	byChoice := map[int]map[string]any{}
	for _, f := range slices.SortedFunc(maps.Keys(g.holds), compareFields) {
		h := g.holds[f]
		if !h.Held() {
			continue
		}
		delta := byChoice[f.choice]
		if delta == nil {
			delta = map[string]any{}
			byChoice[f.choice] = delta
		}
		if f.name != "arguments" {
			delta[f.name] = h.Flush()
			continue
		}
		calls, _ := delta["tool_calls"].([]any)
		delta["tool_calls"] = append(calls, map[string]any{"index": f.tool, "function": map[string]any{"arguments": h.Flush()}})
	}
	if len(byChoice) == 0 {
		return nil
	}
	choices := []any{}
	for _, i := range slices.Sorted(maps.Keys(byChoice)) {
		choices = append(choices, map[string]any{"index": i, "delta": byChoice[i], "finish_reason": nil})
	}
	out, _ := marshalChunk(map[string]any{"id": asm.id, "object": "chat.completion.chunk", "created": asm.created,
		"model": asm.model, "choices": choices}) // maps of strings and numbers always marshal
	return out
}

// compareFields orders texts by choice, then tool call, then name.
func compareFields(a, b textField) int {
	return cmp.Or(cmp.Compare(a.choice, b.choice), cmp.Compare(a.tool, b.tool), cmp.Compare(a.name, b.name))
}

// marshalChunk writes a chunk again, without escaping <, > and &.
func marshalChunk(ch map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ch); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// intOf reads a JSON number decoded with UseNumber; 0 when it is not one.
func intOf(v any) int {
	n, _ := v.(json.Number)
	i, _ := n.Int64()
	return int(i)
}
