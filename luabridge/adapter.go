package luabridge

import (
	"context"
	"errors"
	"fmt"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// adapter is the one Lua function shape for every integration function: it
// checks how it was called, converts the argument table by the spec,
// validates it, applies the policy, invokes the call and pushes the result.
func (vm *VM) adapter(in *integration.Integration, fn *integration.Function, account string) lua.LGFunction {
	return func(L *lua.LState) int {
		cb, restore := vm.takeCallback(L, fn)
		defer restore()
		recorded, acctName := false, account
		defer func() {
			// A call refused before it was made (its arguments, its
			// account, the gate) is told to OnCall too.
			if recorded || vm.opts.OnCall == nil {
				return
			}
			if r := recover(); r != nil {
				vm.opts.OnCall(CallRecord{CallInfo: integration.CallInfo{Integration: in.Name, Function: fn.Name, Account: acctName, Operation: fn.Operation},
					Err: vm.refusal(fn, r)})
				panic(r)
			}
		}()
		args := vm.checkArgs(L, in, fn, account)
		vm.checkCallback(fn, cb, args, account)
		acct := vm.account(in, fn, account)
		acctName = acct.Name
		valid, err := fn.Validate(args)
		if err != nil && !vm.opts.SkipValidation {
			vm.raiseError(err, fn.Name, acct.Name)
		}
		if vm.opts.Gate != nil {
			if err := vm.opts.Gate(); err != nil {
				vm.raiseError(&integration.PolicyError{Function: fn.Name, Account: acct.Name, Message: err.Error()}, fn.Name, acct.Name)
			}
		}
		if vm.opts.SkipValidation {
			valid = integration.Args(args)
		}
		policy := integration.Policy{ReadOnly: vm.opts.ReadOnly, DryRun: vm.opts.DryRun}
		ctx := L.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		if vm.opts.OnCallStart != nil && policy.Check(fn, acct) == nil && !policy.Intercepts(fn) {
			vm.opts.OnCallStart(fn.Name, acct.Name)
		}
		caller := integration.Caller{Client: vm.client, Store: vm.opts.Store, Policy: policy, OnChunk: vm.chunkFunc(L, cb)}
		res, info, err := caller.Call(ctx, in, fn, acct, valid)
		recorded = true
		if vm.opts.OnCall != nil {
			vm.opts.OnCall(CallRecord{CallInfo: info, Err: err})
		}
		if err != nil {
			vm.raiseCallback(L, err)
			vm.raiseError(err, fn.Name, acct.Name)
		}
		v, err := vm.resultToLua(res)
		if err != nil {
			vm.raiseError(&integration.APIError{Function: fn.Name, Account: acct.Name, Status: info.Status,
				Type: "invalid_response", Message: err.Error(), RequestID: info.RequestID, Attempts: info.Attempts}, fn.Name, acct.Name)
		}
		L.Push(v)
		return 1
	}
}

// refusal is the Go error of a call refused before it was made, from what
// was raised: the context's error when the script was stopped meanwhile,
// kosmo's own error behind the error table, else a validation error with
// the table's message.
func (vm *VM) refusal(fn *integration.Function, raised any) error {
	if ctx := vm.L.Context(); ctx != nil && ctx.Err() != nil {
		return ctx.Err() // stopped, not refused
	}
	msg := fmt.Sprint(raised)
	if ae, ok := raised.(*lua.ApiError); ok {
		if t, ok := ae.Object.(*lua.LTable); ok {
			if err := vm.raised.get(t); err != nil {
				return err
			}
			if m, ok := t.RawGetString("message").(lua.LString); ok {
				msg = string(m)
			}
		}
	}
	return integration.NewValidationError(fn.Name, "", "%s", msg)
}

// checkArgs takes the one table argument and converts it by the spec.
func (vm *VM) checkArgs(L *lua.LState, in *integration.Integration, fn *integration.Function, account string) map[string]any {
	n := L.GetTop()
	first := L.Get(1)
	if t, ok := first.(*lua.LTable); ok && vm.nsOwned[t] {
		vm.usageError(fn.Name, account, fmt.Sprintf("called with ':'; call it with '.': app.integrations.%s.%s{ ... }", in.Name, fn.Name))
	}
	if n > 1 {
		vm.usageError(fn.Name, account, fmt.Sprintf("takes one table argument, got %d arguments", n))
	}
	if first == lua.LNil {
		for _, p := range fn.Params {
			if p.Required {
				vm.usageError(fn.Name, account, "table argument expected, got no value (required: "+requiredNames(fn)+")")
			}
		}
		return map[string]any{}
	}
	t, ok := first.(*lua.LTable)
	if !ok {
		vm.usageError(fn.Name, account, "table argument expected, got "+first.Type().String())
	}
	if n, b := expandedSize(L, t); n*2+b > float64(vm.g.lim.MaxString) {
		vm.usageError(fn.Name, account, fmt.Sprintf("the argument is too large to send (%.0f bytes written out)", n*2+b))
	}
	top := &integration.Param{Type: integration.TypeObject, Fields: fn.Params}
	v, err := vm.conv.toGo(t, shape{top}, "", 0)
	if err != nil {
		vm.raiseError(err, fn.Name, account)
	}
	m, ok := v.(map[string]any)
	if !ok {
		vm.usageError(fn.Name, account, "table of named parameters expected, got an array")
	}
	return m
}

func requiredNames(fn *integration.Function) string {
	s := ""
	for _, p := range fn.Params {
		if p.Required {
			if s != "" {
				s += ", "
			}
			s += p.Name
		}
	}
	return s
}

// account resolves the account a function is bound to, or raises.
func (vm *VM) account(in *integration.Integration, fn *integration.Function, name string) *integration.Account {
	set := vm.opts.Accounts[in.Name]
	if a := set.Get(name); a != nil {
		return a
	}
	if name == accounts.DefaultName {
		msg := fmt.Sprintf("no %s account is configured: set %s, or add accounts to the config file", in.Title, in.Env.APIKey)
		if len(set.Names()) > 0 {
			msg = fmt.Sprintf("no default %s account (%s)", in.Title, describeAccounts(set))
		}
		vm.raiseError(&integration.PolicyError{Function: fn.Name, Message: msg}, fn.Name, "")
	}
	vm.raise(errorFields{typ: typeUnknownAccount, function: fn.Name, account: name, err: accounts.ErrUnknownAccount,
		message: fmt.Sprintf("%s: no account '%s' (%s)", fn.Name, name, describeAccounts(set))})
	return nil
}

// resultToLua turns a call's result into plain Lua values: a JSON document
// is decoded straight into Lua tables (decodeJSON), a Go value converted.
func (vm *VM) resultToLua(res *integration.Result) (lua.LValue, error) {
	if res.JSON == nil {
		return valueToLua(vm.L, res.Value, vm.conv.null)
	}
	if vm.names == nil {
		vm.names = keyNames{}
	}
	v, err := decodeJSONNames(vm.L, res.JSON, vm.conv.null, vm.g.decodeCheck(vm.L, "converting the answer to Lua values"), vm.names)
	var stop *decodeStop
	if errors.As(err, &stop) {
		return nil, stop
	}
	if err != nil {
		return nil, fmt.Errorf("the response is not valid JSON: %s", jsonErrorText(err))
	}
	return v, nil
}
