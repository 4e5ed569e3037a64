package luabridge

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// This file holds replacements of gopher-lua's library functions that
// answer as Lua 5.1 (the reference interpreter on Linux, C locale) does:
// tonumber, string.format and os.date.

// cSpace reports whether c is a space for C's isspace.
func cSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// cString is s as C code sees it: up to its first '\0'.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// str2number is Lua 5.1's luaO_str2d: strtod (decimal, with an exponent,
// or hexadecimal, "inf" and "nan" as glibc reads them) with spaces around
// and nothing else.
func str2number(s string) (float64, bool) {
	s = strings.TrimFunc(cString(s), func(r rune) bool { return r < 0x80 && cSpace(byte(r)) })
	if s == "" || strings.ContainsAny(s, "_ \t\n\v\f\r") {
		return 0, false
	}
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false
	}
	if len(body) > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		hex := body[2:]
		if hex == "" || hex == "." {
			return 0, false
		}
		if !strings.ContainsAny(hex, "pP") {
			s += "p0"
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !isRange(err) {
			return 0, false
		}
		return f, true
	}
	// Go reads "infinity", "inf" and "nan" in any case, as glibc does, and
	// also "0b…" and "0o…", which strtod does not.
	if len(body) > 1 && body[0] == '0' && strings.ContainsAny(body[1:2], "bBoO") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRange(err) {
		return 0, false
	}
	return f, true
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// strtoul is C's strtoul(s, &end, base) for 2 <= base <= 36, with Lua 5.1's
// check that only spaces follow the digits. A minus sign negates in
// unsigned arithmetic, as C does.
func strtoul(s string, base int) (float64, bool) {
	s = cString(s)
	i := 0
	for i < len(s) && cSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 16 && strings.HasPrefix(strings.ToLower(s[i:]), "0x") && i+2 < len(s) && digit(s[i+2]) < 16 {
		i += 2
	}
	start := i
	var n uint64
	overflow := false
	for ; i < len(s); i++ {
		d := digit(s[i])
		if d >= base {
			break
		}
		next := n*uint64(base) + uint64(d)
		if next/uint64(base) != n {
			overflow = true
		}
		n = next
	}
	if i == start {
		return 0, false
	}
	for i < len(s) && cSpace(s[i]) {
		i++
	}
	if i != len(s) {
		return 0, false
	}
	if overflow {
		n = math.MaxUint64
	} else if neg {
		n = -n
	}
	return float64(n), true
}

func digit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// tonumber is Lua 5.1's tonumber(e [, base]): gopher-lua's reads neither
// "1e1" nor "5e-1".
func tonumber(L *lua.LState) int {
	v := L.CheckAny(1)
	base := L.OptInt(2, 10)
	if base == 10 {
		switch x := v.(type) {
		case lua.LNumber:
			L.Push(x)
			return 1
		case lua.LString:
			if f, ok := str2number(string(x)); ok {
				L.Push(lua.LNumber(f))
				return 1
			}
		}
		L.Push(lua.LNil)
		return 1
	}
	if base < 2 || base > 36 {
		L.ArgError(2, "base out of range")
	}
	s := L.CheckString(1)
	if f, ok := strtoul(s, base); ok {
		L.Push(lua.LNumber(f))
		return 1
	}
	L.Push(lua.LNil)
	return 1
}

// numberString is how Lua 5.1 writes a number as a string ("%.14g").
func numberString(f float64) string {
	return cFloat(f, "", -1, 14, 'g')
}

// cFloat is C's printf of f with flags, width (-1: none), precision and
// verb (e, E, f, g or G), as glibc writes it.
func cFloat(f float64, flags string, width, prec int, verb byte) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		s := "inf"
		if math.IsNaN(f) {
			s = "nan"
		}
		if verb == 'E' || verb == 'G' {
			s = strings.ToUpper(s)
		}
		switch {
		case math.Signbit(f):
			s = "-" + s
		case strings.Contains(flags, "+"):
			s = "+" + s
		case strings.Contains(flags, " "):
			s = " " + s
		}
		return pad(s, strings.Replace(flags, "0", "", -1), width)
	}
	var b strings.Builder
	b.WriteByte('%')
	b.WriteString(flags)
	if width >= 0 {
		b.WriteString(strconv.Itoa(width))
	}
	if prec < 0 {
		prec = 6
	}
	b.WriteString("." + strconv.Itoa(prec))
	b.WriteByte(verb)
	return fmt.Sprintf(b.String(), f)
}

