package luabridge

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// jsonMaxDepth is the deepest nesting of arrays and objects decodeJSON
// accepts: encoding/json's limit, so both accept the same documents.
const jsonMaxDepth = 10000

// The string cache of one decoding: in a document of at least
// jsonCacheMinDoc bytes, short strings that repeat (the keys of a list's
// items, "object": "embedding") are made into Lua values once. Smaller
// documents repeat too little to pay for the map.
const (
	jsonCacheMinDoc     = 8 << 10
	jsonCacheMaxLen     = 32
	jsonCacheMaxEntries = 1024
)

// jsonNamesMax bounds a VM's keyNames: the distinct short object keys of
// the answers it decoded, kept across answers.
const jsonNamesMax = 512

// decodeJSON turns JSON text into plain Lua values in one pass, with no
// intermediate Go value: objects become tables, arrays 1-based sequences,
// null is absent in objects and json.null (null) inside arrays, numbers are
// Lua numbers; a null document is nil. Empty arrays carry the VM's mark of
// decoded arrays (decodedArrayMT), so that they encode as arrays again. It
// gives exactly what json.Unmarshal into an any followed by toLua gives,
// and fails on exactly the documents json.Unmarshal refuses, with
// json.Unmarshal's error.
//
// The decoder is iterative: nesting costs heap (bounded by jsonMaxDepth),
// never Go stack.
func decodeJSON(L *lua.LState, data []byte, null lua.LValue) (lua.LValue, error) {
	return decodeJSONChecked(L, data, null, nil)
}

// decodeJSONChecked is decodeJSON calling check every checkEvery values:
// its error (the memory limit, the context) ends the decoding and is
// returned as it is.
func decodeJSONChecked(L *lua.LState, data []byte, null lua.LValue, check func() error) (lua.LValue, error) {
	return decodeJSONNames(L, data, null, check, nil)
}

// decodeJSONNames is decodeJSONChecked taking the keys of objects from
// names, and keeping new ones there (nil: no such set).
func decodeJSONNames(L *lua.LState, data []byte, null lua.LValue, check func() error, names keyNames) (lua.LValue, error) {
	d := newJSONDecoder(L, data, null)
	d.check = check
	d.names = names
	if v, ok := d.decode(); ok {
		return v, nil
	}
	if d.err != nil {
		return nil, d.err
	}
	// Invalid documents are rare: let encoding/json name the problem, so
	// that error messages stay what they have always been. Should it accept
	// what the fast path refused, its result is the answer.
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return toLua(L, v, null), nil
}

// jsonDecoder is the state of one decodeJSON.
type jsonDecoder struct {
	L       *lua.LState
	null    lua.LValue
	emptyMT lua.LValue // the metatable of empty arrays, or nil
	data    []byte
	pos     int

	// stack holds the open containers; vals and keys the items read so far
	// of every open container, each container's from its frame's start.
	stack []jsonFrame
	vals  []lua.LValue
	keys  []string
	nums  []float64 // the numbers of the array numericArray reads
	cache map[string]lua.LValue
	// names, when set, keeps the short keys of objects across documents
	// (see keyNames), so that the keys every answer repeats are not
	// allocated again.
	names keyNames

	// check, when set, is called every checkEvery values; its error ends
	// the decoding and is kept in err.
	check func() error
	count int
	err   error
}

// checkpoint counts one value and calls check every checkEvery values; it
// is false when check failed.
func (d *jsonDecoder) checkpoint() bool {
	if d.check == nil {
		return true
	}
	if d.count++; d.count%checkEvery != 0 {
		return true
	}
	d.err = d.check()
	return d.err == nil
}

func newJSONDecoder(L *lua.LState, data []byte, null lua.LValue) jsonDecoder {
	return jsonDecoder{L: L, null: null, data: data, emptyMT: decodedArrayMT(L)}
}

// jsonFrame is an open array or object.
type jsonFrame struct {
	object bool
	start  int // index in vals of the container's first item
	kstart int // index in keys of an object's first key
}

