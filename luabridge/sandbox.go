package luabridge

import (
	"fmt"
	"strings"

	"github.com/kosmo-run/kosmo/luabridge/luapattern"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// baseAllowed are the base-library globals a script keeps. dofile, loadfile,
// load, loadstring, require, module, getfenv, setfenv, collectgarbage and
// newproxy are left out (see unavailable), and so is _printregs; print is
// replaced by the host's.
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

// standardLibraries are Lua's library tables a script gets. They are the
// script's own, as in Lua 5.1: each VM has its tables, and no host function
// looks anything up in them, so a script that changes them (string.trim =
// …, table.unpack = table.unpack or unpack) changes only what it runs
// itself.
var standardLibraries = []string{"string", "table", "math", "os", "coroutine"}

// readOnly are kosmo's own library tables, which seal makes read-only: they
// are the host's API (and fs and stdin its grants), not Lua's.
var readOnly = []string{"json", "base64", "fs", "stdin"}

// Why a script lacks what a standard Lua has, and what to do instead.
const (
	whyModules  = "modules cannot be loaded; put the code the script needs in the script itself"
	whyCompile  = "scripts cannot compile code at run time; write the code in the script itself"
	whyRunFile  = "scripts cannot run other files; put the code in the script itself (fs.read(path) reads a file's text once granted with --allow-read=DIR)"
	whyFiles    = "files are read with fs.read(path) and written with fs.write(path, data), once granted with --allow-read=DIR and --allow-write=DIR"
	whyEnv      = "scripts get no environment; pass values as script arguments (kosmo run script.lua a b)"
	whyPrograms = "scripts cannot run programs"
	whyStdout   = "print(...) writes to standard output"
	whyStdin    = "standard input is read with stdin.read() and stdin.lines(), once granted with --allow-stdin"
	whyFenv     = "function environments cannot be read or changed; use local variables and tables"
	whyDebug    = "the debug library reaches inside functions and values the sandbox keeps apart"
)

// unavailable are the standard functions a script does not get, each with
// why. In its place the script finds a function that raises
// "<name> is not available in the sandbox: <why>", so that a script (or an
// agent repairing one) learns what is missing and what to do instead.
var unavailable = map[string]string{
	"require":        whyModules,
	"module":         whyModules,
	"dofile":         whyRunFile,
	"loadfile":       whyRunFile,
	"load":           whyCompile,
	"loadstring":     whyCompile,
	"getfenv":        whyFenv,
	"setfenv":        whyFenv,
	"collectgarbage": "memory is managed by the host (kosmo run --max-memory bounds it)",
	"newproxy":       "use a table with a metatable (setmetatable) instead",
	"string.dump":    "functions cannot be turned into bytecode",
	"os.getenv":      whyEnv,
	"os.execute":     whyPrograms,
	"os.exit":        "end the script with return, or fail it with error(message)",
	"os.remove":      whyFiles,
	"os.rename":      whyFiles,
	"os.tmpname":     whyFiles,
	"os.setlocale":   "the locale is fixed",
	"os.difftime":    "subtract the two times instead (t2 - t1, in seconds)",
}

// unavailableLibraries are the standard libraries a script does not get.
// In the place of each is a read-only table that raises on any use,
// naming the member and why: unavailableMembers says it where the
// library's reason does not fit.
var unavailableLibraries = map[string]string{
	"io":      whyFiles,
	"debug":   whyDebug,
	"package": whyModules,
}

var unavailableMembers = map[string]string{
	"io.write":        whyStdout,
	"io.stdout":       whyStdout,
	"io.stderr":       whyStdout,
	"io.output":       whyStdout,
	"io.flush":        whyStdout,
	"io.read":         whyStdin,
	"io.lines":        whyStdin,
	"io.stdin":        whyStdin,
	"io.input":        whyStdin,
	"io.popen":        whyPrograms,
	"debug.traceback": "error messages carry the script position; catch errors with pcall(f) or xpcall(f, handler)",
}

// notAvailable is the refusal of a standard function or library member.
func notAvailable(name, why string) string {
	return fmt.Sprintf("%s is not available in the sandbox: %s", name, why)
}

// refusal returns a function that raises the refusal of name.
func refusal(name, why string) lua.LGFunction {
	msg := notAvailable(name, why)
	return func(L *lua.LState) int {
		L.RaiseError("%s", msg)
		return 0
	}
}

// refusingLibrary is the table in the place of a library a script does not
// get: reading or setting any of its keys raises the refusal; pairs sees
// an empty table.
func (g *guard) refusingLibrary(L *lua.LState, name, why string) *lua.LTable {
	refuse := func(L *lua.LState) int {
		member, reason := name, why
		if k, ok := L.Get(2).(lua.LString); ok {
			member = name + "." + string(k)
			if r, ok := unavailableMembers[member]; ok {
				reason = r
			}
		}
		L.RaiseError("%s", notAvailable(member, reason))
		return 0
	}
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(refuse))
	mt.RawSetString("__newindex", L.NewFunction(refuse))
	mt.RawSetString("__metatable", lua.LFalse)
	proxy := L.NewTable()
	proxy.Metatable = mt
	g.proxies[proxy] = L.NewTable()
	return proxy
}

