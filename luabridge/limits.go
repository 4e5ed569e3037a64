package luabridge

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kosmo-run/kosmo/luabridge/luapattern"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
	"github.com/kosmo-run/kosmo/third_party/gopher-lua/ast"
	"github.com/kosmo-run/kosmo/third_party/gopher-lua/parse"
)

// Defaults of Limits, used where a field is 0.
const (
	// DefaultMaxSource is the largest script source, in bytes.
	DefaultMaxSource = 1 << 20
	// DefaultMaxNesting is the deepest nesting of blocks and expressions in
	// a script, counted as Lua 5.1 counts its syntax levels, and the same
	// limit (LUAI_MAXCCALLS).
	DefaultMaxNesting = 200
	// DefaultMaxConstants is the most distinct constants (strings, numbers,
	// names) in one function: gopher-lua's compiler is quadratic in them.
	DefaultMaxConstants = 1 << 14
	// DefaultMaxCallDepth is the deepest nesting of calls, Lua 5.1's
	// LUAI_MAXCALLS: the reference interpreter recurses about 16,000 deep.
	// Calls through pcall, metamethods and library functions recurse in Go
	// too; the memory limit bounds their stacks.
	DefaultMaxCallDepth = 20000
	// maxRegistry is the most value slots of one Lua state's stack (16 MiB);
	// it grows from initialRegistry as calls need it.
	maxRegistry = 1 << 20
	// initialRegistry is the value slots a Lua state (a VM, a coroutine)
	// starts with: 16 KiB, where gopher-lua's default of 5,120 slots is 80
	// KiB of pointers that every garbage collection scans, for a stack
	// that most scripts keep under a few hundred slots.
	initialRegistry = 1 << 10
	// registryGrowStep is the slack added whenever a state's stack grows.
	registryGrowStep = 1 << 12
	// DefaultMaxString is the longest string a library function builds.
	DefaultMaxString = 256 << 20
	// DefaultPatternSteps is the step budget of one pattern call, on top of
	// luapattern.StepsPerByte for each byte of its subject and n*n for a
	// subject of n bytes.
	DefaultPatternSteps = luapattern.DefaultSteps
)

const (
	// memoryInterval is how often the memory watchdog samples.
	memoryInterval = 10 * time.Millisecond
	// maxCoroutineDepth bounds coroutines resumed inside coroutines; each
	// level is a Lua state and Go stack of its own.
	maxCoroutineDepth = 100
	// tostringTimeout bounds a __tostring metamethod that the host calls
	// to describe a failed script's error value.
	tostringTimeout = time.Second
	// checkEvery is how many items a long Go loop handles between two
	// checks of the context.
	checkEvery = 1 << 12
)

// ErrMemoryLimit is the cause of a script stopped by Limits.MaxMemory; a
// ScriptError of such a script wraps it.
var ErrMemoryLimit = errors.New("memory limit reached")

// Limits bound what a script may use. A zero field takes its default.
type Limits struct {
	// MaxMemory stops the script when the process's Go heap (live and
	// unswept objects) and goroutine stacks exceed it, in bytes; 0 means no
	// limit. It is sampled every 10 ms, and checked before every allocation
	// of 1 MiB or more that a concatenation or a library function makes
	// (see docs/reliability.md); API answers are then capped at a quarter
	// of it. The whole process is measured: scripts running at once share
	// the limit.
	MaxMemory int64
	// MaxSource is the largest script, in bytes.
	MaxSource int
	// MaxNesting is the deepest nesting of blocks and expressions.
	MaxNesting int
	// MaxConstants is the most distinct constants in one function.
	MaxConstants int
	// MaxCallDepth is the deepest nesting of calls; deeper recursion is a
	// Lua error ("stack overflow").
	MaxCallDepth int
	// MaxString is the longest string that a concatenation ('..'),
	// string.rep, string.format, string.gsub, table.concat, os.date,
	// json.encode, base64, dump, print and fs.read may build, in bytes.
	MaxString int
	// PatternSteps is the step budget of one pattern call (find, match,
	// gmatch, gsub) on top of luapattern.StepsPerByte per byte of the
	// subject and n*n for a subject of n bytes; negative means no budget
	// (the context still stops it).
	PatternSteps int64
	// AbandonAfter, when positive, makes Run return this long after its
	// context ended even if the script is still stuck in Go code; the VM is
	// then abandoned: its goroutine is left to finish on its own and every
	// later call of the VM fails. 0 means Run always waits.
	AbandonAfter time.Duration
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxSource, DefaultMaxSource)
	def(&l.MaxNesting, DefaultMaxNesting)
	def(&l.MaxConstants, DefaultMaxConstants)
	def(&l.MaxCallDepth, DefaultMaxCallDepth)
	def(&l.MaxString, DefaultMaxString)
	if l.PatternSteps == 0 {
		l.PatternSteps = DefaultPatternSteps
	}
	return l
}