// pad writes s in width columns: on the left, or on the right with '-'.
func pad(s, flags string, width int) string {
	if width <= len(s) {
		return s
	}
	fill := strings.Repeat(" ", width-len(s))
	if strings.Contains(flags, "-") {
		return s + fill
	}
	return fill + s
}

// quoted is s as string.format's %q writes it in Lua 5.1.
func quoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\000`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// quotedLen is the length of quoted(s).
func quotedLen(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"', '\\', '\n', '\r':
			n++
		case 0:
			n += 3
		}
	}
	return n
}

// format is Lua 5.1's string.format, with a bound on the result: each
// piece is measured before it is added. gopher-lua's writes %q as Go does
// and %c as UTF-8, and reads widths Lua refuses.
func (g *guard) format(L *lua.LState) int {
	f := L.CheckString(1)
	top := L.GetTop()
	arg := 1
	var b strings.Builder
	add := func(s string) {
		if b.Len()+len(s) > g.lim.MaxString {
			g.tooLong(L, "string.format", float64(b.Len()+len(s)))
		}
		b.WriteString(s)
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			if b.Len() >= g.lim.MaxString {
				g.tooLong(L, "string.format", float64(b.Len()+1))
			}
			b.WriteByte(c)
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			add("%")
			continue
		}
		arg++
		if arg > top {
			L.ArgError(arg, "no value")
		}
		// Flags, a width and a precision of two digits each at most.
		start := i
		for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
			i++
		}
		if i-start >= len("-+ #0")+1 {
			L.RaiseError("invalid format (repeated flags)")
		}
		flags := f[start:i]
		width, prec := -1, -1
		readNum := func() int {
			n := -1
			for k := 0; k < 2 && i < len(f) && f[i] >= '0' && f[i] <= '9'; k++ {
				n = max(n, 0)*10 + int(f[i]-'0')
				i++
			}
			return n
		}
		width = readNum()
		if i < len(f) && f[i] == '.' {
			i++
			prec = max(readNum(), 0)
		}
		if i < len(f) && f[i] >= '0' && f[i] <= '9' {
			L.RaiseError("invalid format (width or precision too long)")
		}
		verb := byte(0)
		if i < len(f) {
			verb = f[i]
		}
		switch verb {
		case 'c':
			n := int64(L.CheckNumber(arg))
			add(pad(string([]byte{byte(n)}), flags, width))
		case 'd', 'i':
			add(cInt(float64(L.CheckNumber(arg)), flags, width, prec, 'd', true))
		case 'o', 'u', 'x', 'X':
			v := verb
			if v == 'u' {
				v = 'd'
			}
			add(cInt(float64(L.CheckNumber(arg)), flags, width, prec, v, false))
		case 'e', 'E', 'f', 'g', 'G':
			add(cFloat(float64(L.CheckNumber(arg)), flags, width, prec, verb))
		case 'q':
			s := argString(L, arg)
			if b.Len()+quotedLen(s) > g.lim.MaxString {
				g.tooLong(L, "string.format", float64(b.Len()+quotedLen(s)))
			}
			quoted(&b, s)
		case 's':
			s := argString(L, arg)
			if prec < 0 && len(s) >= 100 {
				// As Lua 5.1: a long string is kept whole, width aside.
				add(s)
				continue
			}
			s = cString(s)
			if prec >= 0 && len(s) > prec {
				s = s[:prec]
			}
			add(pad(s, flags, width))
		default:
			L.RaiseError("invalid option '%%%s' to 'format'", f[i:min(i+1, len(f))])
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// argString is argument n as a string, numbers written as Lua writes them.
func argString(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return numberString(float64(v))
	}
	L.TypeError(n, lua.LTString)
	return ""
}

// cInt is C's printf of f converted to a 64-bit integer (signed for %d,
// unsigned for %o, %u, %x and %X).
func cInt(f float64, flags string, width, prec int, verb byte, signed bool) string {
	var v any
	switch {
	case math.IsNaN(f):
		v = int64(math.MinInt64)
	case signed || f < 0:
		n := int64(math.MinInt64)
		if f < 9.2233720368547758e18 && f >= -9.2233720368547758e18 {
			n = int64(f)
		}
		v = n
		if !signed {
			v = uint64(n)
		}
	default:
		u := uint64(math.MaxUint64)
		if f < 1.8446744073709552e19 {
			u = uint64(f)
		}
		v = u
	}
	zero := false
	switch x := v.(type) {
	case int64:
		zero = x == 0
	case uint64:
		zero = x == 0
	}
	if zero && strings.Contains(flags, "#") && (verb == 'x' || verb == 'X' || verb == 'o') {
		// C writes 0 as "0" with '#'; Go as "0x0".
		flags = strings.Replace(flags, "#", "", -1)
	}
	if prec >= 0 {
		flags = strings.Replace(flags, "0", "", -1)
	}
	var b strings.Builder
	b.WriteByte('%')
	b.WriteString(flags)
	if width >= 0 {
		b.WriteString(strconv.Itoa(width))
	}
	if prec >= 0 {
		b.WriteString("." + strconv.Itoa(prec))
	}
	b.WriteByte(verb)
	s := fmt.Sprintf(b.String(), v)
	if prec == 0 && zero {
		// C writes no digit for 0 with a precision of 0.
		s = pad(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "0")), flags, width)
	}
	return s
}

// C locale names of days and months.
var (
	cDays   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	cMonths = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// date is Lua 5.1's os.date([format [, time]]): "*t" (or "!*t") gives a
// table, any other format is written as C's strftime writes it in the C
// locale, a leading '!' meaning UTC. The result is bounded: a directive
// writes at most 24 bytes.
func (g *guard) date(L *lua.LState) int {
	f := L.OptString(1, "%c")
	t := time.Now()
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		secs := float64(L.CheckNumber(2))
		if math.IsNaN(secs) || math.Abs(secs) > 1e17 {
			L.Push(lua.LNil)
			return 1
		}
		t = time.Unix(int64(secs), 0)
	}
	if strings.HasPrefix(f, "!") {
		f = f[1:]
		t = t.UTC()
	} else {
		t = t.Local()
	}
	if strings.HasPrefix(f, "*t") {
		tbl := L.CreateTable(0, 9)
		for k, v := range map[string]int{"year": t.Year(), "month": int(t.Month()), "day": t.Day(), "hour": t.Hour(),
			"min": t.Minute(), "sec": t.Second(), "wday": int(t.Weekday()) + 1, "yday": t.YearDay()} {
			tbl.RawSetString(k, lua.LNumber(v))
		}
		tbl.RawSetString("isdst", lua.LBool(t.IsDST()))
		L.Push(tbl)
		return 1
	}
	if 12*float64(len(f)) > float64(g.lim.MaxString) {
		g.tooLong(L, "os.date", 12*float64(len(f)))
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		strftime(&b, f[i], t)
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// strftime writes conversion c of t as glibc's strftime does in the C
// locale; an unknown conversion is written as it is.
func strftime(b *strings.Builder, c byte, t time.Time) {
	two := func(n int) { fmt.Fprintf(b, "%02d", n) }
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	isoYear, isoWeek := t.ISOWeek()
	switch c {
	case 'a':
		b.WriteString(cDays[t.Weekday()][:3])
	case 'A':
		b.WriteString(cDays[t.Weekday()])
	case 'b', 'h':
		b.WriteString(cMonths[t.Month()-1][:3])
	case 'B':
		b.WriteString(cMonths[t.Month()-1])
	case 'c':
		fmt.Fprintf(b, "%s %s %2d %02d:%02d:%02d %d", cDays[t.Weekday()][:3], cMonths[t.Month()-1][:3], t.Day(), t.Hour(), t.Minute(), t.Second(), t.Year())
	case 'C':
		two(t.Year() / 100)
	case 'd':
		two(t.Day())
	case 'D', 'x':
		fmt.Fprintf(b, "%02d/%02d/%02d", int(t.Month()), t.Day(), t.Year()%100)
	case 'e':
		fmt.Fprintf(b, "%2d", t.Day())
	case 'F':
		fmt.Fprintf(b, "%d-%02d-%02d", t.Year(), int(t.Month()), t.Day())
	case 'g':
		two(isoYear % 100)
	case 'G':
		fmt.Fprintf(b, "%d", isoYear)
	case 'H':
		two(t.Hour())
	case 'I':
		two(hour12)
	case 'j':
		fmt.Fprintf(b, "%03d", t.YearDay())
	case 'k':
		fmt.Fprintf(b, "%2d", t.Hour())
	case 'l':
		fmt.Fprintf(b, "%2d", hour12)
	case 'm':
		two(int(t.Month()))
	case 'M':
		two(t.Minute())
	case 'n':
		b.WriteByte('\n')
	case 'p':
		b.WriteString(map[bool]string{true: "PM", false: "AM"}[t.Hour() >= 12])
	case 'P':
		b.WriteString(map[bool]string{true: "pm", false: "am"}[t.Hour() >= 12])
	case 'r':
		fmt.Fprintf(b, "%02d:%02d:%02d %s", hour12, t.Minute(), t.Second(), map[bool]string{true: "PM", false: "AM"}[t.Hour() >= 12])
	case 'R':
		fmt.Fprintf(b, "%02d:%02d", t.Hour(), t.Minute())
	case 's':
		fmt.Fprintf(b, "%d", t.Unix())
	case 'S':
		two(t.Second())
	case 't':
		b.WriteByte('\t')
	case 'T', 'X':
		fmt.Fprintf(b, "%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
	case 'u':
		fmt.Fprintf(b, "%d", (int(t.Weekday())+6)%7+1)
	case 'U':
		two((t.YearDay() + 6 - int(t.Weekday())) / 7)
	case 'V':
		two(isoWeek)
	case 'w':
		fmt.Fprintf(b, "%d", int(t.Weekday()))
	case 'W':
		two((t.YearDay() + 6 - (int(t.Weekday())+6)%7) / 7)
	case 'y':
		two(t.Year() % 100)
	case 'Y':
		fmt.Fprintf(b, "%d", t.Year())
	case 'z':
		b.WriteString(t.Format("-0700"))
	case 'Z':
		name, _ := t.Zone()
		if name == "UTC" && t.Location() == time.UTC {
			name = "GMT"
		}
		b.WriteString(name)
	case '%':
		b.WriteByte('%')
	default:
		b.WriteByte('%')
		b.WriteByte(c)
	}
}

// whereAt is Lua 5.1's luaL_where: "chunk:line: " of the function level
// levels up the stack (1: the function that called the running Go
// function), or "" when that is no Lua function.
func whereAt(L *lua.LState, level int) string {
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 {
		return ""
	}
	return fmt.Sprintf("%s:%d: ", dbg.Source, dbg.CurrentLine)
}

// luaError is Lua 5.1's error(message [, level]): a string or number
// message gets the position of the function level levels up (1, the
// default: the function that called error; 2: its caller), 0 adds none.
// gopher-lua's names the wrong function for levels of 2 and more.
func luaError(L *lua.LState) int {
	msg := L.Get(1)
	level := L.OptInt(2, 1)
	if level > 0 {
		switch v := msg.(type) {
		case lua.LString:
			msg = lua.LString(whereAt(L, level) + string(v))
		case lua.LNumber:
			msg = lua.LString(whereAt(L, level) + numberString(float64(v)))
		}
	}
	L.Error(msg, 0)
	return 0
}