// openRefusals puts the refusals of the functions and libraries a script
// does not get in their places.
func (vm *VM) openRefusals() {
	L := vm.L
	globals := L.G.Global
	for name, why := range unavailable {
		fn := L.NewFunction(refusal(name, why))
		lib, member, ok := strings.Cut(name, ".")
		if !ok {
			globals.RawSetString(name, fn)
			continue
		}
		if t, ok := globals.RawGetString(lib).(*lua.LTable); ok {
			t.RawSetString(member, fn)
		}
	}
	for name, why := range unavailableLibraries {
		globals.RawSetString(name, vm.g.refusingLibrary(L, name, why))
	}
}

// openSandbox opens the allowed libraries, removes every global that is not
// on the allowlist, and replaces the library functions whose Go work
// gopher-lua does not bound (patterns, string.rep, string.format,
// table.concat, table.sort, os.date) and the coroutine functions.
func (vm *VM) openSandbox() {
	L := vm.L
	vm.g = newGuard(vm.opts)
	g := vm.g
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
		safeOS.RawSetString("date", L.NewFunction(g.date))
	}
	globals.RawSetString("os", safeOS)

	str := globals.RawGetString("string").(*lua.LTable)
	// The string metatable is set by seal; string.dump only raises.
	for _, name := range []string{"__index", "__metatable", "dump"} {
		str.RawSetString(name, lua.LNil)
	}
	patterns := luapattern.Library{Steps: g.lim.PatternSteps, MaxResult: g.lim.MaxString}
	for name, fn := range patterns.Functions() {
		if name == "gsub" {
			// A replacement function is called from Go: it cannot yield.
			fn = g.noYield(fn)
		}
		str.RawSetString(name, L.NewFunction(fn))
	}
	str.RawSetString("gfind", str.RawGetString("gmatch"))
	for _, name := range []string{"upper", "lower", "reverse"} {
		if fn, ok := str.RawGetString(name).(*lua.LFunction); ok && fn.GFunction != nil {
			str.RawSetString(name, L.NewFunction(g.reserving("string."+name, fn.GFunction)))
		}
	}
	str.RawSetString("rep", L.NewFunction(g.rep))
	str.RawSetString("format", L.NewFunction(g.format))
	tbl := globals.RawGetString("table").(*lua.LTable)
	tbl.RawSetString("concat", L.NewFunction(g.concat))
	tbl.RawSetString("sort", L.NewFunction(g.noYield(g.sortTable)))
	g.openTable51(L, tbl)
	globals.RawSetString("tonumber", L.NewFunction(tonumber))
	globals.RawSetString("error", L.NewFunction(luaError))

	co := globals.RawGetString("coroutine").(*lua.LTable)
	create, _ := co.RawGetString("create").(*lua.LFunction)
	resume, _ := co.RawGetString("resume").(*lua.LFunction)
	if create != nil && resume != nil {
		bounded := g.resume(resume.GFunction)
		co.RawSetString("resume", L.NewFunction(bounded))
		co.RawSetString("wrap", L.NewFunction(g.wrap(create, bounded)))
	}
	if yield, ok := co.RawGetString("yield").(*lua.LFunction); ok {
		co.RawSetString("yield", L.NewFunction(g.yield(yield.GFunction)))
	}
	vm.openFS()
	vm.openRefusals()
}