// decode reads the whole document; ok is false when it is not valid JSON
// (or a number is out of range, which encoding/json refuses too).
func (d *jsonDecoder) decode() (lua.LValue, bool) {
	data := d.data
	d.skipSpace()
	for {
		// Read one value, or open a container and go on to its first item.
		if d.pos >= len(data) {
			return nil, false
		}
		var v lua.LValue
		switch c := data[d.pos]; {
		case c == '{' || c == '[':
			if len(d.stack) >= jsonMaxDepth {
				return nil, false
			}
			d.pos++
			d.skipSpace()
			if c == '{' && d.pos < len(data) && data[d.pos] == '}' {
				d.pos++
				v = d.L.CreateTable(0, 0)
				break
			}
			if c == '[' && d.pos < len(data) && data[d.pos] == ']' {
				d.pos++
				t := d.L.CreateTable(0, 0)
				t.Metatable = d.emptyMT
				v = t
				break
			}
			d.stack = append(d.stack, jsonFrame{object: c == '{', start: len(d.vals), kstart: len(d.keys)})
			if c == '{' && !d.key() {
				return nil, false
			}
			if c == '[' && d.pos < len(data) && isNumberStart(data[d.pos]) {
				t, done, ok := d.numericArray()
				if !ok {
					return nil, false
				}
				if done {
					d.stack = d.stack[:len(d.stack)-1]
					v = t
					break
				}
			}
			continue
		case c == '"':
			s, ok := d.str()
			if !ok {
				return nil, false
			}
			v = s
		case c == '-' || ('0' <= c && c <= '9'):
			n, ok := d.number()
			if !ok {
				return nil, false
			}
			v = n
		case c == 't':
			if !d.literal("true") {
				return nil, false
			}
			v = lua.LTrue
		case c == 'f':
			if !d.literal("false") {
				return nil, false
			}
			v = lua.LFalse
		case c == 'n':
			if !d.literal("null") {
				return nil, false
			}
			v = lua.LNil
		default:
			return nil, false
		}

		if !d.checkpoint() {
			return nil, false
		}
		// Give the value to its container; close every container that ends
		// here, giving each to its own.
		for {
			if len(d.stack) == 0 {
				d.skipSpace()
				if d.pos != len(data) {
					return nil, false
				}
				return v, true
			}
			f := &d.stack[len(d.stack)-1]
			if v == lua.LNil && !f.object {
				v = d.null
			}
			d.vals = append(d.vals, v)
			d.skipSpace()
			if d.pos >= len(data) {
				return nil, false
			}
			c := data[d.pos]
			d.pos++
			if c == ',' {
				d.skipSpace()
				if f.object && !d.key() {
					return nil, false
				}
				break
			}
			switch {
			case f.object && c == '}':
				v = d.closeObject(f)
			case !f.object && c == ']':
				v = d.closeArray(f)
			default:
				return nil, false
			}
			d.stack = d.stack[:len(d.stack)-1]
		}
	}
}

// numericArray reads an array whose items are numbers (an embedding, say)
// into float64s first and boxes them into the table at the end, away from
// the general loop and its stack of Lua values. pos is at the first item.
// done reports the array was read whole and t is its table; otherwise an
// item that is not a number came up: the numbers so far are on vals, pos is
// at that item, and the general loop goes on with the array.
func (d *jsonDecoder) numericArray() (t *lua.LTable, done, ok bool) {
	data := d.data
	nums := d.nums[:0]
	defer func() { d.nums = nums }()
	for {
		f, ok := d.float()
		if !ok {
			return nil, false, false
		}
		nums = append(nums, f)
		if !d.checkpoint() {
			return nil, false, false
		}
		for d.pos < len(data) && isJSONSpace(data[d.pos]) {
			d.pos++
		}
		if d.pos >= len(data) {
			return nil, false, false
		}
		switch data[d.pos] {
		case ']':
			d.pos++
			t := d.L.CreateTable(len(nums), 0)
			for _, f := range nums {
				t.Append(lua.LNumber(f))
			}
			return t, true, true
		case ',':
			d.pos++
		default:
			return nil, false, false
		}
		for d.pos < len(data) && isJSONSpace(data[d.pos]) {
			d.pos++
		}
		if d.pos >= len(data) || !isNumberStart(data[d.pos]) {
			for _, f := range nums {
				d.vals = append(d.vals, lua.LNumber(f))
			}
			return nil, false, true
		}
	}
}

