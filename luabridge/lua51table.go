package luabridge

import (
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// openTable51 adds the functions of Lua 5.1's table library that gopher-lua
// leaves out or answers differently: foreach and foreachi (deprecated in
// 5.1 but there), setn, which raises as Lua 5.1's does, and maxn, which
// looks at every key (gopher-lua's sees only the array part). The callbacks
// are called from Go, so they cannot yield.
func (g *guard) openTable51(L *lua.LState, tbl *lua.LTable) {
	tbl.RawSetString("foreach", L.NewFunction(g.noYield(tableForeach)))
	tbl.RawSetString("foreachi", L.NewFunction(g.noYield(tableForeachi)))
	tbl.RawSetString("maxn", L.NewFunction(tableMaxn))
	tbl.RawSetString("setn", L.NewFunction(func(L *lua.LState) int {
		L.Error(lua.LString("'setn' is obsolete"), 0)
		return 0
	}))
}

// tableForeach calls f(k, v) for each pair of t until f returns a value
// other than nil, which it returns.
func tableForeach(L *lua.LState) int {
	t := L.CheckTable(1)
	f := L.CheckFunction(2)
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if r := callPair(L, f, k, v); r != lua.LNil {
			L.Push(r)
			return 1
		}
	}
	return 0
}

// tableForeachi calls f(i, t[i]) for i from 1 to #t (taken once, before the
// first call) until f returns a value other than nil, which it returns.
func tableForeachi(L *lua.LState) int {
	t := L.CheckTable(1)
	f := L.CheckFunction(2)
	n := t.Len()
	for i := 1; i <= n; i++ {
		if r := callPair(L, f, lua.LNumber(i), t.RawGetInt(i)); r != lua.LNil {
			L.Push(r)
			return 1
		}
	}
	return 0
}

func callPair(L *lua.LState, f *lua.LFunction, k, v lua.LValue) lua.LValue {
	L.Push(f)
	L.Push(k)
	L.Push(v)
	L.Call(2, 1)
	r := L.Get(-1)
	L.Pop(1)
	return r
}

// tableMaxn is the largest positive number among the keys of t, or 0.
func tableMaxn(L *lua.LState) int {
	t := L.CheckTable(1)
	largest := lua.LNumber(0)
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		if n, ok := k.(lua.LNumber); ok && n > largest {
			largest = n
		}
	}
	L.Push(largest)
	return 1
}
