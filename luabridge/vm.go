package luabridge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/store"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
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
	// OnCall, when set, is told of every integration call: those sent,
	// those the policy answered itself (a refused write, a dry run: no
	// attempts, no status) and those refused before they were made (bad
	// arguments, a wrong call, an unknown account, the Gate).
	OnCall func(CallRecord)
	// OnCallStart, when set, is told when a call is about to be sent.
	OnCallStart func(function, account string)
	// Gate, when set, is asked before every call is made; an error
	// refuses the call (a policy_error naming it, told to OnCall). The
	// kosmo CLI refuses calls once its audit log cannot be written.
	Gate func() error
	// SkipValidation sends arguments as the script gave them, unchecked. It
	// exists for tests that check the API itself rejects bad requests; never
	// set it otherwise.
	SkipValidation bool
	// Limits bound the script's memory, source, call depth and the Go work
	// of library functions; zero fields take their defaults.
	Limits Limits
	// Files grants fs.read and fs.write below chosen directories; the zero
	// value grants nothing.
	Files FileGrants
	// Store keeps what functions keep on the host's side (OpenAI's
	// assistants); nil makes those functions fail with a clear error.
	Store store.Store
	// Args are the script's arguments, as lua gives them: the global arg
	// holds them at 1..n (arg[0] is the name given to Run), and the main
	// chunk receives them as ... .
	Args []string
	// Stdin, when set, is the standard input that stdin.read and
	// stdin.lines read; nil refuses them, naming the flag that grants it
	// (--allow-stdin). Nothing is read from it until the script asks.
	Stdin io.Reader
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
	raised  raisedErrors
	nsOwned map[*lua.LTable]bool
	g       *guard
	stdin   *stdinReader
	// names are the object keys of the answers converted to Lua so far
	// (made on the first answer).
	names keyNames
}

// New builds a VM with the sandboxed standard libraries, the helpers and the
// app table.
func New(opts Options) *VM {
	vm := &VM{
		opts:    opts,
		client:  opts.Client,
		docs:    opts.Docs,
		out:     opts.Stdout,
		nsOwned: map[*lua.LTable]bool{},
	}
	vm.L = newState(opts.Limits.withDefaults(), func(L *lua.LState, size int) { vm.g.concatHook(L, size) })
	if vm.client == nil {
		vm.client = integration.NewClient()
	}
	vm.client = capResponses(vm.client, opts.Limits.MaxMemory)
	if vm.docs == nil {
		vm.docs = docs.New(opts.Integrations...)
	}
	if vm.out == nil {
		vm.out = io.Discard
	}
	vm.openSandbox()
	vm.openJSON()
	vm.openBase64()
	vm.openStdin()
	vm.errMT = vm.newErrorMetatable()
	L := vm.L
	L.SetGlobal("print", L.NewFunction(vm.print))
	L.SetGlobal("dump", L.NewFunction(vm.dump))
	L.SetGlobal("sleep", L.NewFunction(vm.sleep))
	vm.openDocs()
	L.SetGlobal("app", vm.newApp())
	vm.seal()
	return vm
}

// newState is a Lua state whose call stack and value stack grow on demand up
// to the call depth of lim, so that deep recursion costs memory only while
// it lasts (coroutines are states of their own, made with the same options).
func newState(lim Limits, concatHook func(*lua.LState, int)) *lua.LState {
	return lua.NewState(lua.Options{
		ConcatHook:          concatHook,
		SkipOpenLibs:        true,
		CallStackSize:       lim.MaxCallDepth,
		MinimizeStackMemory: true,
		RegistrySize:        initialRegistry,
		RegistryMaxSize:     maxRegistry,
		RegistryGrowStep:    registryGrowStep,
	})
}

// Close releases the Lua state and the granted directories. It does
// nothing to a VM that Run abandoned: its goroutine may still use it.
func (vm *VM) Close() {
	if vm.g.abandoned.Load() {
		return
	}
	vm.stdin.close()
	vm.L.Close()
	vm.g.files.close()
}

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
	// Err is the context's cause when the script was stopped, or the Go
	// error behind the error table kosmo raised that ended the script (an
	// *integration.APIError, an unknown account): the table's fields are the
	// script's to change, Err is not.
	Err error
}

// Error implements error.
func (e *ScriptError) Error() string { return e.Message }

// Unwrap returns the context's error when the script was stopped.
func (e *ScriptError) Unwrap() error { return e.Err }