func isNumberStart(c byte) bool { return c == '-' || ('0' <= c && c <= '9') }

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// closeArray makes the table of the array f, sized exactly.
func (d *jsonDecoder) closeArray(f *jsonFrame) *lua.LTable {
	items := d.vals[f.start:]
	t := d.L.CreateTable(len(items), 0)
	for _, v := range items {
		t.Append(v)
	}
	clear(items)
	d.vals = d.vals[:f.start]
	return t
}

// closeObject makes the table of the object f. Keys are set in document
// order, so a repeated key keeps its last value and a null removes what an
// earlier duplicate set, as with encoding/json's maps.
func (d *jsonDecoder) closeObject(f *jsonFrame) *lua.LTable {
	items := d.vals[f.start:]
	keys := d.keys[f.kstart:]
	t := d.L.CreateTable(0, len(items))
	for i, v := range items {
		if v == lua.LNil {
			if t.RawGetString(keys[i]) != lua.LNil {
				t.RawSetString(keys[i], lua.LNil)
			}
			continue
		}
		t.RawSetString(keys[i], v)
	}
	clear(items)
	clear(keys)
	d.vals = d.vals[:f.start]
	d.keys = d.keys[:f.kstart]
	return t
}

// key reads an object key and its colon, leaving pos at the value.
func (d *jsonDecoder) key() bool {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return false
	}
	if d.names != nil {
		body, escaped, ok := scanJSONString(d.data, d.pos)
		if !ok || escaped {
			return d.keyValue()
		}
		d.pos += len(body) + 2
		d.keys = append(d.keys, d.names.get(body))
	} else if !d.keyValue() {
		return false
	}
	d.skipSpace()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		return false
	}
	d.pos++
	d.skipSpace()
	return true
}

// keyValue reads the key at pos as any string value is read.
func (d *jsonDecoder) keyValue() bool {
	k, ok := d.str()
	if !ok {
		return false
	}
	d.keys = append(d.keys, string(k.(lua.LString)))
	return true
}

// keyNames is a VM's set of the object keys its answers use, each kept
// once: the keys of API answers repeat from one answer to the next.
type keyNames map[string]string

// get returns the key whose text is body, from n when it is there, and
// keeps it in n when it is short and n has room.
func (n keyNames) get(body []byte) string {
	if k, ok := n[string(body)]; ok {
		return k
	}
	k := string(body)
	if len(body) <= jsonCacheMaxLen && len(n) < jsonNamesMax {
		n[k] = k
	}
	return k
}

