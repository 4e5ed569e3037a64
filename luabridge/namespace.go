package luabridge

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// newApp builds app = { integrations = { <name> = namespace, … } }.
func (vm *VM) newApp() *lua.LTable {
	L := vm.L
	integrations := L.NewTable()
	names := make([]string, 0, len(vm.opts.Integrations))
	for _, in := range vm.opts.Integrations {
		integrations.RawSetString(in.Name, vm.newNamespace(in))
		names = append(names, in.Name)
	}
	integrations.Metatable = vm.guard("app.integrations", func(L *lua.LState, key string) {
		msg := fmt.Sprintf("app.integrations has no integration '%s'", key)
		if s := integration.Suggest(key, names); s != "" {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		}
		L.RaiseError("%s (available: %s)", msg, strings.Join(names, ", "))
	})
	app := L.NewTable()
	app.RawSetString("integrations", integrations)
	return app
}

// guard returns a metatable whose __index reports an unknown key through
// missing and whose __newindex refuses writes.
func (vm *VM) guard(name string, missing func(L *lua.LState, key string)) *lua.LTable {
	L := vm.L
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		key, ok := L.Get(2).(lua.LString)
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		missing(L, string(key))
		return 1
	}))
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s is read-only (cannot set '%s')", name, L.ToStringMeta(L.Get(2)).String())
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	return mt
}

// newNamespace builds app.integrations.<name>: the functions bound to the
// default account, and account subtables built on first use.
func (vm *VM) newNamespace(in *integration.Integration) *lua.LTable {
	path := "app.integrations." + in.Name
	ns := vm.functionTable(in, accounts.DefaultName)
	ns.Metatable = vm.guard(path, func(L *lua.LState, key string) {
		set := vm.opts.Accounts[in.Name]
		if key == accounts.DefaultName || set.Get(key) != nil {
			t := vm.functionTable(in, key)
			t.Metatable = vm.guard(path+"."+key, func(L *lua.LState, fn string) {
				vm.unknownFunction(L, in, path+"."+key, fn)
			})
			ns.RawSetString(key, t)
			L.Push(t)
			return
		}
		if strings.HasPrefix(key, in.Name+"_") || integration.Suggest(key, in.FunctionNames()) != "" {
			vm.unknownFunction(L, in, path, key)
		}
		vm.raise(errorFields{typ: typeUnknownAccount, account: key, err: accounts.ErrUnknownAccount,
			message: fmt.Sprintf("%s has no account or function '%s' (%s)", path, key, describeAccounts(set))})
	})
	ns.RawSetString(accounts.ListFunction, vm.L.NewFunction(func(L *lua.LState) int {
		set := vm.opts.Accounts[in.Name]
		names := L.NewTable()
		names.Metatable = vm.conv.decodedMT // no account: [] in JSON
		for _, n := range set.Names() {
			names.Append(lua.LString(n))
		}
		L.Push(names)
		if set != nil && set.Default != "" {
			L.Push(lua.LString(set.Default))
		} else {
			L.Push(lua.LNil)
		}
		return 2
	}))
	return ns
}

func (vm *VM) functionTable(in *integration.Integration, account string) *lua.LTable {
	L := vm.L
	t := L.CreateTable(0, len(in.Functions))
	for _, fn := range in.Functions {
		t.RawSetString(fn.Name, L.NewFunction(vm.adapter(in, fn, account)))
	}
	vm.nsOwned[t] = true
	return t
}

func (vm *VM) unknownFunction(L *lua.LState, in *integration.Integration, path, name string) {
	msg := fmt.Sprintf("%s has no function '%s'", path, name)
	if s := integration.Suggest(name, in.FunctionNames()); s != "" {
		msg += fmt.Sprintf("; did you mean '%s'?", s)
	}
	vm.raise(errorFields{typ: typeUsage, function: name,
		message: fmt.Sprintf("%s (see lua_read_doc(\"integrations.%s\"))", msg, in.Name)})
}

// describeAccounts lists the configured accounts for error messages.
func describeAccounts(set *accounts.Set) string {
	names := set.Names()
	if len(names) == 0 {
		return "no accounts are configured"
	}
	list := make([]string, 0, len(names))
	for _, n := range names {
		if n == set.Default && n != accounts.DefaultName {
			n += " (default)"
		}
		list = append(list, n)
	}
	sort.Strings(list)
	return "configured accounts: " + strings.Join(list, ", ")
}