// seal runs once the VM's globals are all set. Every Go function in the
// globals and in the library tables checks the context on entry; kosmo's
// own library tables become read-only (pairs, next and rawget still see
// through them); the string metatable is {__index = string}, as in Lua
// 5.1 (each VM has its own); setmetatable takes tables only, as in Lua
// 5.1; the error tables' metatable is protected.
func (vm *VM) seal() {
	L := vm.L
	g := vm.g
	globals := L.G.Global
	replaceBase := map[string]func(lua.LGFunction) lua.LGFunction{
		"pairs": g.pairs, "next": g.next, "rawget": g.rawget, "rawset": g.rawset, "setmetatable": setmetatable,
	}
	for name, f := range replaceBase {
		if fn, ok := globals.RawGetString(name).(*lua.LFunction); ok && fn.IsG {
			globals.RawSetString(name, withG(fn, f(fn.GFunction)))
		}
	}
	wrapped := map[*lua.LFunction]*lua.LFunction{}
	checked := func(name string, v lua.LValue) lua.LValue {
		fn, ok := v.(*lua.LFunction)
		if !ok || !fn.IsG {
			return v
		}
		if w, ok := wrapped[fn]; ok {
			return w
		}
		w := withG(fn, hostFunction(name, fn.GFunction))
		wrapped[fn] = w
		return w
	}
	wrapAll := func(prefix string, t *lua.LTable) {
		var keys []lua.LValue
		t.ForEach(func(k, _ lua.LValue) { keys = append(keys, k) })
		for _, k := range keys {
			t.RawSet(k, checked(prefix+k.String(), t.RawGet(k)))
		}
	}
	wrapAll("", globals)
	for _, name := range standardLibraries {
		if lib, ok := globals.RawGetString(name).(*lua.LTable); ok {
			wrapAll(name+".", lib)
		}
	}
	for _, name := range readOnly {
		lib, ok := globals.RawGetString(name).(*lua.LTable)
		if !ok {
			continue
		}
		wrapAll(name+".", lib)
		globals.RawSetString(name, g.readOnly(L, name, lib))
	}
	if str, ok := globals.RawGetString("string").(*lua.LTable); ok {
		mt := L.NewTable()
		mt.RawSetString("__index", str)
		L.SetMetatable(lua.LString(""), mt)
	}
	if vm.errMT != nil {
		vm.errMT.RawSetString("__metatable", lua.LFalse)
	}
}

// hostFunction wraps a Go function given to scripts: it checks the context
// on entry, and a Go panic (gopher-lua's math.random(0) panics, say) becomes
// a plain Lua error that shows no Go internals.
//
// A Lua error passing through (an *lua.ApiError) is raised again only once
// the deferred function has returned: raised inside it, each level of a
// deep recursion through host functions (a __tostring calling tostring)
// would nest one more panic, and unwinding 10,000 nested panics took the
// runtime ten seconds.
func hostFunction(name string, fn lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) (n int) {
		checkContext(L)
		var luaErr, goPanic any
		func() {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(*lua.ApiError); ok {
						luaErr = r
					} else {
						goPanic = r
					}
				}
			}()
			n = fn(L)
		}()
		if luaErr != nil {
			panic(luaErr)
		}
		if goPanic != nil {
			L.RaiseError("%s: invalid arguments", name)
		}
		return n
	}
}

// withG returns a Go function with fn's environment and upvalues (which
// gopher-lua's pairs and ipairs read) that runs body.
func withG(fn *lua.LFunction, body lua.LGFunction) *lua.LFunction {
	return &lua.LFunction{IsG: true, Env: fn.Env, GFunction: body, Upvalues: fn.Upvalues}
}

// readOnly returns a table that shows lib and refuses writes.
func (g *guard) readOnly(L *lua.LState, name string, lib *lua.LTable) *lua.LTable {
	mt := L.NewTable()
	mt.RawSetString("__index", lib)
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s is read-only (cannot set '%s')", name, L.Get(2).String())
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	proxy := L.NewTable()
	proxy.Metatable = mt
	g.proxies[proxy] = lib
	return proxy
}

// library returns the table a read-only library table shows.
func (g *guard) library(v lua.LValue) (*lua.LTable, bool) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, false
	}
	lib, ok := g.proxies[t]
	return lib, ok
}

