package luabridge

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/kosmo-run/kosmo/integration"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// maxDepth bounds nesting in both directions of conversion.
const maxDepth = 200

// ConversionError says why a Lua value cannot become JSON, and where.
type ConversionError struct {
	Path    string
	Message string
}

func (e *ConversionError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return fmt.Sprintf("parameter '%s': %s", e.Path, e.Message)
}

// shape is what the schema says a value should be, when it knows.
type shape struct {
	param *integration.Param
}

// wantsArray reports whether an empty table here means an empty array.
func (s shape) wantsArray() bool {
	p := s.param
	return p != nil && (p.Type == integration.TypeArray || (p.Or != nil && p.Or.Type == integration.TypeArray))
}

// wantsObject reports whether an empty table here means an empty object.
func (s shape) wantsObject() bool {
	p := s.param
	return p != nil && (p.Type == integration.TypeObject || (p.Or != nil && p.Or.Type == integration.TypeObject))
}

// binary reports whether a string here may hold any bytes: a base64
// parameter, which validation decodes (and refuses when it is not base64).
func (s shape) binary() bool {
	p := s.param
	return p != nil && (p.Base64 || (p.Or != nil && p.Or.Base64))
}

// field returns the shape of key k inside an object of this shape.
func (s shape) field(k string) shape {
	if s.param == nil {
		return shape{}
	}
	for i := range s.param.Fields {
		if s.param.Fields[i].Name == k {
			return shape{&s.param.Fields[i]}
		}
	}
	return shape{}
}

// item returns the shape of elements of an array of this shape.
func (s shape) item() shape {
	p := s.param
	if p == nil {
		return shape{}
	}
	if p.Type != integration.TypeArray && p.Or != nil {
		p = p.Or
	}
	if p.Items == nil {
		return shape{}
	}
	return shape{p.Items}
}

// converter turns Lua values into JSON-shaped Go values.
type converter struct {
	null    lua.LValue // the json.null sentinel
	arrayMT *lua.LTable
	objMT   *lua.LTable
	// decodedMT marks the empty arrays of decoded JSON (json.decode, call
	// results): they stay arrays unless the schema says otherwise.
	decodedMT *lua.LTable
	// lenient lets strings that are not valid UTF-8 through, for values
	// that go back to the host rather than to JSON text or an API.
	lenient bool
	seen    map[*lua.LTable]bool
}

func (c *converter) toGo(v lua.LValue, s shape, path string, depth int) (any, error) {
	switch x := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(x), nil
	case lua.LString:
		if !c.lenient && !s.binary() {
			if msg := invalidUTF8(string(x)); msg != "" {
				return nil, &ConversionError{path, msg + "; text must be UTF-8 (binary data goes base64-encoded: base64.encode)"}
			}
		}
		return string(x), nil
	case lua.LNumber:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, &ConversionError{path, fmt.Sprintf("%s cannot become JSON (finite number expected)", lua.LVAsString(x))}
		}
		return f, nil
	case *lua.LTable:
		return c.table(x, s, path, depth)
	case *lua.LUserData:
		if v == c.null {
			return nil, nil
		}
	}
	return nil, &ConversionError{path, fmt.Sprintf("a %s cannot become JSON", v.Type().String())}
}

func (c *converter) table(t *lua.LTable, s shape, path string, depth int) (any, error) {
	if depth > maxDepth {
		return nil, &ConversionError{path, fmt.Sprintf("tables nested deeper than %d levels", maxDepth)}
	}
	if c.seen[t] {
		return nil, &ConversionError{path, "table contains itself (a cycle cannot become JSON)"}
	}
	if c.seen == nil {
		c.seen = map[*lua.LTable]bool{}
	}
	c.seen[t] = true
	defer delete(c.seen, t)

	forceArray, forceObject, decoded := false, false, false
	if mt, ok := t.Metatable.(*lua.LTable); ok {
		forceArray, forceObject, decoded = mt == c.arrayMT, mt == c.objMT, mt == c.decodedMT
	}
	n := t.Len()
	strKeys, count := []string(nil), 0
	var bad lua.LValue
	t.ForEach(func(k, _ lua.LValue) {
		count++
		switch kk := k.(type) {
		case lua.LString:
			strKeys = append(strKeys, string(kk))
		case lua.LNumber:
			if f := float64(kk); f != math.Trunc(f) || f < 1 || f > float64(n) {
				bad = k
			}
		default:
			bad = k
		}
	})
	switch {
	case count == 0:
		// A mark the script made wins, then the schema, then the shape
		// the table was decoded from; an empty table is an object else.
		if forceArray || (!forceObject && (s.wantsArray() || (decoded && !s.wantsObject()))) {
			return []any{}, nil
		}
		return map[string]any{}, nil
	case len(strKeys) == count && !forceArray:
		return c.object(t, strKeys, s, path, depth)
	case len(strKeys) == 0 && bad == nil && count == n && !forceObject:
		return c.array(t, n, s, path, depth)
	}
	if bad == nil && len(strKeys) == 0 && count != n {
		return nil, &ConversionError{path, "sparse array: it has holes (array keys must be 1..n)"}
	}
	if bad == nil && len(strKeys) > 0 && len(strKeys) < count {
		return nil, &ConversionError{path, "table mixes array items and named keys (use json.array or json.object, or nest them)"}
	}
	if bad != nil {
		if num, ok := bad.(lua.LNumber); ok && float64(num) == math.Trunc(float64(num)) {
			return nil, &ConversionError{path, fmt.Sprintf("sparse array: key %s has a gap before it (array keys must be 1..n)", lua.LVAsString(num))}
		}
		return nil, &ConversionError{path, fmt.Sprintf("key of type %s cannot become JSON (string keys or 1..n expected)", bad.Type().String())}
	}
	if forceArray {
		return nil, &ConversionError{path, "json.array table has named keys"}
	}
	return nil, &ConversionError{path, "json.object table has array items"}
}

