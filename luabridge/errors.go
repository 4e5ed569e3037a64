package luabridge

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/kosmo-run/kosmo/integration"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// Error types a script sees in err.type when the provider gave none.
const (
	typeValidation = "validation_error"
	typePolicy     = "policy_error"
	typeConnection = "connection_error"
	typeCancelled  = "cancelled"
	typeUsage      = "usage_error"
	// typeUnknownAccount is a script naming an account that is not configured.
	typeUnknownAccount = "unknown_account"
)

// newErrorMetatable is shared by every error table of the VM: tostring(err)
// gives "where message".
func (vm *VM) newErrorMetatable() *lua.LTable {
	L := vm.L
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		where, _ := t.RawGetString("where").(lua.LString)
		msg, _ := t.RawGetString("message").(lua.LString)
		L.Push(where + msg)
		return 1
	}))
	return mt
}

// errorFields are the fields of an error table.
type errorFields struct {
	message, function, account, typ, code, param, requestID string
	status, attempts                                        int
	retryable                                               bool
	// err is the Go error behind the table, which ScriptError carries
	// whatever the script does to the table's fields.
	err error
}

// raisedErrors remembers the Go error behind each error table a VM raised,
// for as long as the table lives: a script that fails with one of them gets
// its exit code from kosmo's error, never from the table's fields, which a
// script can change.
type raisedErrors struct {
	mu sync.Mutex
	m  map[weak.Pointer[lua.LTable]]error
}

func (r *raisedErrors) add(t *lua.LTable, err error) {
	wp := weak.Make(t)
	r.mu.Lock()
	if r.m == nil {
		r.m = map[weak.Pointer[lua.LTable]]error{}
	}
	r.m[wp] = err
	r.mu.Unlock()
	runtime.AddCleanup(t, func(wp weak.Pointer[lua.LTable]) {
		r.mu.Lock()
		delete(r.m, wp)
		r.mu.Unlock()
	}, wp)
}

func (r *raisedErrors) get(t *lua.LTable) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[weak.Make(t)]
}

// raise throws a structured error table. It never returns.
func (vm *VM) raise(f errorFields) {
	L := vm.L
	t := L.CreateTable(0, 10)
	set := func(k, v string) {
		if v != "" {
			t.RawSetString(k, lua.LString(v))
		}
	}
	set("message", f.message)
	set("function", f.function)
	set("account", f.account)
	set("type", f.typ)
	set("code", f.code)
	set("param", f.param)
	set("request_id", f.requestID)
	set("where", where(L))
	if f.status > 0 {
		t.RawSetString("status", lua.LNumber(f.status))
	}
	if f.attempts > 0 {
		t.RawSetString("attempts", lua.LNumber(f.attempts))
	}
	t.RawSetString("retryable", lua.LBool(f.retryable))
	t.Metatable = vm.errMT
	if f.err != nil {
		vm.raised.add(t, f.err)
	}
	L.Error(t, 0)
}

// raiseError turns a Go error from a call into an error table.
func (vm *VM) raiseError(err error, function, account string) {
	f := errorFields{message: err.Error(), function: function, account: account, err: err}
	var (
		ve *integration.ValidationError
		ae *integration.APIError
		pe *integration.PolicyError
		ce *ConversionError
	)
	switch {
	case errors.As(err, &ve):
		f.typ, f.param = typeValidation, ve.Param()
	case errors.As(err, &ce):
		f.typ, f.param = typeValidation, ce.Path
		f.message = function + ": " + ce.Error()
	case errors.As(err, &ae):
		f.typ, f.code, f.param, f.requestID = ae.Type, ae.Code, ae.Param, ae.RequestID
		f.status, f.attempts, f.retryable = ae.Status, ae.Attempts, ae.Retryable
		if f.typ == "" {
			f.typ = typeConnection
		}
	case errors.As(err, &pe):
		f.typ = typePolicy
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		f.typ = typeCancelled
		f.message = function + ": stopped: " + err.Error()
	}
	vm.raise(f)
}

// usageError throws an error table for a call made the wrong way.
func (vm *VM) usageError(function, account, message string) {
	vm.raise(errorFields{message: function + ": " + message, function: function, account: account, typ: typeUsage})
}

// where is the script position of the current call, "chunk:line: ", or ""
// when the caller is not Lua code (a function passed to pcall, say).
func where(L *lua.LState) string {
	w := L.Where(1)
	if w == "" || strings.HasPrefix(w, "[G]") {
		return ""
	}
	return w + " "
}
