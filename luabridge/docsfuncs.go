package luabridge

import (
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// openDocs installs lua_read_doc, lua_list_docs and lua_search_docs.
func (vm *VM) openDocs() {
	L := vm.L
	L.SetGlobal("lua_read_doc", L.NewFunction(vm.readDoc))
	L.SetGlobal("lua_list_docs", L.NewFunction(vm.listDocs))
	L.SetGlobal("lua_search_docs", L.NewFunction(vm.searchDocs))
}

// readDoc is lua_read_doc(page): the page's markdown.
func (vm *VM) readDoc(L *lua.LState) int {
	page := L.CheckString(1)
	text, err := vm.docs.Read(page)
	if err != nil {
		L.RaiseError("lua_read_doc: %s", err.Error())
	}
	L.Push(lua.LString(text))
	return 1
}

// listDocs is lua_list_docs(): { { page, summary, operation? }, … }.
func (vm *VM) listDocs(L *lua.LState) int {
	list := vm.docs.List()
	t := L.CreateTable(len(list), 0)
	t.Metatable = vm.conv.decodedMT
	for _, p := range list {
		e := L.CreateTable(0, 3)
		e.RawSetString("page", lua.LString(p.Page))
		e.RawSetString("summary", lua.LString(p.Summary))
		if p.Operation != "" {
			e.RawSetString("operation", lua.LString(p.Operation))
		}
		t.Append(e)
	}
	L.Push(t)
	return 1
}

// searchDocs is lua_search_docs(query): ranked { { page, summary, score }, … }.
func (vm *VM) searchDocs(L *lua.LState) int {
	matches := vm.docs.Search(L.CheckString(1))
	t := L.CreateTable(len(matches), 0)
	t.Metatable = vm.conv.decodedMT // no match: an empty array, [] in JSON
	for _, m := range matches {
		e := L.CreateTable(0, 4)
		e.RawSetString("page", lua.LString(m.Page))
		e.RawSetString("summary", lua.LString(m.Summary))
		e.RawSetString("operation", lua.LString(m.Operation))
		e.RawSetString("score", lua.LNumber(m.Score))
		t.Append(e)
	}
	L.Push(t)
	return 1
}