func (c *converter) object(t *lua.LTable, keys []string, s shape, path string, depth int) (any, error) {
	sort.Strings(keys)
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		if msg := invalidUTF8(k); msg != "" && !c.lenient {
			return nil, &ConversionError{path, fmt.Sprintf("key %q is %s", k, msg)}
		}
		v, err := c.toGo(t.RawGetString(k), s.field(k), joinPath(path, k), depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func (c *converter) array(t *lua.LTable, n int, s shape, path string, depth int) (any, error) {
	out := make([]any, n)
	item := s.item()
	for i := 1; i <= n; i++ {
		v, err := c.toGo(t.RawGetInt(i), item, path+"["+strconv.Itoa(i)+"]", depth+1)
		if err != nil {
			return nil, err
		}
		out[i-1] = v
	}
	return out, nil
}

// invalidUTF8 describes the first byte of s that is not part of valid
// UTF-8 ("not valid UTF-8 (byte 0xff at 3)", 1-based), or is "" when s is
// valid. encoding/json would replace such bytes with U+FFFD silently.
func invalidUTF8(s string) string {
	if utf8.ValidString(s) {
		return ""
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Sprintf("not valid UTF-8 (byte 0x%02x at %d)", s[i], i+1)
		}
		i += size
	}
	return ""
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// toLua turns a JSON-shaped Go value into plain Lua values: objects become
// tables, arrays 1-based sequences; null becomes absent in objects and
// json.null inside arrays, so that # and ipairs see every element. Empty
// arrays carry the VM's mark of decoded arrays (see decodedArrayMT), so
// that they encode as arrays again.
func toLua(L *lua.LState, v any, null lua.LValue) lua.LValue {
	return toLuaMarked(L, v, null, decodedArrayMT(L))
}

func toLuaMarked(L *lua.LState, v any, null lua.LValue, mark lua.LValue) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case string:
		return lua.LString(x)
	case float64:
		return lua.LNumber(x)
	case int:
		return lua.LNumber(x)
	case int64:
		return lua.LNumber(x)
	case []byte:
		return lua.LString(x)
	case []any:
		t := L.CreateTable(len(x), 0)
		if len(x) == 0 {
			t.Metatable = mark
		}
		for _, el := range x {
			if el == nil {
				t.Append(null)
				continue
			}
			t.Append(toLuaMarked(L, el, null, mark))
		}
		return t
	case map[string]any:
		t := L.CreateTable(0, len(x))
		for k, el := range x {
			if el != nil {
				t.RawSetString(k, toLuaMarked(L, el, null, mark))
			}
		}
		return t
	}
	return lua.LString(fmt.Sprint(v))
}

// registryDecodedArray is the registry key of the VM's mark of decoded
// empty arrays; scripts cannot reach the registry.
const registryDecodedArray = "kosmo.json.decoded_array"

// decodedArrayMT returns the metatable that marks the empty arrays of
// decoded JSON in L's VM, or nil (no mark) for a state that has none.
func decodedArrayMT(L *lua.LState) lua.LValue {
	if mt, ok := L.G.Registry.RawGetString(registryDecodedArray).(*lua.LTable); ok {
		return mt
	}
	return lua.LNil
}

// setDecodedArrayMT makes mt the mark of decoded empty arrays in L.
func setDecodedArrayMT(L *lua.LState, mt *lua.LTable) {
	L.G.Registry.RawSetString(registryDecodedArray, mt)
}