// guard is the sandbox's state of one VM: its limits, the read-only
// library tables, the coroutine depth and the file grants.
type guard struct {
	lim     Limits
	coDepth int
	// resuming counts, per thread, the resumes it is in: those threads are
	// "normal" coroutines, which cannot be resumed.
	resuming map[*lua.LState]int
	// noYields counts the Go functions calling Lua functions (a sort
	// comparator) in the running coroutine: yield raises inside them.
	noYields  int
	abandoned atomic.Bool
	// proxies maps each read-only library table to the table it shows.
	proxies map[*lua.LTable]*lua.LTable
	files   *fileGrants
	// halt ends the running script's context with a cause (set by start).
	halt context.CancelCauseFunc
}

func newGuard(opts Options) *guard {
	return &guard{lim: opts.Limits.withDefaults(), proxies: map[*lua.LTable]*lua.LTable{}, resuming: map[*lua.LState]int{}, files: newFileGrants(opts.Files)}
}

// stopped is the error of a script whose context ended.
func stopped(ctx context.Context) *ScriptError {
	cause := context.Cause(ctx)
	return &ScriptError{Message: fmt.Sprintf("script stopped: %v", cause), Err: cause}
}

// checkContext raises a Lua error when the script's context has ended: every
// host function starts with it.
func checkContext(L *lua.LState) {
	if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
		L.RaiseError("script stopped: %v", context.Cause(ctx))
	}
}

// start derives the context of one run and starts the memory watchdog;
// stop ends both.
func (g *guard) start(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	g.halt = cancel
	halt := func() {}
	if g.lim.MaxMemory > 0 {
		halt = watchMemory(ctx, g.lim.MaxMemory, cancel)
	}
	return ctx, func() {
		halt()
		cancel(nil)
	}
}

// watchMemory cancels ctx with ErrMemoryLimit when the Go heap and stacks
// exceed limit: at once when they exceed it twice over or were over it
// after the last collection; otherwise it starts a collection (unswept
// garbage counts too) without waiting for it, and looks again. It returns
// once its goroutine ended.
func watchMemory(ctx context.Context, limit int64, cancel context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var collecting atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(memoryInterval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			used := memoryInUse(samples)
			if used <= limit {
				continue
			}
			metrics.Read(live)
			if used > 2*limit || int64(live[0].Value.Uint64()) > limit {
				cancel(fmt.Errorf("%w: %d MiB in use, limit %d MiB", ErrMemoryLimit, used>>20, limit>>20))
				return
			}
			if collecting.CompareAndSwap(false, true) {
				go func() {
					defer collecting.Store(false)
					runtime.GC()
				}()
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

func memoryInUse(samples []metrics.Sample) int64 {
	metrics.Read(samples)
	var n int64
	for _, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			n += int64(s.Value.Uint64())
		}
	}
	return n
}

// compile checks src against the source limits and compiles it. gopher-lua's
// compiler takes no context and is slow on some inputs, so it runs on a
// goroutine of its own (it touches no Lua state) and ctx ends the wait.
func (g *guard) compile(ctx context.Context, name, src string) (*lua.FunctionProto, error) {
	if len(src) > g.lim.MaxSource {
		return nil, &ScriptError{Message: fmt.Sprintf("%s: the script is %d bytes, more than the limit of %d", name, len(src), g.lim.MaxSource)}
	}
	type result struct {
		proto *lua.FunctionProto
		err   error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("%s: cannot compile: %v", name, r)}
			}
		}()
		chunk, err := parse.Parse(strings.NewReader(src), name)
		if err == nil {
			err = checkChunk(name, chunk, g.lim.MaxNesting, g.lim.MaxConstants)
		}
		if err != nil {
			done <- result{err: err}
			return
		}
		proto, err := lua.Compile(chunk, name)
		done <- result{proto, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, &ScriptError{Message: r.err.Error()}
		}
		return r.proto, nil
	case <-ctx.Done():
		return nil, stopped(ctx)
	}
}

