package luapattern

import (
	"context"
	"fmt"
	"strings"

	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// DefaultSteps is the step budget of one call when Library.Steps is 0.
const DefaultSteps = 10_000_000

// StepsPerByte is the budget a call gets for each byte of its subject, on
// top of Library.Steps and of a step per pair of bytes of the subject: an
// unanchored search that fails ("(.-)b" on text without a b) tries each
// start and may scan to the end from each, which is quadratic in the
// subject, as in Lua 5.1; a pattern that needs more than that is
// backtracking catastrophically.
const StepsPerByte = 1000

// specials are the characters that make a pattern more than plain text.
const specials = "^$*+?.([%-"

// Library is string.find, string.match, string.gmatch and string.gsub with
// Lua 5.1 semantics and bounded work: every call has a step budget, checks
// the LState's context every few thousand steps, and gsub builds no string
// longer than MaxResult.
type Library struct {
	// Steps is the step budget of one call, plus StepsPerByte for each byte
	// of the subject and n*n for a subject of n bytes; 0 means
	// DefaultSteps.
	Steps int64
	// MaxResult is the longest string gsub may return, in bytes; 0 means no
	// limit.
	MaxResult int
}

// Functions returns find, match, gmatch and gsub, to be put in the string
// table.
func (lib Library) Functions() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"find":   lib.find,
		"match":  lib.match,
		"gmatch": lib.gmatch,
		"gsub":   lib.gsub,
	}
}

// budget returns the budget of one call over a subject of n bytes.
func (lib Library) budget(L *lua.LState, n int) Budget {
	steps := lib.Steps
	if steps == 0 {
		steps = DefaultSteps
	}
	if steps > 0 {
		steps += StepsPerByte*int64(n) + int64(n)*int64(n)
	}
	return Budget{Steps: steps, Check: func() error {
		if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
			return fmt.Errorf("script stopped: %w", context.Cause(ctx))
		}
		return nil
	}}
}

func raise(L *lua.LState, err error) {
	L.RaiseError("%s", err.Error())
}

// posrelat turns a relative string position (negative means back from the
// end) into an absolute one, as lstrlib.c does.
func posrelat(pos, n int) int {
	if pos < 0 {
		pos += n + 1
	}
	if pos < 0 {
		return 0
	}
	return pos
}

func pushCapture(L *lua.LState, src string, c Capture) {
	if c.Len == Position {
		L.Push(lua.LNumber(c.Start + 1))
		return
	}
	L.Push(lua.LString(src[c.Start : c.Start+c.Len]))
}

func (lib Library) find(L *lua.LState) int  { return lib.findAux(L, true) }
func (lib Library) match(L *lua.LState) int { return lib.findAux(L, false) }

// findAux is str_find_aux of lstrlib.c.
func (lib Library) findAux(L *lua.LState, find bool) int {
	s := L.CheckString(1)
	p := L.CheckString(2)
	init := posrelat(L.OptInt(3, 1), len(s)) - 1
	if init < 0 {
		init = 0
	} else if init > len(s) {
		init = len(s)
	}
	if find && (L.ToBool(4) || !strings.ContainsAny(p, specials)) {
		// a plain search
		if i := strings.Index(s[init:], p); i >= 0 {
			L.Push(lua.LNumber(init + i + 1))
			L.Push(lua.LNumber(init + i + len(p)))
			return 2
		}
		L.Push(lua.LNil)
		return 1
	}
	mt := New(s, p, true, lib.budget(L, len(s)-init))
	for s1 := init; ; s1++ {
		e, err := mt.MatchAt(s1)
		if err != nil {
			raise(L, err)
		}
		if e != -1 {
			caps, err := mt.Captures(s1, e, !find)
			if err != nil {
				raise(L, err)
			}
			if find {
				L.Push(lua.LNumber(s1 + 1))
				L.Push(lua.LNumber(e))
			}
			for _, c := range caps {
				pushCapture(L, s, c)
			}
			if find {
				return len(caps) + 2
			}
			return len(caps)
		}
		if s1 >= len(s) || mt.Anchored {
			break
		}
	}
	L.Push(lua.LNil)
	return 1
}

// gmatch returns an iterator over the matches of a pattern, as gmatch_aux
// of lstrlib.c: the search goes on where the last match ended, and one
// position further after an empty match. '^' is not an anchor here.
func (lib Library) gmatch(L *lua.LState) int {
	s := L.CheckString(1)
	p := L.CheckString(2)
	pos := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if pos > len(s) {
			return 0
		}
		mt := New(s, p, false, lib.budget(L, len(s)-pos))
		for src := pos; src <= len(s); src++ {
			e, err := mt.MatchAt(src)
			if err != nil {
				raise(L, err)
			}
			if e == -1 {
				continue
			}
			pos = e
			if e == src { // an empty match: go at least one position
				pos++
			}
			caps, err := mt.Captures(src, e, true)
			if err != nil {
				raise(L, err)
			}
			for _, c := range caps {
				pushCapture(L, s, c)
			}
			return len(caps)
		}
		pos = len(s) + 1
		return 0
	}))
	return 1
}

