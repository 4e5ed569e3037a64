package luabridge

import (
	lua "github.com/yuin/gopher-lua"
)

// baseAllowed are the base-library globals a script keeps. dofile, loadfile,
// load, loadstring, require, module, getfenv, setfenv, collectgarbage,
// newproxy and _printregs are left out; print is replaced by the host's.
var baseAllowed = []string{
	"_G", "_VERSION", "assert", "error", "getmetatable", "ipairs", "next", "pairs",
	"pcall", "rawequal", "rawget", "rawset", "select", "setmetatable", "tonumber",
	"tostring", "type", "unpack", "xpcall",
}

// libraries opened, in order.
var libraries = []struct {
	name string
	open lua.LGFunction
}{
	{lua.BaseLibName, lua.OpenBase},
	{lua.TabLibName, lua.OpenTable},
	{lua.StringLibName, lua.OpenString},
	{lua.MathLibName, lua.OpenMath},
	{lua.CoroutineLibName, lua.OpenCoroutine},
	{lua.OsLibName, lua.OpenOs},
}

// osAllowed are the os functions a script keeps.
var osAllowed = []string{"time", "clock", "date"}

// openSandbox opens the allowed libraries and removes every global that is
// not on the allowlist.
func (vm *VM) openSandbox() {
	L := vm.L
	for _, lib := range libraries {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	keep := map[string]bool{"table": true, "string": true, "math": true, "coroutine": true}
	for _, name := range baseAllowed {
		keep[name] = true
	}
	globals := L.G.Global
	var drop []lua.LValue
	globals.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); !ok || !keep[string(s)] {
			drop = append(drop, k)
		}
	})
	osLib, _ := globals.RawGetString("os").(*lua.LTable)
	for _, k := range drop {
		globals.RawSet(k, lua.LNil)
	}
	safeOS := L.NewTable()
	if osLib != nil {
		for _, name := range osAllowed {
			safeOS.RawSetString(name, osLib.RawGetString(name))
		}
	}
	globals.RawSetString("os", safeOS)
	// The string metatable is shared by every string: hide it from
	// getmetatable so a script cannot reach or replace it.
	if strLib, ok := globals.RawGetString("string").(*lua.LTable); ok {
		strLib.RawSetString("__metatable", lua.LFalse)
	}
}
