package luabridge_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/luabridge"
)

// TestScriptInputs: a script gets its arguments as lua gives them (arg and
// ...), a first line starting with '#' is skipped with line numbers kept,
// and standard input is read only when granted.
func TestScriptInputs(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  io.Reader // nil: not granted
		limits luabridge.Limits
		src    string
		want   []any  // the script's return values
		err    string // a substring of the error; "" for none
	}{
		{name: "arg and ...", args: []string{"a", "b c", ""},
			src:  `local x, y, z = ...; return arg[0], arg[1], arg[2], arg[3], #arg, select("#", ...), x, y, z`,
			want: []any{"script.lua", "a", "b c", "", 3.0, 3.0, "a", "b c", ""}},
		{name: "no arguments", src: `return arg[0], #arg, select("#", ...), arg[1] == nil`,
			want: []any{"script.lua", 0.0, 0.0, true}},
		{name: "arg is a table of the script's own", args: []string{"a"},
			src: `arg[1] = "changed"; table.insert(arg, "more"); return arg[1], #arg, (...)`, want: []any{"changed", 2.0, "a"}},
		{name: "shebang line", args: []string{"x"}, src: "#!/usr/bin/env kosmo run\nreturn ...", want: []any{"x"}},
		{name: "shebang keeps line numbers", src: "#!/usr/bin/env kosmo run\n\nerror('boom')", err: "script.lua:3: boom"},
		{name: "shebang keeps line numbers of syntax errors", src: "#!/usr/bin/env kosmo run\nlocal x =\n= 2", err: "line:3"},
		{name: "shebang alone", src: "#!/usr/bin/env kosmo run", want: []any{}},
		{name: "a '#' on a later line is Lua", src: "return 1\n# x", err: "script.lua"},

		{name: "stdin not granted", src: `stdin.read()`,
			err: "stdin.read: reading standard input is not allowed; run kosmo with --allow-stdin"},
		{name: "stdin.lines not granted", src: `for l in stdin.lines() do end`,
			err: "stdin.lines: reading standard input is not allowed; run kosmo with --allow-stdin"},
		{name: "io.read points at stdin", src: `io.read()`,
			err: "io.read is not available in the sandbox: standard input is read with stdin.read() and stdin.lines(), once granted with --allow-stdin"},
		{name: "stdin formats", stdin: strings.NewReader("one\ntwo\r\nthree\n\nabcdef\nrest\nof it"),
			src: `local l1, l2, l3, l4 = stdin.read(), stdin.read("L"), stdin.read("*l"), stdin.read("l")
			      local b1, b2 = stdin.read(2, 3)
			      return l1, l2, l3, l4, b1, b2, stdin.read(0), stdin.read("a")`,
			want: []any{"one", "two\r\n", "three", "", "ab", "cde", "", "f\nrest\nof it"}},
		{name: "stdin at its end", stdin: strings.NewReader("x"),
			src:  `local a = stdin.read("a"); return a, stdin.read("a"), stdin.read() == nil, stdin.read(1) == nil, stdin.read(0) == nil`,
			want: []any{"x", "", true, true, true}},
		{name: "stdin.lines", stdin: strings.NewReader("a\n\nb\nlast"),
			src:  `local t = {}; for l in stdin.lines() do t[#t + 1] = "[" .. l .. "]" end; return table.concat(t), stdin.read() == nil`,
			want: []any{"[a][][b][last]", true}},
		{name: "stdin longer than a read's chunk", stdin: strings.NewReader(strings.Repeat("x", 100_000) + "\nend"),
			src:  `return #stdin.read(), stdin.read()`,
			want: []any{100_000.0, "end"}},
		{name: "stdin bad format", stdin: strings.NewReader(""), src: `stdin.read("n")`,
			err: `format "l", "L", "a" or a number of bytes expected, got "n"`},
		{name: "stdin line past the string limit", stdin: strings.NewReader(strings.Repeat("x", 100) + "\n"),
			limits: luabridge.Limits{MaxString: 64}, src: `stdin.read()`,
			err: "stdin.read: a line of standard input is more than the limit of 64 bytes"},
		{name: "stdin past the string limit", stdin: strings.NewReader(strings.Repeat("x", 100)),
			limits: luabridge.Limits{MaxString: 64}, src: `stdin.read("a")`,
			err: "stdin.read: standard input is more than the limit of 64 bytes"},
		{name: "stdin is read-only", stdin: strings.NewReader(""), src: `stdin.read = print`, err: "stdin is read-only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(o *luabridge.Options) {
				o.Args, o.Stdin, o.Limits = tt.args, tt.stdin, tt.limits
			})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := h.vm.Run(ctx, "script.lua", tt.src)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, res)
		})
	}
}

// TestArgFollowsEachRun: a reused VM gives each run the name it runs as.
func TestArgFollowsEachRun(t *testing.T) {
	h := newHarness(t, func(o *luabridge.Options) { o.Args = []string{"a"} })
	for _, name := range []string{"one.lua", "two.lua"} {
		res, err := h.vm.Run(context.Background(), name, `local first = arg[1]; arg = nil; return first, ...`)
		require.NoError(t, err)
		assert.Equal(t, []any{"a", "a"}, res)
		res, err = h.vm.Run(context.Background(), name, `return arg[0]`)
		require.NoError(t, err)
		assert.Equal(t, []any{name}, res)
	}
}

// TestStdinReadStopsWithTheScript: a read waiting for input that never
// comes stops when the script's time is up; nothing is read before the
// script asks.
func TestStdinReadStopsWithTheScript(t *testing.T) {
	r, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() })
	h := newHarness(t, func(o *luabridge.Options) { o.Stdin = r })
	_, err := h.vm.Run(context.Background(), "quiet.lua", `return 1`)
	require.NoError(t, err, "a script that does not read starts no read")

	ctx, cancel := context.WithTimeoutCause(context.Background(), 200*time.Millisecond, errTestTimeout)
	defer cancel()
	start := time.Now()
	_, err = h.vm.Run(ctx, "wait.lua", `return stdin.read()`)
	require.ErrorIs(t, err, errTestTimeout)
	assert.Less(t, time.Since(start), 5*time.Second)

	// The input that comes later is still there for the next run.
	go func() { _, _ = io.WriteString(w, "late\n") }()
	res, err := h.vm.Run(context.Background(), "again.lua", `return stdin.read()`)
	require.NoError(t, err)
	assert.Equal(t, []any{"late"}, res)
}