// gsub is str_gsub of lstrlib.c, building its result in one pass.
func (lib Library) gsub(L *lua.LState) int {
	src := L.CheckString(1)
	p := L.CheckString(2)
	repl := L.Get(3)
	maxN := L.OptInt(4, len(src)+1)
	switch repl.Type() {
	case lua.LTNumber, lua.LTString, lua.LTFunction, lua.LTTable:
	default:
		L.ArgError(3, "string/function/table expected")
	}
	mt := New(src, p, true, lib.budget(L, len(src)))
	out := &builder{max: lib.MaxResult}
	s, n := 0, 0
loop:
	for n < maxN {
		e, err := mt.MatchAt(s)
		if err != nil {
			raise(L, err)
		}
		if e != -1 {
			n++
			if err := lib.addValue(L, mt, out, src, s, e, repl); err != nil {
				raise(L, err)
			}
		}
		switch {
		case e != -1 && e > s: // a non-empty match: skip it
			s = e
		case s < len(src):
			if err := out.writeString(src[s : s+1]); err != nil {
				raise(L, err)
			}
			s++
		default: // the end of the subject
			break loop
		}
		if mt.Anchored {
			break
		}
	}
	if err := out.writeString(src[s:]); err != nil {
		raise(L, err)
	}
	L.Push(lua.LString(out.String()))
	L.Push(lua.LNumber(n))
	return 2
}

// addValue appends the replacement of the match src[s:e], add_value of
// lstrlib.c.
func (lib Library) addValue(L *lua.LState, mt *Matcher, out *builder, src string, s, e int, repl lua.LValue) error {
	var value lua.LValue
	switch r := repl.(type) {
	case lua.LString, lua.LNumber:
		return addString(mt, out, src, s, e, lua.LVAsString(r))
	case *lua.LFunction:
		caps, err := mt.Captures(s, e, true)
		if err != nil {
			return err
		}
		L.Push(r)
		for _, c := range caps {
			pushCapture(L, src, c)
		}
		L.Call(len(caps), 1)
		value = L.Get(-1)
		L.Pop(1)
	case *lua.LTable:
		c, err := mt.Capture(0, s, e)
		if err != nil {
			return err
		}
		pushCapture(L, src, c)
		key := L.Get(-1)
		L.Pop(1)
		value = L.GetTable(r, key)
	}
	switch v := value.(type) {
	case *lua.LNilType:
		return out.writeString(src[s:e]) // keep the original text
	case lua.LBool:
		if !bool(v) {
			return out.writeString(src[s:e])
		}
	case lua.LString, lua.LNumber:
		return out.writeString(lua.LVAsString(v))
	}
	return &Error{fmt.Sprintf("invalid replacement value (a %s)", value.Type().String())}
}

// addString appends a replacement string with its %0-%9 captures, add_s of
// lstrlib.c. A '%' at its very end adds a '\0', as Lua 5.1 reads the
// string's terminator there.
func addString(mt *Matcher, out *builder, src string, s, e int, news string) error {
	for i := 0; i < len(news); i++ {
		c := news[i]
		if c != '%' {
			if err := out.writeByte(c); err != nil {
				return err
			}
			continue
		}
		i++ // skip the escape
		var d byte
		if i < len(news) {
			d = news[i]
		}
		switch {
		case !isDigit(d):
			if err := out.writeByte(d); err != nil {
				return err
			}
		case d == '0':
			if err := out.writeString(src[s:e]); err != nil {
				return err
			}
		default:
			c, err := mt.Capture(int(d-'1'), s, e)
			if err != nil {
				return err
			}
			text := fmt.Sprint(c.Start + 1)
			if c.Len != Position {
				text = src[c.Start : c.Start+c.Len]
			}
			if err := out.writeString(text); err != nil {
				return err
			}
		}
	}
	return nil
}

// builder is a strings.Builder that refuses to grow past max bytes.
type builder struct {
	strings.Builder
	max int
}

func (b *builder) writeString(s string) error {
	if b.max > 0 && b.Len()+len(s) > b.max {
		return fmt.Errorf("string.gsub: the result would exceed %d bytes", b.max)
	}
	b.WriteString(s)
	return nil
}

func (b *builder) writeByte(c byte) error {
	if b.max > 0 && b.Len()+1 > b.max {
		return fmt.Errorf("string.gsub: the result would exceed %d bytes", b.max)
	}
	return b.WriteByte(c)
}
