// Package luapattern implements the pattern matching of Lua 5.1 (the engine
// behind string.find, string.match, string.gmatch and string.gsub) with a step
// budget and a cancellation check, so that no pattern, however hostile, runs
// unbounded Go work.
//
// The matcher is a port of lstrlib.c from Lua 5.1.5. Two things differ on
// purpose: the recursion of the matcher is limited to 200 levels, as in Lua
// 5.2 and later ("pattern too complex"), and a pattern may contain '\0'
// (Lua 5.1 stops reading a pattern at the first '\0').
package luapattern

import (
	"errors"
	"fmt"
)

// MaxCaptures is the most captures a pattern may have.
const MaxCaptures = 32

const (
	// maxDepth bounds the recursion of the matcher, as MAXCCALLS does in Lua 5.2.
	maxDepth = 200
	// checkEvery is how many steps pass between two calls of Budget.Check.
	checkEvery = 1 << 12

	capUnfinished = -1
	capPosition   = -2
)

// ErrTooComplex is the error of a match that exceeded its step budget or
// its recursion limit.
var ErrTooComplex = errors.New("pattern too complex")

// Error is a malformed pattern or a wrong use of captures.
type Error struct{ Message string }

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Budget bounds the work of one call.
type Budget struct {
	// Steps is the most steps the call may take; 0 means no limit.
	Steps int64
	// Check, when set, is called every few thousand steps; the call stops
	// with its error when it returns one.
	Check func() error
}

// Capture is one capture of a match: a substring of the subject (Start and
// Len, in bytes), or a position capture "()" when Len is Position.
type Capture struct {
	Start, Len int
}

// Position is the Len of a position capture.
const Position = capPosition

// abort carries an error out of the recursive matcher.
type abort struct{ err error }

// matcher is the state of one match, the MatchState of lstrlib.c.
type matcher struct {
	src, pat string
	level    int
	capture  [MaxCaptures]struct{ init, len int }
	depth    int
	steps    int64
	next     int64
	budget   Budget
}

// Matcher matches one pattern against one subject.
type Matcher struct {
	m matcher
	// Anchored is whether the pattern started with '^' (removed from it).
	Anchored bool
}

// New returns a matcher of pattern pat against subject src. The anchor '^'
// is recognised only when anchor is true, as string.gmatch does not.
func New(src, pat string, anchor bool, b Budget) *Matcher {
	mt := &Matcher{}
	if anchor && len(pat) > 0 && pat[0] == '^' {
		pat = pat[1:]
		mt.Anchored = true
	}
	mt.m = matcher{src: src, pat: pat, budget: b, next: checkEvery}
	return mt
}

// Steps returns the steps taken so far.
func (mt *Matcher) Steps() int64 { return mt.m.steps }

// MatchAt tries the pattern at byte offset at of the subject. It returns
// the end of the match, or -1 when the pattern does not match there.
func (mt *Matcher) MatchAt(at int) (end int, err error) {
	m := &mt.m
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(abort)
			if !ok {
				panic(r)
			}
			end, err = -1, a.err
		}
	}()
	m.level = 0
	m.depth = 0
	return m.match(at, 0), nil
}

// Captures returns the captures of the last successful MatchAt that
// matched start..end. With whole set and no capture in the pattern, the
// whole match is the one capture, as string.match and string.gmatch want.
func (mt *Matcher) Captures(start, end int, whole bool) ([]Capture, error) {
	m := &mt.m
	n := m.level
	if n == 0 && whole {
		return []Capture{{Start: start, Len: end - start}}, nil
	}
	caps := make([]Capture, n)
	for i := 0; i < n; i++ {
		c, err := m.oneCapture(i, start, end)
		if err != nil {
			return nil, err
		}
		caps[i] = c
	}
	return caps, nil
}

// Capture returns capture i (0-based) of the last match start..end, or the
// whole match when i is 0 and the pattern has no capture, as a replacement
// "%1" of string.gsub wants.
func (mt *Matcher) Capture(i, start, end int) (Capture, error) {
	return mt.m.oneCapture(i, start, end)
}

func (m *matcher) oneCapture(i, start, end int) (Capture, error) {
	if i >= m.level {
		if i == 0 {
			return Capture{Start: start, Len: end - start}, nil
		}
		return Capture{}, &Error{"invalid capture index"}
	}
	c := m.capture[i]
	if c.len == capUnfinished {
		return Capture{}, &Error{"unfinished capture"}
	}
	return Capture{Start: c.init, Len: c.len}, nil
}

