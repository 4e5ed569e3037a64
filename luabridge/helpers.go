package luabridge

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kosmo-run/kosmo/integration"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// openJSON installs the json table: encode, decode, null, array, object.
func (vm *VM) openJSON() {
	L := vm.L
	null := L.NewUserData()
	nullMT := L.NewTable()
	nullMT.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int { L.Push(lua.LString("null")); return 1 }))
	nullMT.RawSetString("__metatable", lua.LFalse)
	null.Metatable = nullMT
	vm.conv.null = null
	vm.conv.arrayMT = markerMT(L, "array")
	vm.conv.objMT = markerMT(L, "object")
	// Empty arrays of decoded JSON carry a mark of their own: like
	// json.array's, but the schema of a parameter overrides it.
	vm.conv.decodedMT = markerMT(L, "array")
	setDecodedArrayMT(L, vm.conv.decodedMT)

	mod := L.NewTable()
	mod.RawSetString("null", null)
	mod.RawSetString("encode", L.NewFunction(vm.jsonEncode))
	mod.RawSetString("decode", L.NewFunction(vm.jsonDecode))
	mod.RawSetString("array", L.NewFunction(vm.marker("json.array", vm.conv.arrayMT)))
	mod.RawSetString("object", L.NewFunction(vm.marker("json.object", vm.conv.objMT)))
	L.SetGlobal("json", mod)
}

func markerMT(L *lua.LState, kind string) *lua.LTable {
	mt := L.NewTable()
	mt.RawSetString("__jsontype", lua.LString(kind))
	return mt
}

// marker returns json.array / json.object: mark a table (new if none given).
func (vm *VM) marker(name string, mt *lua.LTable) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.GetTop() == 0 || L.Get(1) == lua.LNil {
			t := L.NewTable()
			t.Metatable = mt
			L.Push(t)
			return 1
		}
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			L.ArgError(1, "table expected, got "+L.Get(1).Type().String())
		}
		if mt := t.Metatable; mt != lua.LNil && mt != vm.conv.arrayMT && mt != vm.conv.objMT && mt != vm.conv.decodedMT {
			L.ArgError(1, name+" cannot mark a table that has its own metatable")
		}
		t.Metatable = mt
		L.Push(t)
		return 1
	}
}

func (vm *VM) jsonEncode(L *lua.LState) int {
	checkContext(L)
	// A few shared tables can stand for an enormous document: measure first.
	vm.g.checkSize(L, "json.encode", L.CheckAny(1), 2)
	v, err := vm.conv.toGo(L.CheckAny(1), shape{}, "", 0)
	if err != nil {
		L.RaiseError("json.encode: %s", conversionMessage(err))
	}
	data, err := marshalJSON(v)
	if err != nil {
		L.RaiseError("json.encode: %s", err.Error())
	}
	L.Push(lua.LString(data))
	return 1
}

func conversionMessage(err error) string {
	if ce, ok := err.(*ConversionError); ok && ce.Path != "" {
		return fmt.Sprintf("value at '%s': %s", ce.Path, ce.Message)
	}
	return err.Error()
}

// marshalJSON encodes without HTML escaping and without a trailing newline.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func (vm *VM) jsonDecode(L *lua.LState) int {
	checkContext(L)
	s := L.CheckString(1)
	// Decoding can multiply memory many times over ("[[],[],…]"): the input
	// is held to a fraction of the string limit.
	if len(s) > vm.g.lim.MaxString/8 {
		L.RaiseError("json.decode: the text is %d bytes, more than the limit of %d", len(s), vm.g.lim.MaxString/8)
	}
	vm.g.reserve(L, "json.decode", float64(len(s)))
	v, err := decodeJSONChecked(L, []byte(s), vm.conv.null, vm.g.decodeCheck(L, "json.decode"))
	var stop *decodeStop
	if errors.As(err, &stop) {
		L.RaiseError("json.decode: %v", stop.err)
	}
	if err != nil {
		L.RaiseError("json.decode: invalid JSON: %s", jsonErrorText(err))
	}
	L.Push(v)
	return 1
}

func jsonErrorText(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("%s (at byte %d)", strings.TrimPrefix(se.Error(), "invalid character "), se.Offset)
	}
	return err.Error()
}

