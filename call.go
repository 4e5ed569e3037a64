package kosmo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kosmo-run/kosmo/integration"
)

// CallResult is one function called directly from Go (kosmo call, the MCP
// gateway): the whole response as JSON, or what a dry run would send.
type CallResult struct {
	Function, Account string
	Operation         integration.Operation
	// Data is the response as a JSON document.
	Data json.RawMessage
	// Call describes the HTTP exchange; zero for a dry run.
	Call     Call
	Duration time.Duration
}

// ErrUnknownFunction is a function name that no integration has.
var ErrUnknownFunction = errors.New("unknown function")

// Function finds a function by "integration.function" (also
// "integration.short_name" without the integration prefix, or a bare
// function name when only one integration has it).
func (h *Host) Function(name string) (*integration.Integration, *integration.Function, error) {
	inName, fnName, qualified := strings.Cut(name, ".")
	if !qualified {
		fnName, inName = inName, ""
	}
	var all []string
	for _, in := range h.opts.Integrations {
		if inName != "" && in.Name != inName {
			continue
		}
		for _, candidate := range []string{fnName, in.Name + "_" + fnName} {
			if fn := in.Function(candidate); fn != nil {
				return in, fn, nil
			}
		}
		for _, fn := range in.Functions {
			all = append(all, in.Name+"."+fn.Name)
		}
	}
	msg := fmt.Sprintf("%v %q", ErrUnknownFunction, name)
	if s := integration.Suggest(name, all); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return nil, nil, &usageError{msg: msg, err: ErrUnknownFunction}
}

type usageError struct {
	msg string
	err error
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return e.err }

// Call calls one function with args (JSON-shaped values, as a script would
// pass them) through the same validation, policy and client as a script.
// account "" is the default account.
func (h *Host) Call(ctx context.Context, function, account string, args map[string]any) (*CallResult, error) {
	start := time.Now()
	in, fn, err := h.Function(function)
	if err != nil {
		return nil, err
	}
	acct, err := h.opts.Accounts.Resolve(in.Name, account)
	if err != nil {
		return nil, err
	}
	res := &CallResult{Function: fn.Name, Account: acct.Name, Operation: fn.Operation}
	valid, err := fn.Validate(args)
	if err != nil {
		return nil, err
	}
	policy := integration.Policy{ReadOnly: h.opts.ReadOnly, DryRun: h.opts.DryRun}
	notify := func(info integration.CallInfo, err error) {
		if h.opts.OnCall != nil {
			info.Integration, info.Function, info.Account, info.Operation = in.Name, fn.Name, acct.Name, fn.Operation
			h.opts.OnCall(Call{CallInfo: info, Err: err})
		}
	}
	if err := policy.Check(fn, acct); err != nil {
		notify(integration.CallInfo{}, err)
		return nil, err
	}
	if policy.Intercepts(fn) {
		plan, err := integration.DryRun(in, fn, acct, valid)
		notify(integration.CallInfo{DryRun: err == nil}, err)
		if err != nil {
			return nil, err
		}
		res.Data, err = json.Marshal(plan)
		res.Duration = time.Since(start)
		return res, err
	}
	if h.opts.OnCallStart != nil {
		h.opts.OnCallStart(fn.Name, acct.Name)
	}
	out, info, err := h.opts.Client.Invoke(ctx, in, fn, acct, valid)
	res.Call = Call{CallInfo: info, Err: err}
	if h.opts.OnCall != nil {
		h.opts.OnCall(res.Call)
	}
	res.Duration = time.Since(start)
	if err != nil {
		return res, err
	}
	if out.JSON != nil { // Invoke has checked that it is JSON
		res.Data = out.JSON
		return res, nil
	}
	res.Data, err = json.Marshal(out.Value)
	return res, err
}