func (m *matcher) fail(format string, args ...any) {
	panic(abort{&Error{fmt.Sprintf(format, args...)}})
}

// step accounts for n units of work, enforces the budget and calls the
// check now and then.
func (m *matcher) step(n int64) {
	m.steps += n
	if m.budget.Steps > 0 && m.steps > m.budget.Steps {
		panic(abort{fmt.Errorf("%w (more than %d steps)", ErrTooComplex, m.budget.Steps)})
	}
	if m.steps >= m.next {
		m.next = m.steps + checkEvery
		if m.budget.Check != nil {
			if err := m.budget.Check(); err != nil {
				panic(abort{err})
			}
		}
	}
}

func (m *matcher) match(s, p int) int {
	m.depth++
	if m.depth > maxDepth {
		panic(abort{fmt.Errorf("%w (nested more than %d levels)", ErrTooComplex, maxDepth)})
	}
	r := m.doMatch(s, p)
	m.depth--
	return r
}

// doMatch is match() of lstrlib.c; the gotos to init are the loop.
func (m *matcher) doMatch(s, p int) int {
	for {
		m.step(1)
		if p == len(m.pat) { // end of pattern
			return s
		}
		switch m.pat[p] {
		case '(':
			if p+1 < len(m.pat) && m.pat[p+1] == ')' {
				return m.startCapture(s, p+2, capPosition)
			}
			return m.startCapture(s, p+1, capUnfinished)
		case ')':
			return m.endCapture(s, p+1)
		case '%':
			if p+1 < len(m.pat) {
				switch c := m.pat[p+1]; {
				case c == 'b':
					s = m.matchBalance(s, p+2)
					if s == -1 {
						return -1
					}
					p += 4
					continue
				case c == 'f':
					p += 2
					if p >= len(m.pat) || m.pat[p] != '[' {
						m.fail("missing '[' after '%%f' in pattern")
					}
					ep := m.classEnd(p)
					var prev, cur byte
					if s > 0 {
						prev = m.src[s-1]
					}
					if s < len(m.src) {
						cur = m.src[s]
					}
					if matchBracketClass(prev, m.pat, p, ep-1) || !matchBracketClass(cur, m.pat, p, ep-1) {
						return -1
					}
					p = ep
					continue
				case isDigit(c):
					s = m.matchCapture(s, c)
					if s == -1 {
						return -1
					}
					p += 2
					continue
				}
			}
		case '$':
			if p+1 == len(m.pat) {
				if s == len(m.src) {
					return s
				}
				return -1
			}
		}
		// A single-character class, maybe followed by a quantifier.
		ep := m.classEnd(p)
		matched := s < len(m.src) && m.singleMatch(m.src[s], p, ep)
		if ep < len(m.pat) {
			switch m.pat[ep] {
			case '?':
				if matched {
					if r := m.match(s+1, ep+1); r != -1 {
						return r
					}
				}
				p = ep + 1
				continue
			case '*':
				return m.maxExpand(s, p, ep)
			case '+':
				if !matched {
					return -1
				}
				return m.maxExpand(s+1, p, ep)
			case '-':
				return m.minExpand(s, p, ep)
			}
		}
		if !matched {
			return -1
		}
		s++
		p = ep
	}
}

// classEnd returns the index just after the single-character class at p.
func (m *matcher) classEnd(p int) int {
	c := m.pat[p]
	p++
	switch c {
	case '%':
		if p >= len(m.pat) {
			m.fail("malformed pattern (ends with '%%')")
		}
		return p + 1
	case '[':
		start := p
		if p < len(m.pat) && m.pat[p] == '^' {
			p++
		}
		for { // look for a ']'; the first character is never the end
			if p >= len(m.pat) {
				m.fail("malformed pattern (missing ']')")
			}
			c := m.pat[p]
			p++
			if c == '%' && p < len(m.pat) {
				p++ // skip escapes (e.g. '%]')
			}
			if p < len(m.pat) && m.pat[p] == ']' {
				break
			}
		}
		m.step(int64(p-start) >> 4)
		return p + 1
	}
	return p
}

func (m *matcher) singleMatch(c byte, p, ep int) bool {
	switch m.pat[p] {
	case '.':
		return true
	case '%':
		return matchClass(c, m.pat[p+1])
	case '[':
		m.step(int64(ep-p) >> 4)
		return matchBracketClass(c, m.pat, p, ep-1)
	}
	return m.pat[p] == c
}