// sourceError is a script the checker refuses.
type sourceError struct{ msg string }

// maxTreeDepth bounds the depth of a parsed chunk, whatever the syntax:
// gopher-lua's compiler recurses on it (it overflows the Go stack, a fatal
// error, around a million levels, and takes quadratic time on long elseif
// chains). Lua 5.1 reads left-associative chains (a + a + …, elseif,
// a:b():c()) without recursion and accepts any length of them.
const maxTreeDepth = 5000

// checker walks a parsed chunk before it is compiled: it bounds the syntax
// levels as Lua 5.1 counts them (blocks, and expressions inside
// expressions, but not the left operand of an operator or the object of a
// call or index), the depth of the tree, and the constants of each
// function; and it splits chains of '..' so that each concatenation is an
// instruction of its own (a single one would join all its operands in one
// allocation that the memory limit cannot interrupt).
type checker struct {
	name                string
	maxLevels, maxKonst int
	depth, levels       int
	konst               []map[string]struct{}
}

func checkChunk(name string, chunk []ast.Stmt, maxLevels, maxConstants int) (err error) {
	c := &checker{name: name, maxLevels: maxLevels, maxKonst: maxConstants}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(sourceError)
			if !ok {
				panic(r)
			}
			err = errors.New(se.msg)
		}
	}()
	c.function(0, chunk)
	return nil
}

func (c *checker) fail(line int, format string, args ...any) {
	panic(sourceError{fmt.Sprintf("%s:%d: %s", c.name, line, fmt.Sprintf(format, args...))})
}

// enter goes one level down the tree; level says whether Lua 5.1 counts it
// as a syntax level.
func (c *checker) enter(line int, level bool) {
	c.depth++
	if c.depth > maxTreeDepth {
		c.fail(line, "the script nests more than %d levels of blocks, expressions and chains", maxTreeDepth)
	}
	if level {
		c.levels++
		if c.levels > c.maxLevels {
			c.fail(line, "the script nests more than %d levels of blocks and expressions", c.maxLevels)
		}
	}
}

func (c *checker) leave(level bool) {
	c.depth--
	if level {
		c.levels--
	}
}

func (c *checker) constant(line int, k string) {
	m := c.konst[len(c.konst)-1]
	if _, ok := m[k]; ok {
		return
	}
	m[k] = struct{}{}
	if len(m) > c.maxKonst {
		c.fail(line, "a function has more than %d distinct constants", c.maxKonst)
	}
}

func (c *checker) function(line int, stmts []ast.Stmt) {
	c.konst = append(c.konst, map[string]struct{}{})
	c.block(line, stmts)
	c.konst = c.konst[:len(c.konst)-1]
}

func (c *checker) block(line int, stmts []ast.Stmt) {
	c.enter(line, true)
	for _, s := range stmts {
		c.stmt(s)
	}
	c.leave(true)
}