func (d *jsonDecoder) skipSpace() {
	data := d.data
	for d.pos < len(data) {
		switch data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *jsonDecoder) literal(word string) bool {
	end := d.pos + len(word)
	if end > len(d.data) || string(d.data[d.pos:end]) != word {
		return false
	}
	d.pos = end
	return true
}

// str reads a string literal at pos.
func (d *jsonDecoder) str() (lua.LValue, bool) {
	body, escaped, ok := scanJSONString(d.data, d.pos)
	if !ok {
		return nil, false
	}
	d.pos += len(body) + 2
	if escaped {
		s, ok := unquoteJSON(body)
		if !ok {
			return nil, false
		}
		return lua.LString(s), true
	}
	if len(body) > jsonCacheMaxLen || len(d.data) < jsonCacheMinDoc {
		return lua.LString(body), true
	}
	if v, ok := d.cache[string(body)]; ok {
		return v, true
	}
	v := lua.LValue(lua.LString(body))
	if d.cache == nil {
		d.cache = make(map[string]lua.LValue, 16)
	}
	if len(d.cache) < jsonCacheMaxEntries {
		d.cache[string(v.(lua.LString))] = v
	}
	return v, true
}

// scanJSONString finds the string literal whose opening quote is at
// data[at]. It returns the bytes between the quotes; escaped reports that
// they need unquoteJSON (escapes, or bytes that are not valid UTF-8). ok is
// false when the literal is unterminated or holds a control character.
func scanJSONString(data []byte, at int) (body []byte, escaped, ok bool) {
	rest := data[at+1:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return nil, false, false
	}
	if bytes.IndexByte(rest[:end], '\\') >= 0 {
		// The first quote may be escaped: walk the escapes to the real end.
		i := 0
		for {
			c := rest[i]
			if c == '"' {
				break
			}
			if c == '\\' {
				i++
				if i >= len(rest) {
					return nil, false, false
				}
			} else if c < ' ' {
				return nil, false, false
			}
			i++
			if i >= len(rest) {
				return nil, false, false
			}
		}
		return rest[:i], true, true
	}
	body = rest[:end]
	plain, ok := plainText(body)
	if !ok {
		return nil, false, false
	}
	return body, !plain, true
}

// plainText checks a string literal's bytes, known to hold no quote and no
// backslash: ok is false when one is a control character; plain is false
// when they are not valid UTF-8 (and so need the replacement characters
// that unquoteJSON puts in).
func plainText(s []byte) (plain, ok bool) {
	const (
		low  = 0x0101010101010101
		high = 0x8080808080808080
	)
	ascii := true
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:])
		// A byte below 0x20, or with its top bit set, marks the word.
		if (x-0x20*low)&^x&high != 0 || x&high != 0 {
			ascii = false
			for _, c := range s[i : i+8] {
				if c < ' ' {
					return false, false
				}
			}
		}
	}
	for _, c := range s[i:] {
		if c < ' ' {
			return false, false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	return ascii || utf8.Valid(s), true
}

// unquoteJSON decodes a string literal's body as encoding/json does:
// escapes, surrogate pairs (a lone surrogate becomes U+FFFD) and each byte
// that is not part of valid UTF-8 replaced by U+FFFD.
func unquoteJSON(s []byte) (string, bool) {
	b := make([]byte, 0, len(s)+utf8.UTFMax)
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			r++
			if r >= len(s) {
				return "", false
			}
			switch s[r] {
			case '"', '\\', '/':
				b = append(b, s[r])
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr, ok := hex4(s, r+1)
				if !ok {
					return "", false
				}
				r += 5
				if utf16.IsSurrogate(rr) {
					if r+1 < len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if rr1, ok := hex4(s, r+2); ok {
							if dec := utf16.DecodeRune(rr, rr1); dec != utf8.RuneError {
								b = utf8.AppendRune(b, dec)
								r += 6
								continue
							}
						}
					}
					rr = utf8.RuneError
				}
				b = utf8.AppendRune(b, rr)
				continue
			default:
				return "", false
			}
			r++
		case c < ' ':
			return "", false
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	return string(b), true
}

