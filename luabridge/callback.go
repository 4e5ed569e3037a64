package luabridge

import (
	"errors"

	"github.com/kosmo-run/kosmo/integration"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// takeCallback takes the function a script passed in fn's callback
// parameter (Function.OnChunk, such as on_chunk) out of the argument table,
// so that the table converts to JSON without it; restore puts it back. A
// value there that is not a function is a validation error naming the
// parameter.
func (vm *VM) takeCallback(L *lua.LState, fn *integration.Function) (cb *lua.LFunction, restore func()) {
	t, ok := L.Get(1).(*lua.LTable)
	if fn.OnChunk == "" || !ok || L.GetTop() != 1 {
		return nil, func() {}
	}
	v := t.RawGetString(fn.OnChunk)
	switch x := v.(type) {
	case *lua.LNilType:
		return nil, func() {}
	case *lua.LFunction:
		t.RawSetString(fn.OnChunk, lua.LNil)
		return x, func() { t.RawSetString(fn.OnChunk, x) }
	}
	vm.raiseError(integration.NewValidationError(fn.Name, fn.OnChunk,
		"a function expected (%s = function(chunk) … end, called with each chunk of a streamed answer), got %s",
		fn.OnChunk, v.Type().String()), fn.Name, "")
	return nil, nil
}

// checkCallback refuses a callback without stream = true: it would never
// be called.
func (vm *VM) checkCallback(fn *integration.Function, cb *lua.LFunction, args map[string]any, account string) {
	if cb != nil && args["stream"] != true {
		vm.raiseError(integration.NewValidationError(fn.Name, fn.OnChunk,
			"is called with each chunk of a streamed answer: set stream = true as well"), fn.Name, account)
	}
}

// callbackError is an error the script's callback raised: the call stops
// and the script sees the callback's own error value.
type callbackError struct {
	value lua.LValue
	err   error
}

func (e *callbackError) Error() string { return e.err.Error() }

// chunkFunc calls cb with each chunk decoded into a Lua table, on the
// goroutine running the script (the one that called the function), in a
// protected call: an error it raises ends the stream and is raised again
// by the function (raiseCallback).
func (vm *VM) chunkFunc(L *lua.LState, cb *lua.LFunction) integration.ChunkFunc {
	if cb == nil {
		return nil
	}
	return func(data []byte) error {
		v, err := decodeJSON(L, data, vm.conv.null)
		if err != nil {
			return err
		}
		top := L.GetTop()
		defer L.SetTop(top)
		L.Push(cb)
		L.Push(v)
		if err := L.PCall(1, 0, nil); err != nil {
			var ae *lua.ApiError
			if errors.As(err, &ae) {
				return &callbackError{value: ae.Object, err: err}
			}
			return &callbackError{value: lua.LString(err.Error()), err: err}
		}
		return nil
	}
}

// raiseCallback raises the callback's own error value again when err came
// from the script's callback; otherwise it returns.
func (vm *VM) raiseCallback(L *lua.LState, err error) {
	var ce *callbackError
	if errors.As(err, &ce) {
		L.Error(ce.value, 0)
	}
}