// Run compiles and runs src as chunk name under ctx, which bounds the script
// and every call it makes. It returns the script's return values as
// JSON-shaped Go values. The source is checked against the limits before it
// is compiled; a script stopped by its context (or by the memory limit)
// fails with a ScriptError whose Err is the context's cause.
//
// As lua does with a script file, Run skips a first line that starts with
// '#' (a shebang line; it is emptied, so line numbers stay right), sets the
// global arg to { [0] = name, Options.Args... } and passes Options.Args to
// the main chunk as ... .
func (vm *VM) Run(ctx context.Context, name, src string) ([]any, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if vm.g.abandoned.Load() {
		return nil, &ScriptError{Message: "this VM was abandoned by a script that did not stop; use a new one"}
	}
	ctx, stop := vm.g.start(ctx)
	defer stop()
	proto, err := vm.g.compile(ctx, name, skipShebang(src))
	if err != nil {
		return nil, err
	}
	fn := vm.L.NewFunctionFromProto(proto)
	args := vm.setArgs(name)
	if vm.g.lim.AbandonAfter <= 0 {
		return vm.exec(ctx, fn, args)
	}
	return vm.execOrAbandon(ctx, fn, args)
}

// skipShebang empties a first line that starts with '#', as lua does for a
// script file ("#!/usr/bin/env kosmo run"): '#' cannot start a Lua chunk,
// and keeping the line's newline keeps every line number.
func skipShebang(src string) string {
	if !strings.HasPrefix(src, "#") {
		return src
	}
	if i := strings.IndexByte(src, '\n'); i >= 0 {
		return src[i:]
	}
	return ""
}

// setArgs sets the global arg to { [0] = name, Options.Args... } and returns
// the arguments of the main chunk. It is set raw: a metatable a script gave
// _G in an earlier run is not called here.
func (vm *VM) setArgs(name string) []lua.LValue {
	L := vm.L
	t := L.CreateTable(len(vm.opts.Args), 1)
	t.RawSetInt(0, lua.LString(name))
	args := make([]lua.LValue, len(vm.opts.Args))
	for i, a := range vm.opts.Args {
		args[i] = lua.LString(a)
		t.RawSetInt(i+1, args[i])
	}
	L.G.Global.RawSetString("arg", t)
	return args
}

// exec runs a compiled chunk under ctx with args as its ... .
func (vm *VM) exec(ctx context.Context, fn *lua.LFunction, args []lua.LValue) ([]any, error) {
	L := vm.L
	L.SetContext(ctx)
	defer L.RemoveContext()
	base := L.GetTop()
	defer L.SetTop(base)
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), lua.MultRet, nil); err != nil {
		return nil, vm.scriptError(ctx, err)
	}
	if ctx.Err() != nil {
		// Stopped, then ended by a tail call (return pcall(loop)) that
		// left no instruction to raise the stop at.
		return nil, stopped(ctx)
	}
	n := L.GetTop() - base
	results := make([]any, n)
	for i := 0; i < n; i++ {
		results[i] = vm.goValue(ctx, L.Get(base+1+i))
	}
	return results, nil
}

// execOrAbandon runs exec on a goroutine and returns Limits.AbandonAfter
// after ctx ended if the script is stuck in Go code by then. The VM is then
// abandoned to that goroutine.
func (vm *VM) execOrAbandon(ctx context.Context, fn *lua.LFunction, args []lua.LValue) ([]any, error) {
	type outcome struct {
		results []any
		err     error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- outcome{err: &ScriptError{Message: fmt.Sprintf("internal error: %v", r)}}
			}
		}()
		res, err := vm.exec(ctx, fn, args)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.results, o.err
	case <-ctx.Done():
	}
	t := time.NewTimer(vm.g.lim.AbandonAfter)
	defer t.Stop()
	select {
	case o := <-done:
		return o.results, o.err
	case <-t.C:
		vm.g.abandoned.Store(true)
		se := stopped(ctx)
		se.Message += fmt.Sprintf(" (the script did not return within %v and was abandoned)", vm.g.lim.AbandonAfter)
		return nil, se
	}
}

// goValue converts a value the script returned or raised: JSON-shaped when
// it can be, else what tostring gives.
func (vm *VM) goValue(ctx context.Context, v lua.LValue) any {
	if values, bytes := expandedSize(nil, v); values*16+bytes <= float64(vm.g.lim.MaxString) {
		// The host gets the strings as they are: what it does with bytes
		// that are not UTF-8 is its business.
		conv := vm.conv
		conv.lenient, conv.seen = true, nil
		if g, err := conv.toGo(v, shape{}, "", 0); err == nil {
			return g
		}
	}
	return vm.describe(ctx, v)
}

func (vm *VM) scriptError(ctx context.Context, err error) *ScriptError {
	if ctx.Err() != nil {
		se := stopped(ctx)
		var ae *lua.ApiError
		if errors.As(err, &ae) {
			se.Traceback = ae.StackTrace
		}
		return se
	}
	se := &ScriptError{Message: err.Error()}
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		se.Message = vm.describe(ctx, ae.Object)
		se.Traceback = ae.StackTrace
		if t, ok := ae.Object.(*lua.LTable); ok && t.Metatable == vm.errMT {
			se.Fields, _ = vm.goValue(ctx, t).(map[string]any)
			se.Err = vm.raised.get(t)
		}
	}
	return se
}