// pairs sees through read-only library tables.
func (g *guard) pairs(orig lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if _, ok := g.library(L.Get(1)); ok {
			L.Push(L.NewFunction(g.next(func(L *lua.LState) int {
				L.ArgError(1, "a library table expected")
				return 0
			})))
			L.Push(L.Get(1))
			L.Push(lua.LNil)
			return 3
		}
		return orig(L)
	}
}

// next sees through read-only library tables.
func (g *guard) next(orig lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		lib, ok := g.library(L.Get(1))
		if !ok {
			return orig(L)
		}
		k, v := lib.Next(L.Get(2))
		if k == lua.LNil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(k)
		L.Push(v)
		return 2
	}
}

// rawget sees through read-only library tables.
func (g *guard) rawget(orig lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if lib, ok := g.library(L.Get(1)); ok {
			L.Push(lib.RawGet(L.CheckAny(2)))
			return 1
		}
		return orig(L)
	}
}

// rawset refuses read-only library tables.
func (g *guard) rawset(orig lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if _, ok := g.library(L.Get(1)); ok {
			L.ArgError(1, "a library table is read-only")
		}
		return orig(L)
	}
}

// setmetatable takes a table, as in Lua 5.1: gopher-lua's would give every
// number, string, boolean or function the metatable passed with one.
func setmetatable(orig lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		L.CheckTable(1)
		return orig(L)
	}
}

// resume is coroutine.resume bounded in depth and bound to the context of
// the resuming code: a coroutine created in an earlier run obeys this one.
// As in Lua 5.1, a coroutine that is not suspended is not resumed: resume
// returns false and "cannot resume <status> coroutine" (gopher-lua would
// resume a coroutine that is itself resuming another one).
func (g *guard) resume(orig lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		checkContext(L)
		th := L.CheckThread(1)
		status := ""
		switch {
		case th.Dead:
			status = "dead"
		case th == L || L.G.CurrentThread == th:
			status = "running"
		case g.resuming[th] > 0 || L.G.MainThread == th:
			status = "normal"
		}
		if status != "" {
			L.Push(lua.LFalse)
			L.Push(lua.LString("cannot resume " + status + " coroutine"))
			return 2
		}
		if ctx := L.Context(); ctx != nil {
			th.SetContext(ctx)
		}
		g.coDepth++
		g.resuming[L]++
		// Inside the coroutine, yields go to this resume.
		noYield := g.noYields
		g.noYields = 0
		defer func() {
			g.coDepth--
			if g.resuming[L]--; g.resuming[L] == 0 {
				delete(g.resuming, L)
			}
			g.noYields = noYield
		}()
		if g.coDepth > maxCoroutineDepth {
			L.RaiseError("coroutines are nested more than %d deep", maxCoroutineDepth)
		}
		return orig(L)
	}
}

// yield is coroutine.yield refused where Lua 5.1 refuses it: in a function
// that Go code called (a table.sort comparator, a string.gsub replacement),
// which cannot be suspended.
func (g *guard) yield(orig lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if g.noYields > 0 {
			L.Error(lua.LString("attempt to yield across metamethod/C-call boundary"), 0)
		}
		return orig(L)
	}
}

// noYield marks the Lua functions fn calls as called from Go, where yield
// raises.
func (g *guard) noYield(fn lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		g.noYields++
		defer func() { g.noYields-- }()
		return fn(L)
	}
}

// wrap is coroutine.wrap on top of create and the bounded resume: errors
// propagate, as in Lua, a message with the position of the code that
// called the wrapped function in front.
func (g *guard) wrap(create *lua.LFunction, resume lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		L.CheckFunction(1)
		L.Push(create)
		L.Push(L.Get(1))
		L.Call(1, 1)
		th := L.Get(-1)
		L.Pop(1)
		L.Push(L.NewFunction(func(L *lua.LState) int {
			L.Insert(th, 1)
			n := resume(L)
			first := L.GetTop() - n + 1
			if L.Get(first) == lua.LFalse {
				msg := L.Get(first + 1)
				if s, ok := msg.(lua.LString); ok {
					msg = lua.LString(whereAt(L, 1) + string(s))
				} else if n, ok := msg.(lua.LNumber); ok {
					msg = lua.LString(whereAt(L, 1) + numberString(float64(n)))
				}
				L.Error(msg, 0)
			}
			L.Remove(first)
			return n - 1
		}))
		return 1
	}
}