func (c *checker) exprs(list []ast.Expr) {
	for _, e := range list {
		c.expr(e)
	}
}

func (c *checker) stmt(s ast.Stmt) {
	switch x := s.(type) {
	case *ast.AssignStmt:
		c.exprs(x.Lhs)
		c.exprs(x.Rhs)
	case *ast.LocalAssignStmt:
		c.exprs(x.Exprs)
	case *ast.FuncCallStmt:
		c.expr(x.Expr)
	case *ast.DoBlockStmt:
		c.block(x.Line(), x.Stmts)
	case *ast.WhileStmt:
		c.expr(x.Condition)
		c.block(x.Line(), x.Stmts)
	case *ast.RepeatStmt:
		c.block(x.Line(), x.Stmts)
		c.expr(x.Condition)
	case *ast.IfStmt:
		// Each elseif is a level of the tree (the compiler recurses on
		// them) but no syntax level of Lua 5.1.
		depth := c.depth
		for {
			c.expr(x.Condition)
			c.block(x.Line(), x.Then)
			next, ok := elseIf(x)
			if !ok {
				c.block(x.Line(), x.Else)
				break
			}
			c.enter(next.Line(), false)
			x = next
		}
		c.depth = depth
	case *ast.NumberForStmt:
		c.expr(x.Init)
		c.expr(x.Limit)
		if x.Step != nil {
			c.expr(x.Step)
		}
		c.block(x.Line(), x.Stmts)
	case *ast.GenericForStmt:
		c.exprs(x.Exprs)
		c.block(x.Line(), x.Stmts)
	case *ast.FuncDefStmt:
		if x.Name.Func != nil {
			c.expr(x.Name.Func)
		}
		if x.Name.Receiver != nil {
			c.expr(x.Name.Receiver)
			c.constant(x.Line(), "s"+x.Name.Method)
		}
		c.expr(x.Func)
	case *ast.ReturnStmt:
		c.exprs(x.Exprs)
	}
}

func elseIf(x *ast.IfStmt) (*ast.IfStmt, bool) {
	if len(x.Else) != 1 {
		return nil, false
	}
	next, ok := x.Else[0].(*ast.IfStmt)
	return next, ok
}

// expr checks an expression that is a syntax level of its own.
func (c *checker) expr(e ast.Expr) { c.node(e, true) }

// chained checks an expression read in a loop by Lua 5.1: the left
// operand of an operator, the object of a call or an index.
func (c *checker) chained(e ast.Expr) { c.node(e, false) }

func (c *checker) node(e ast.Expr, level bool) {
	line := e.Line()
	c.enter(line, level)
	defer c.leave(level)
	switch x := e.(type) {
	case *ast.NumberExpr:
		c.constant(line, "n"+x.Value)
	case *ast.StringExpr:
		c.constant(line, "s"+x.Value)
	case *ast.IdentExpr:
		c.constant(line, "s"+x.Value)
	case *ast.AttrGetExpr:
		c.chained(x.Object)
		c.expr(x.Key)
	case *ast.TableExpr:
		for _, f := range x.Fields {
			if f.Key != nil {
				c.expr(f.Key)
			}
			c.expr(f.Value)
		}
	case *ast.FuncCallExpr:
		if x.Func != nil {
			c.chained(x.Func)
		}
		if x.Receiver != nil {
			c.chained(x.Receiver)
			c.constant(line, "s"+x.Method)
		}
		c.exprs(x.Args)
	case *ast.LogicalOpExpr:
		c.chained(x.Lhs)
		c.expr(x.Rhs)
	case *ast.RelationalOpExpr:
		c.chained(x.Lhs)
		c.expr(x.Rhs)
	case *ast.ArithmeticOpExpr:
		c.chained(x.Lhs)
		c.expr(x.Rhs)
	case *ast.StringConcatOpExpr:
		// Right-associative: Lua 5.1 recurses on each operand.
		c.chained(x.Lhs)
		c.expr(x.Rhs)
		if rhs, ok := x.Rhs.(*ast.StringConcatOpExpr); ok {
			x.Rhs = alone(rhs)
		}
	case *ast.UnaryMinusOpExpr:
		c.expr(x.Expr)
	case *ast.UnaryNotOpExpr:
		c.expr(x.Expr)
	case *ast.UnaryLenOpExpr:
		c.expr(x.Expr)
	case *ast.FunctionExpr:
		c.function(line, x.Stmts)
	}
}

