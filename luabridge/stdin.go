package luabridge

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"sync"

	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// stdinChunk is the size of one read from standard input.
const stdinChunk = 32 << 10

// stdinReader is a script's standard input: Options.Stdin, read by a
// goroutine started on the script's first read, so that a read waiting for
// input stops with the script's context. The pending bytes belong to the
// script's goroutine.
type stdinReader struct {
	r       io.Reader
	chunks  chan stdinData
	done    chan struct{}
	once    sync.Once
	pending []byte
	eof     bool
	err     error
}

// stdinData is what one read of the pump gave.
type stdinData struct {
	data []byte
	err  error
}

func newStdinReader(r io.Reader) *stdinReader {
	if r == nil {
		return nil
	}
	return &stdinReader{r: r, chunks: make(chan stdinData), done: make(chan struct{})}
}

// close stops the pump once its read in progress returns.
func (s *stdinReader) close() {
	if s == nil {
		return
	}
	s.once.Do(func() {}) // no pump starts after this
	select {
	case <-s.done:
	default:
		close(s.done)
	}
}

// pump reads the input into chunks until it ends or the VM is closed.
func (s *stdinReader) pump() {
	for {
		buf := make([]byte, stdinChunk)
		n, err := s.r.Read(buf)
		if n == 0 && err == nil {
			continue
		}
		select {
		case s.chunks <- stdinData{buf[:n], err}:
		case <-s.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// fill waits for more input; false when the input has ended. It raises
// when the script is stopped while it waits, or the input fails.
func (s *stdinReader) fill(L *lua.LState, fn string) bool {
	if s.eof {
		return false
	}
	s.once.Do(func() { go s.pump() })
	var done <-chan struct{}
	if ctx := L.Context(); ctx != nil {
		done = ctx.Done()
	}
	select {
	case c := <-s.chunks:
		s.pending = append(s.pending, c.data...)
		if c.err != nil {
			s.eof = true
			if !errors.Is(c.err, io.EOF) {
				s.err = c.err
			}
		}
	case <-done:
		checkContext(L)
	case <-s.done:
		s.eof = true
	}
	if s.err != nil && len(s.pending) == 0 {
		L.RaiseError("%s: reading standard input: %s", fn, fileError(s.err))
	}
	return true
}

// take removes and returns the first n pending bytes.
func (s *stdinReader) take(n int) string {
	out := string(s.pending[:n])
	s.pending = s.pending[n:]
	if len(s.pending) == 0 {
		s.pending = nil
	}
	return out
}

// line reads one line; keep keeps its newline. ok is false at the end of
// the input.
func (s *stdinReader) line(L *lua.LState, fn string, limit int, keep bool) (string, bool) {
	for {
		if i := bytes.IndexByte(s.pending, '\n'); i >= 0 {
			if i+1 > limit {
				break
			}
			line := s.take(i + 1)
			if !keep {
				line = line[:i]
			}
			return line, true
		}
		if len(s.pending) > limit {
			break
		}
		if !s.fill(L, fn) {
			if len(s.pending) == 0 {
				return "", false
			}
			return s.take(len(s.pending)), true
		}
	}
	L.RaiseError("%s: a line of standard input is more than the limit of %d bytes", fn, limit)
	return "", false
}

// all reads the rest of the input.
func (s *stdinReader) all(L *lua.LState, fn string, limit int) string {
	for len(s.pending) <= limit && s.fill(L, fn) {
	}
	if len(s.pending) > limit {
		L.RaiseError("%s: standard input is more than the limit of %d bytes", fn, limit)
	}
	return s.take(len(s.pending))
}

// bytes reads up to n bytes; ok is false at the end of the input (for
// n = 0 too, as io.read(0) tests for it).
func (s *stdinReader) bytes(L *lua.LState, fn string, n int) (string, bool) {
	for len(s.pending) < max(n, 1) && s.fill(L, fn) {
	}
	if len(s.pending) == 0 {
		return "", false
	}
	return s.take(min(n, len(s.pending))), true
}

// openStdin installs stdin.read and stdin.lines.
func (vm *VM) openStdin() {
	L := vm.L
	vm.stdin = newStdinReader(vm.opts.Stdin)
	mod := L.NewTable()
	mod.RawSetString("read", L.NewFunction(vm.stdinRead))
	mod.RawSetString("lines", L.NewFunction(vm.stdinLines))
	L.SetGlobal("stdin", mod)
}

// granted raises the refusal when standard input was not granted.
func (vm *VM) stdinGranted(L *lua.LState, fn string) *stdinReader {
	checkContext(L)
	if vm.stdin == nil {
		L.RaiseError("%s: reading standard input is not allowed; run kosmo with --allow-stdin", fn)
	}
	return vm.stdin
}

// stdinRead is stdin.read(...), io.read's formats: "l" (a line without its
// newline, the default), "L" (with it), "a" (the rest of the input) or a
// number of bytes, each with or without a leading '*'. It returns one value
// per format; at the end of the input, nil ("" for "a").
func (vm *VM) stdinRead(L *lua.LState) int {
	const fn = "stdin.read"
	s := vm.stdinGranted(L, fn)
	limit := vm.g.lim.MaxString
	n := L.GetTop()
	if n == 0 {
		L.Push(lua.LString("l"))
		n = 1
	}
	for i := 1; i <= n; i++ {
		var (
			v  string
			ok = true
		)
		switch f := L.Get(i).(type) {
		case lua.LNumber:
			count := int(f)
			if float64(count) != float64(f) || count < 0 {
				L.ArgError(i, "a whole number of bytes expected")
			}
			if count > limit {
				L.ArgError(i, "more than the limit of "+strconv.Itoa(limit)+" bytes")
			}
			v, ok = s.bytes(L, fn, count)
		case lua.LString:
			switch string(f) {
			case "l", "*l":
				v, ok = s.line(L, fn, limit, false)
			case "L", "*L":
				v, ok = s.line(L, fn, limit, true)
			case "a", "*a":
				v = s.all(L, fn, limit)
			default:
				L.ArgError(i, `format "l", "L", "a" or a number of bytes expected, got "`+string(f)+`"`)
			}
		default:
			L.ArgError(i, `format "l", "L", "a" or a number of bytes expected, got `+f.Type().String())
		}
		if !ok {
			L.Push(lua.LNil)
			return i
		}
		L.Push(lua.LString(v))
	}
	return n
}

// stdinLines is stdin.lines(): an iterator over the lines of the input,
// without their newlines, for a generic for.
func (vm *VM) stdinLines(L *lua.LState) int {
	const fn = "stdin.lines"
	vm.stdinGranted(L, fn)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		s := vm.stdinGranted(L, fn)
		line, ok := s.line(L, fn, vm.g.lim.MaxString, false)
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LString(line))
		return 1
	}))
	return 1
}