// hex4 reads the four hex digits of a \u escape starting at s[at].
func hex4(s []byte, at int) (rune, bool) {
	if at+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range s[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// number reads a number literal at pos, checking JSON's grammar as it
// gathers the digits. A number of at most 19 digits whose value float64
// holds exactly, scaled by an exactly held power of ten, is one correctly
// rounded multiplication or division (Clinger's fast path); anything else
// goes to strconv.ParseFloat, as encoding/json does.
func (d *jsonDecoder) number() (lua.LValue, bool) {
	f, ok := d.float()
	if !ok {
		return nil, false
	}
	return lua.LNumber(f), true
}

// float reads a number literal at pos; see number.
func (d *jsonDecoder) float() (float64, bool) {
	data := d.data
	start, i := d.pos, d.pos
	neg := data[i] == '-'
	if neg {
		i++
	}
	// Up to 19 digits cannot overflow mant; leading zeros count, which only
	// sends a few more numbers to the slow path.
	// The integer part is mostly one digit: no word at a time there.
	var mant uint64
	first := i
	for ; i < len(data) && '0' <= data[i] && data[i] <= '9'; i++ {
		mant = mant*10 + uint64(data[i]-'0')
	}
	n := i - first
	if n == 0 || (n > 1 && data[first] == '0') {
		return 0, false
	}
	exp := 0
	if i < len(data) && data[i] == '.' {
		i++
		frac := i
		mant, i = jsonDigits(data, i, mant)
		if i == frac {
			return 0, false
		}
		exp = frac - i
		n += i - frac
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		eneg := false
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			eneg = data[i] == '-'
			i++
		}
		digits := i
		e := 0
		for ; i < len(data) && '0' <= data[i] && data[i] <= '9'; i++ {
			if e < 100000 {
				e = e*10 + int(data[i]-'0')
			}
		}
		if i == digits {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	d.pos = i
	if n <= 19 {
		if f, ok := exactFloat64(mant, exp); ok {
			if neg {
				f = -f
			}
			return f, true
		}
	}
	f, err := strconv.ParseFloat(string(data[start:i]), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// jsonDigits reads the decimal digits at data[i:], appending them to mant (which
// wraps around past 19 digits: callers count the digits), and returns where
// they end. Eight digits at a time are checked and combined in one word.
func jsonDigits(data []byte, i int, mant uint64) (uint64, int) {
	for i+8 <= len(data) {
		x := binary.LittleEndian.Uint64(data[i:])
		if x&0xf0f0f0f0f0f0f0f0|(x+0x0606060606060606)&0xf0f0f0f0f0f0f0f0>>4 != 0x3333333333333333 {
			break
		}
		mant = mant*100000000 + eightDigits(x)
		i += 8
	}
	for ; i < len(data) && '0' <= data[i] && data[i] <= '9'; i++ {
		mant = mant*10 + uint64(data[i]-'0')
	}
	return mant, i
}

// eightDigits is the value of eight ASCII digits read little-endian.
func eightDigits(x uint64) uint64 {
	x -= 0x3030303030303030
	x = x*10 + x>>8 // pairs of digits
	return ((x&0x000000ff000000ff)*(100+1000000<<32) + (x>>16&0x000000ff000000ff)*(1+10000<<32)) >> 32
}

// exactFloat64 returns mant·10^exp when one IEEE operation on exactly held
// operands gives it, so correctly rounded.
func exactFloat64(mant uint64, exp int) (float64, bool) {
	const maxExact = 1 << 53
	if mant > maxExact {
		return 0, false
	}
	f := float64(mant)
	switch {
	case exp == 0 || mant == 0:
		return f, true
	case exp > 0 && exp <= 22:
		return f * exactPow10(exp), true
	case exp > 22 && exp <= 22+15:
		// Move the excess into the mantissa while it stays exact.
		m := f * exactPow10(exp-22)
		if m >= maxExact {
			return 0, false
		}
		return m * 1e22, true
	case exp < 0 && exp >= -22:
		return f / exactPow10(-exp), true
	}
	return 0, false
}

// exactPow10 returns 10^n for 0 ≤ n ≤ 22, the powers of ten float64 holds
// exactly.
func exactPow10(n int) float64 {
	return [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}[n]
}

// valueToLua turns a JSON-shaped Go value into plain Lua values, as toLua
// does, and also takes []float64 (an array of numbers decoded without
// boxing each one, such as an embedding). Nesting is bounded by maxDepth.
func valueToLua(L *lua.LState, v any, null lua.LValue) (lua.LValue, error) {
	return valueToLuaAt(L, v, null, decodedArrayMT(L), 0)
}

func valueToLuaAt(L *lua.LState, v any, null, mark lua.LValue, depth int) (lua.LValue, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("the response is nested deeper than %d levels", maxDepth)
	}
	switch x := v.(type) {
	case []float64:
		t := L.CreateTable(len(x), 0)
		if len(x) == 0 {
			t.Metatable = mark
		}
		for _, f := range x {
			t.Append(lua.LNumber(f))
		}
		return t, nil
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
			lv, err := valueToLuaAt(L, el, null, mark, depth+1)
			if err != nil {
				return nil, err
			}
			t.Append(lv)
		}
		return t, nil
	case map[string]any:
		t := L.CreateTable(0, len(x))
		for k, el := range x {
			if el == nil {
				continue
			}
			lv, err := valueToLuaAt(L, el, null, mark, depth+1)
			if err != nil {
				return nil, err
			}
			t.RawSetString(k, lv)
		}
		return t, nil
	}
	return toLuaMarked(L, v, null, mark), nil
}