// alone returns (e or nil): the value of e, compiled apart from the
// concatenation around it, in the register of its own value (a wrapper
// that needs a register of its own would halve the operands a chain can
// have). Operands are still evaluated left to right and joined right to
// left, as one Lua 5.1 concatenation would; the one difference is a
// __concat metamethod that returns false, which becomes nil.
func alone(e ast.Expr) ast.Expr {
	none := &ast.NilExpr{}
	or := &ast.LogicalOpExpr{Operator: "or", Lhs: e, Rhs: none}
	for _, n := range []ast.PositionHolder{none, or} {
		n.SetLine(e.Line())
		n.SetLastLine(e.LastLine())
	}
	return or
}

// tooLong is the error of a library function asked to build a string
// longer than the limit.
func (g *guard) tooLong(L *lua.LState, fn string, size float64) {
	L.RaiseError("%s: the result would be %.0f bytes, more than the limit of %d", fn, size, g.lim.MaxString)
}

// rep is string.rep(s, n) with a bound on the result.
func (g *guard) rep(L *lua.LState) int {
	s := L.CheckString(1)
	n := L.CheckInt(2)
	if n <= 0 || s == "" {
		L.Push(lua.LString(""))
		return 1
	}
	if n > g.lim.MaxString/len(s) {
		g.tooLong(L, "string.rep", float64(len(s))*float64(n))
	}
	g.reserve(L, "string.rep", float64(len(s))*float64(n))
	L.Push(lua.LString(strings.Repeat(s, n)))
	return 1
}

// concat is table.concat(t, sep, i, j) of Lua 5.1, with a bound on the
// result and the context checked as it goes (gopher-lua's pushes every
// element on the Lua stack and fails past a few thousand).
func (g *guard) concat(L *lua.LState) int {
	t := L.CheckTable(1)
	sep := L.OptString(2, "")
	i := L.OptInt(3, 1)
	j := L.OptInt(4, t.Len())
	if i > j {
		L.Push(lua.LString(""))
		return 1
	}
	parts := make([]string, 0, min(j-i+1, 1<<16))
	size := 0
	for k := i; ; k++ {
		if (k-i)%checkEvery == 0 {
			checkContext(L)
		}
		v := t.RawGetInt(k)
		if v.Type() != lua.LTString && v.Type() != lua.LTNumber {
			L.RaiseError("invalid value (at index %d) in table for 'concat'", k)
		}
		s := lua.LVAsString(v)
		size += len(s)
		if k != j {
			size += len(sep)
		}
		if size > g.lim.MaxString {
			g.tooLong(L, "table.concat", float64(size))
		}
		parts = append(parts, s)
		if k == j {
			break
		}
	}
	g.reserve(L, "table.concat", float64(size))
	L.Push(lua.LString(strings.Join(parts, sep)))
	return 1
}

// sorter sorts the values of a table with Lua's '<' or a comparator,
// checking the context as it goes.
type sorter struct {
	L     *lua.LState
	less  *lua.LFunction
	vals  []lua.LValue
	count int
}

func (s *sorter) Len() int      { return len(s.vals) }
func (s *sorter) Swap(i, j int) { s.vals[i], s.vals[j] = s.vals[j], s.vals[i] }
func (s *sorter) Less(i, j int) bool {
	s.count++
	if s.count%checkEvery == 0 {
		checkContext(s.L)
	}
	if s.less == nil {
		return s.L.LessThan(s.vals[i], s.vals[j])
	}
	L := s.L
	L.Push(s.less)
	L.Push(s.vals[i])
	L.Push(s.vals[j])
	L.Call(2, 1)
	r := lua.LVAsBool(L.Get(-1))
	L.Pop(1)
	return r
}

