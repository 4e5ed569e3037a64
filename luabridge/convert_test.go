package luabridge

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// TestEmptyTableShape: what an empty table becomes. A mark the script made
// (json.array, json.object) wins; then the schema; then the shape the table
// was decoded from; else it is an object.
func TestEmptyTableShape(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	c := converter{null: L.NewUserData(), arrayMT: L.NewTable(), objMT: L.NewTable(), decodedMT: L.NewTable()}
	array := &integration.Param{Type: integration.TypeArray}
	object := &integration.Param{Type: integration.TypeObject}
	stringOrArray := &integration.Param{Type: integration.TypeString, Or: array}
	stringOrObject := &integration.Param{Type: integration.TypeString, Or: object}
	anything := &integration.Param{Type: integration.TypeAny}
	marks := map[string]lua.LValue{"none": lua.LNil, "json.array": c.arrayMT, "json.object": c.objMT, "decoded": c.decodedMT}
	tests := []struct {
		mark   string
		schema *integration.Param
		want   any
	}{
		{"none", nil, map[string]any{}},
		{"none", array, []any{}},
		{"none", object, map[string]any{}},
		{"none", stringOrArray, []any{}},
		{"json.array", nil, []any{}},
		{"json.array", object, []any{}},
		{"json.object", nil, map[string]any{}},
		{"json.object", array, map[string]any{}},
		{"decoded", nil, []any{}},
		{"decoded", anything, []any{}},
		{"decoded", array, []any{}},
		{"decoded", stringOrArray, []any{}},
		{"decoded", object, map[string]any{}},
		{"decoded", stringOrObject, map[string]any{}},
	}
	for _, tt := range tests {
		name := tt.mark + "/none"
		if tt.schema != nil {
			name = tt.mark + "/" + string(tt.schema.Type)
			if tt.schema.Or != nil {
				name += "-or-" + string(tt.schema.Or.Type)
			}
		}
		t.Run(name, func(t *testing.T) {
			tbl := L.NewTable()
			tbl.Metatable = marks[tt.mark]
			got, err := c.toGo(tbl, shape{tt.schema}, "p", 0)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	// Filled, a decoded array is what its keys say.
	tbl := L.NewTable()
	tbl.Metatable = c.decodedMT
	tbl.RawSetString("k", lua.LString("v"))
	got, err := c.toGo(tbl, shape{}, "", 0)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"k": "v"}, got)
}

// TestStringsMustBeUTF8: a string that is not valid UTF-8 is refused with
// its path and the first bad byte; base64 parameters and values that go
// back to the host take any bytes.
func TestStringsMustBeUTF8(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	b64 := &integration.Param{Type: integration.TypeString, Base64: true}
	tests := []struct {
		name    string
		value   lua.LValue
		schema  *integration.Param
		lenient bool
		want    any
		err     string
	}{
		{name: "valid", value: lua.LString("héllo ✓ 😀"), want: "héllo ✓ 😀"},
		{name: "first byte", value: lua.LString("\xff\xfe x"), err: "parameter 'p': not valid UTF-8 (byte 0xff at 1)"},
		{name: "truncated sequence", value: lua.LString("ok \xe2\x82"), err: "not valid UTF-8 (byte 0xe2 at 4)"},
		{name: "surrogate half", value: lua.LString("\xed\xa0\x80"), err: "not valid UTF-8 (byte 0xed at 1)"},
		{name: "overlong", value: lua.LString("a\xc0\xafb"), err: "not valid UTF-8 (byte 0xc0 at 2)"},
		{name: "U+FFFD itself is valid", value: lua.LString("\uFFFD"), want: "\uFFFD"},
		{name: "base64 parameter", value: lua.LString("\xff\xfe"), schema: b64, want: "\xff\xfe"},
		{name: "base64 alternative", value: lua.LString("\xff"), schema: &integration.Param{Type: integration.TypeArray, Or: b64}, want: "\xff"},
		{name: "lenient", value: lua.LString("\xff"), lenient: true, want: "\xff"},
		{name: "nested path", value: func() lua.LValue {
			msg := L.NewTable()
			msg.RawSetString("content", lua.LString("\xff"))
			list := L.NewTable()
			list.Append(msg)
			return list
		}(), err: "parameter 'p[1].content': not valid UTF-8 (byte 0xff at 1)"},
		{name: "key", value: func() lua.LValue {
			tbl := L.NewTable()
			tbl.RawSetString("a\xff", lua.LTrue)
			return tbl
		}(), err: `parameter 'p': key "a\xff" is not valid UTF-8 (byte 0xff at 2)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := converter{lenient: tt.lenient}
			got, err := c.toGo(tt.value, shape{tt.schema}, "p", 0)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				var ce *ConversionError
				require.ErrorAs(t, err, &ce)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
