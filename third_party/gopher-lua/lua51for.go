package lua

// forNumbers converts the initial value, limit and step of the numeric for
// loop at register ra to numbers as Lua 5.1's OP_FORPREP does (a string
// that reads as a number is that number), or raises Lua 5.1's error naming
// the first that is not one. kosmo patch, see PATCHES.md.
func forNumbers(L *LState, ra int) {
	for i, what := range [3]string{"initial value", "limit", "step"} {
		switch v := L.reg.Get(ra + i).(type) {
		case LNumber:
			continue
		case LString:
			if n, err := parseNumber(string(v)); err == nil {
				L.reg.Set(ra+i, n)
				continue
			}
		}
		L.RaiseError("'for' %s must be a number", what)
	}
}