// sortTable is table.sort(t, comp) of Lua 5.1: it sorts t[1..#t] and checks
// the context as it goes (gopher-lua's does not, and sorts only the array
// part of the table).
func (g *guard) sortTable(L *lua.LState) int {
	t := L.CheckTable(1)
	s := &sorter{L: L}
	if v := L.Get(2); v != lua.LNil {
		s.less = L.CheckFunction(2)
	}
	n := t.Len()
	s.vals = make([]lua.LValue, n)
	for i := range s.vals {
		s.vals[i] = t.RawGetInt(i + 1)
	}
	sort.Sort(s)
	for i, v := range s.vals {
		t.RawSetInt(i+1, v)
	}
	return 0
}

// describe returns what tostring(v) gives, for the host, outside the
// script: a __tostring metamethod runs in a protected call with a short
// deadline, and when it fails, loops or returns no string the answer is
// "(error object is a T value)". It never raises.
func (vm *VM) describe(ctx context.Context, v lua.LValue) string {
	switch v.(type) {
	case lua.LString, lua.LNumber, lua.LBool, *lua.LNilType:
		return v.String()
	}
	L := vm.L
	fallback := fmt.Sprintf("(error object is a %s value)", v.Type().String())
	fn, ok := L.GetMetaField(v, "__tostring").(*lua.LFunction)
	if !ok {
		return v.String()
	}
	if ctx.Err() != nil {
		return fallback
	}
	tctx, cancel := context.WithTimeout(ctx, tostringTimeout)
	defer cancel()
	L.SetContext(tctx)
	defer L.SetContext(ctx)
	top := L.GetTop()
	defer L.SetTop(top)
	L.Push(fn)
	L.Push(v)
	if err := L.PCall(1, 1, nil); err != nil {
		return fallback
	}
	switch r := L.Get(-1).(type) {
	case lua.LString, lua.LNumber:
		return r.String()
	}
	return fallback
}

// expandedSize is the number of values and the bytes of strings in v
// written out as a tree, as json.encode and dump write it: a table reached
// twice counts twice, so a small graph of shared tables can be enormous.
// Each table is measured once; cycles and nesting deeper than the
// converter allows count as nothing (the converter refuses them itself).
// With L set, the walk checks the script's context as it goes.
func expandedSize(L *lua.LState, v lua.LValue) (values, bytes float64) {
	type size struct{ values, bytes float64 }
	memo := map[*lua.LTable]*size{}
	count := 0
	var walk func(v lua.LValue, depth int) size
	walk = func(v lua.LValue, depth int) size {
		switch x := v.(type) {
		case lua.LString:
			return size{1, float64(len(x))}
		case *lua.LTable:
			if m, ok := memo[x]; ok {
				return *m
			}
			s := &size{values: 1}
			memo[x] = &size{} // a cycle counts as nothing
			if depth < maxDepth {
				x.ForEach(func(k, v lua.LValue) {
					if count++; L != nil && count%checkEvery == 0 {
						checkContext(L)
					}
					ks, vs := walk(k, depth+1), walk(v, depth+1)
					s.values += ks.values + vs.values
					s.bytes += ks.bytes + vs.bytes
				})
			}
			memo[x] = s
			return *s
		}
		return size{1, 8}
	}
	s := walk(v, 0)
	return s.values, s.bytes
}

// checkSize raises when v, written out, would exceed the string limit: each
// value costs perValue bytes besides its strings.
func (g *guard) checkSize(L *lua.LState, fn string, v lua.LValue, perValue float64) {
	values, bytes := expandedSize(L, v)
	if size := values*perValue + bytes; size > float64(g.lim.MaxString) {
		g.tooLong(L, fn, size)
	}
}
