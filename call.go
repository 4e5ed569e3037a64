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
// pass them; Go's integer, float, slice and string-keyed map types are
// taken as the JSON numbers, arrays and objects they encode to) through the
// same validation, policy and client as a script.
// account "" is the default account.
func (h *Host) Call(ctx context.Context, function, account string, args map[string]any) (*CallResult, error) {
	return h.CallStream(ctx, function, account, args, nil)
}

// CallStream is Call with onChunk receiving each chunk of a streamed
// answer as it arrives (a function with Function.OnChunk, called with
// stream = true); onChunk's error stops the call and is returned.
func (h *Host) CallStream(ctx context.Context, function, account string, args map[string]any, onChunk integration.ChunkFunc) (*CallResult, error) {
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
	if args != nil {
		args = jsonShaped(args).(map[string]any)
	}
	valid, err := fn.Validate(args)
	if err == nil && h.opts.Gate != nil {
		if gerr := h.opts.Gate(); gerr != nil {
			err = &integration.PolicyError{Function: fn.Name, Account: acct.Name, Message: gerr.Error()}
		}
	}
	if err != nil {
		if h.opts.OnCall != nil {
			h.opts.OnCall(Call{CallInfo: integration.CallInfo{Integration: in.Name, Function: fn.Name, Account: acct.Name, Operation: fn.Operation}, Err: err})
		}
		return nil, err
	}
	policy := integration.Policy{ReadOnly: h.opts.ReadOnly, DryRun: h.opts.DryRun}
	if h.opts.OnCallStart != nil && policy.Check(fn, acct) == nil && !policy.Intercepts(fn) {
		h.opts.OnCallStart(fn.Name, acct.Name)
	}
	caller := integration.Caller{Client: h.opts.Client, Store: h.store, Policy: policy, OnChunk: onChunk}
	out, info, err := caller.Call(ctx, in, fn, acct, valid)
	res.Call = Call{CallInfo: info, Err: err}
	if h.opts.OnCall != nil {
		h.opts.OnCall(res.Call)
	}
	res.Duration = time.Since(start)
	var (
		pe *integration.PolicyError
		ve *integration.ValidationError
	)
	if errors.As(err, &pe) || errors.As(err, &ve) {
		return nil, err // refused before anything was sent
	}
	if err != nil {
		return res, err
	}
	if info.DryRun {
		res.Call = Call{}
	}
	if out.JSON != nil { // the caller has checked that it is JSON
		res.Data = out.JSON
		return res, nil
	}
	res.Data, err = json.Marshal(out.Value)
	return res, err
}
