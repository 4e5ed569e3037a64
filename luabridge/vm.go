package luabridge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/integration"
)

// Options configure a VM.
type Options struct {
	// Integrations available under app.integrations, in order.
	Integrations []*integration.Integration
	// Accounts per integration name.
	Accounts accounts.Config
	// Client sends the calls; nil uses integration.NewClient().
	Client *integration.Client
	// Docs serves lua_read_doc; nil renders the Integrations.
	Docs *docs.Library
	// Stdout receives print and dump; nil discards.
	Stdout io.Writer
	// ReadOnly refuses every write operation before anything is sent.
	ReadOnly bool
	// DryRun validates writes and returns what would be sent instead of
	// sending it.
	DryRun bool
	// OnCall, when set, is told of every integration call that was sent.
	OnCall func(CallRecord)
	// OnCallStart, when set, is told when a call is about to be sent.
	OnCallStart func(function, account string)
	// SkipValidation sends arguments as the script gave them, unchecked. It
	// exists for tests that check the API itself rejects bad requests; never
	// set it otherwise.
	SkipValidation bool
}

// CallRecord describes one integration call for logs; it holds no argument
// values and no credentials.
type CallRecord struct {
	integration.CallInfo
	// Err is the failure, or nil.
	Err error
}

// VM is one sandboxed Lua state with the kosmo globals. It must be used by
// one goroutine at a time; Close releases it.
type VM struct {
	L       *lua.LState
	opts    Options
	client  *integration.Client
	docs    *docs.Library
	out     io.Writer
	outMu   sync.Mutex
	conv    converter
	errMT   *lua.LTable
	nsOwned map[*lua.LTable]bool
}

// New builds a VM with the sandboxed standard libraries, the helpers and the
// app table.
func New(opts Options) *VM {
	vm := &VM{
		L:       lua.NewState(lua.Options{SkipOpenLibs: true}),
		opts:    opts,
		client:  opts.Client,
		docs:    opts.Docs,
		out:     opts.Stdout,
		nsOwned: map[*lua.LTable]bool{},
	}
	if vm.client == nil {
		vm.client = integration.NewClient()
	}
	if vm.docs == nil {
		vm.docs = docs.New(opts.Integrations...)
	}
	if vm.out == nil {
		vm.out = io.Discard
	}
	vm.openSandbox()
	vm.openJSON()
	vm.openBase64()
	vm.errMT = vm.newErrorMetatable()
	L := vm.L
	L.SetGlobal("print", L.NewFunction(vm.print))
	L.SetGlobal("dump", L.NewFunction(vm.dump))
	L.SetGlobal("sleep", L.NewFunction(vm.sleep))
	vm.openDocs()
	L.SetGlobal("app", vm.newApp())
	return vm
}

// Close releases the Lua state.
func (vm *VM) Close() { vm.L.Close() }

func (vm *VM) write(s string) {
	vm.outMu.Lock()
	defer vm.outMu.Unlock()
	_, _ = io.WriteString(vm.out, s)
}

// ScriptError is a script that failed: a Lua error, a syntax error, or the
// context ending. Message is what tostring gives for the error value.
type ScriptError struct {
	Message string
	// Fields of a structured error table (function, status, …), if the error
	// value was one.
	Fields map[string]any
	// Traceback is Lua's stack traceback, when there is one.
	Traceback string
	// Err is the context's cause when the script was stopped.
	Err error
}

// Error implements error.
func (e *ScriptError) Error() string { return e.Message }

// Unwrap returns the context's error when the script was stopped.
func (e *ScriptError) Unwrap() error { return e.Err }

// Run compiles and runs src as chunk name under ctx, which bounds the script
// and every call it makes. It returns the script's return values as
// JSON-shaped Go values.
func (vm *VM) Run(ctx context.Context, name, src string) ([]any, error) {
	L := vm.L
	fn, err := L.Load(strings.NewReader(src), name)
	if err != nil {
		return nil, &ScriptError{Message: syntaxMessage(err)}
	}
	L.SetContext(ctx)
	defer L.RemoveContext()
	base := L.GetTop()
	L.Push(fn)
	if err := L.PCall(0, lua.MultRet, nil); err != nil {
		return nil, vm.scriptError(ctx, err)
	}
	n := L.GetTop() - base
	results := make([]any, n)
	for i := 0; i < n; i++ {
		v := L.Get(base + 1 + i)
		if g, err := vm.conv.toGo(v, shape{}, "", 0); err == nil {
			results[i] = g
		} else {
			results[i] = L.ToStringMeta(v).String()
		}
	}
	L.SetTop(base)
	return results, nil
}

func syntaxMessage(err error) string {
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		return ae.Object.String()
	}
	return err.Error()
}

func (vm *VM) scriptError(ctx context.Context, err error) *ScriptError {
	se := &ScriptError{Message: err.Error()}
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		se.Message = vm.L.ToStringMeta(ae.Object).String()
		se.Traceback = ae.StackTrace
		if t, ok := ae.Object.(*lua.LTable); ok && t.Metatable == vm.errMT {
			if g, cerr := vm.conv.toGo(t, shape{}, "", 0); cerr == nil {
				se.Fields, _ = g.(map[string]any)
			}
		}
	}
	if ctx.Err() != nil {
		se.Err = context.Cause(ctx)
		se.Message = fmt.Sprintf("script stopped: %v", se.Err)
	}
	return se
}
