//go:build conformance

package conformance

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// luaExpr is Lua source placed as it is, such as "thread.id".
type luaExpr string

// args are a call's arguments, written as Go values and rendered as a Lua
// table: maps are tables with sorted keys, slices are sequences.
type args map[string]any

// with returns a copy of a with more arguments.
func (a args) with(kv ...any) args {
	out := maps.Clone(a)
	if out == nil {
		out = args{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// render writes v as a Lua expression.
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case luaExpr:
		return string(x)
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case args:
		return render(map[string]any(x))
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("[%q] = %s", k, render(x[k]))
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e)
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	panic(fmt.Sprintf("render: unsupported %T", v))
}

// call is the Lua source of one call of fn; nil arguments make a call with
// no argument at all.
func call(fn string, a args) string {
	if a == nil {
		return "return oa." + fn + "()"
	}
	return "return oa." + fn + "(" + render(a) + ")"
}

// b64 is base64, as scripts pass file contents.
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// binaryAudio is a WAV header followed by bytes that are not UTF-8: what the
// proxy would garble, so it goes to the mock.
func binaryAudio() string {
	b := []byte("RIFF\x2c\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x08\x00\x00\x00")
	b = append(b, 0x00, 0x80, 0xff, 0x7f, 0xfe, 0x01, 0xc3, 0x28)
	return string(b)
}