// openBase64 installs base64.encode and base64.decode.
func (vm *VM) openBase64() {
	L := vm.L
	mod := L.NewTable()
	mod.RawSetString("encode", L.NewFunction(func(L *lua.LState) int {
		checkContext(L)
		s := L.CheckString(1)
		if n := base64.StdEncoding.EncodedLen(len(s)); n > vm.g.lim.MaxString {
			vm.g.tooLong(L, "base64.encode", float64(n))
		}
		vm.g.reserve(L, "base64.encode", float64(len(s)+2*base64.StdEncoding.EncodedLen(len(s))))
		L.Push(lua.LString(base64.StdEncoding.EncodeToString([]byte(s))))
		return 1
	}))
	mod.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		checkContext(L)
		s := L.CheckString(1)
		vm.g.reserve(L, "base64.decode", 2*float64(len(s)))
		b, err := integration.DecodeBase64(s)
		if err != nil {
			L.RaiseError("base64.decode: %s", err.Error())
		}
		L.Push(lua.LString(b))
		return 1
	}))
	L.SetGlobal("base64", mod)
}

// sleep(seconds) waits, and stops early when the script's context ends.
func (vm *VM) sleep(L *lua.LState) int {
	checkContext(L)
	secs := float64(L.CheckNumber(1))
	if math.IsNaN(secs) || secs < 0 {
		L.ArgError(1, "non-negative number of seconds expected")
	}
	d := time.Duration(math.Min(secs, 1e9) * float64(time.Second))
	ctx := L.Context()
	if ctx == nil {
		time.Sleep(d)
		return 0
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		L.RaiseError("sleep interrupted: %v", ctx.Err())
	}
	return 0
}

// print writes its arguments, tab-separated, to the VM's output.
func (vm *VM) print(L *lua.LState) int {
	checkContext(L)
	n := L.GetTop()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		s := L.ToStringMeta(L.Get(i)).String()
		if b.Len()+len(s) > vm.g.lim.MaxString {
			vm.g.tooLong(L, "print", float64(b.Len()+len(s)))
		}
		b.WriteString(s)
	}
	b.WriteByte('\n')
	vm.write(b.String())
	return 0
}

// dump pretty-prints each argument and returns them all.
func (vm *VM) dump(L *lua.LState) int {
	checkContext(L)
	n := L.GetTop()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		// Shared tables are written each time they are reached: measure
		// first (a value takes at most 96 bytes with its indentation).
		vm.g.checkSize(L, "dump", L.Get(i), 96)
	}
	for i := 1; i <= n; i++ {
		writeValue(&b, L, L.Get(i), 0, map[*lua.LTable]bool{})
		b.WriteByte('\n')
	}
	if n == 0 {
		b.WriteString("nil\n")
	}
	vm.write(b.String())
	return n
}

func writeValue(b *strings.Builder, L *lua.LState, v lua.LValue, indent int, seen map[*lua.LTable]bool) {
	switch x := v.(type) {
	case lua.LString:
		b.WriteString(strconv.Quote(string(x)))
	case *lua.LTable:
		if seen[x] {
			b.WriteString("<cycle>")
			return
		}
		if indent > 40 {
			b.WriteString("{ … }")
			return
		}
		seen[x] = true
		defer delete(seen, x)
		writeTable(b, L, x, indent, seen)
	default:
		b.WriteString(L.ToStringMeta(v).String())
	}
}

func writeTable(b *strings.Builder, L *lua.LState, t *lua.LTable, indent int, seen map[*lua.LTable]bool) {
	n := t.Len()
	type entry struct {
		key   string
		value lua.LValue
	}
	var named []entry
	t.ForEach(func(k, v lua.LValue) {
		if num, ok := k.(lua.LNumber); ok && float64(num) == math.Trunc(float64(num)) && num >= 1 && int(num) <= n {
			return
		}
		key := "[" + L.ToStringMeta(k).String() + "]"
		if s, ok := k.(lua.LString); ok {
			key = string(s)
			if !isIdentifier(key) {
				key = "[" + strconv.Quote(key) + "]"
			}
		}
		named = append(named, entry{key, v})
	})
	if n == 0 && len(named) == 0 {
		b.WriteString("{}")
		return
	}
	sort.Slice(named, func(i, j int) bool { return named[i].key < named[j].key })
	pad := strings.Repeat("  ", indent+1)
	b.WriteString("{\n")
	for i := 1; i <= n; i++ {
		b.WriteString(pad)
		writeValue(b, L, t.RawGetInt(i), indent+1, seen)
		b.WriteString(",\n")
	}
	for _, e := range named {
		b.WriteString(pad + e.key + " = ")
		writeValue(b, L, e.value, indent+1, seen)
		b.WriteString(",\n")
	}
	b.WriteString(strings.Repeat("  ", indent) + "}")
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}