// matchBracketClass reports whether c is in the set pat[p:ec+1], where p
// is the '[' and ec the closing ']'.
func matchBracketClass(c byte, pat string, p, ec int) bool {
	sig := true
	if pat[p+1] == '^' {
		sig = false
		p++ // skip the '^'
	}
	for p++; p < ec; p++ {
		switch {
		case pat[p] == '%':
			p++
			if matchClass(c, pat[p]) {
				return sig
			}
		case pat[p+1] == '-' && p+2 < ec:
			p += 2
			if pat[p-2] <= c && c <= pat[p] {
				return sig
			}
		case pat[p] == c:
			return sig
		}
	}
	return !sig
}

// matchClass is match_class of lstrlib.c, with the C locale's classes.
func matchClass(c, cl byte) bool {
	var res bool
	switch cl | 0x20 {
	case 'a':
		res = isAlpha(c)
	case 'c':
		res = c < 32 || c == 127
	case 'd':
		res = isDigit(c)
	case 'l':
		res = 'a' <= c && c <= 'z'
	case 'p':
		res = isPunct(c)
	case 's':
		res = c == ' ' || ('\t' <= c && c <= '\r')
	case 'u':
		res = 'A' <= c && c <= 'Z'
	case 'w':
		res = isAlpha(c) || isDigit(c)
	case 'x':
		res = isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f')
	case 'z':
		res = c == 0
	default: // cl|0x20 is a letter only when cl is one
		return cl == c
	}
	if 'A' <= cl && cl <= 'Z' {
		return !res
	}
	return res
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isPunct(c byte) bool {
	return (33 <= c && c <= 47) || (58 <= c && c <= 64) || (91 <= c && c <= 96) || (123 <= c && c <= 126)
}

func (m *matcher) matchBalance(s, p int) int {
	if p+1 >= len(m.pat) {
		m.fail("unbalanced pattern")
	}
	if s >= len(m.src) || m.src[s] != m.pat[p] {
		return -1
	}
	b, e := m.pat[p], m.pat[p+1]
	cont := 1
	for s++; s < len(m.src); s++ {
		m.step(1)
		switch m.src[s] {
		case e:
			cont--
			if cont == 0 {
				return s + 1
			}
		case b:
			cont++
		}
	}
	return -1 // the string ends out of balance
}

func (m *matcher) maxExpand(s, p, ep int) int {
	i := 0 // counts maximum expand for item
	for s+i < len(m.src) && m.singleMatch(m.src[s+i], p, ep) {
		m.step(1)
		i++
	}
	// keeps trying to match with the maximum repetitions
	for ; i >= 0; i-- {
		if r := m.match(s+i, ep+1); r != -1 {
			return r
		}
	}
	return -1
}

func (m *matcher) minExpand(s, p, ep int) int {
	for {
		if r := m.match(s, ep+1); r != -1 {
			return r
		}
		if s < len(m.src) && m.singleMatch(m.src[s], p, ep) {
			s++ // try with one more repetition
		} else {
			return -1
		}
	}
}

func (m *matcher) startCapture(s, p, what int) int {
	if m.level >= MaxCaptures {
		m.fail("too many captures")
	}
	m.capture[m.level].init = s
	m.capture[m.level].len = what
	m.level++
	r := m.match(s, p)
	if r == -1 {
		m.level-- // undo capture
	}
	return r
}

func (m *matcher) endCapture(s, p int) int {
	l := m.captureToClose()
	m.capture[l].len = s - m.capture[l].init // close capture
	r := m.match(s, p)
	if r == -1 {
		m.capture[l].len = capUnfinished // undo capture
	}
	return r
}

func (m *matcher) captureToClose() int {
	for level := m.level - 1; level >= 0; level-- {
		if m.capture[level].len == capUnfinished {
			return level
		}
	}
	m.fail("invalid pattern capture")
	return 0
}

func (m *matcher) matchCapture(s int, c byte) int {
	l := int(c) - '1'
	if l < 0 || l >= m.level || m.capture[l].len == capUnfinished {
		m.fail("invalid capture index")
	}
	init, n := m.capture[l].init, m.capture[l].len
	if n < 0 { // a position capture never matches text
		return -1
	}
	m.step(int64(n)>>6 + 1)
	if len(m.src)-s >= n && m.src[init:init+n] == m.src[s:s+n] {
		return s + n
	}
	return -1
}
