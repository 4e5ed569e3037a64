package luabridge_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
)

var hostileReport = flag.String("hostile.report", "", "write the figures of the hostile suite to this file, as a markdown table")

// errTestTimeout is the cause of a hostile case's time limit.
var errTestTimeout = errors.New("time limit reached")

// childEnv names the case a child process runs.
const childEnv = "KOSMO_HOSTILE_CASE"

// The time bounds of the hostile suite guard against hangs and runaway
// work, not against a slow machine: each is at least ten times what the
// case takes under the race detector on two cores (the slowest case,
// compiling 450 KB of constants, takes about 9 s there). A case with a
// limit is judged by how long it ran past the moment its limit fired (a
// few milliseconds when the limit works, the rest of the work when it
// does not), so a slow machine cannot fail it either.
const (
	noTimeout      = 5 * time.Minute  // the context's limit when a case sets none
	defaultWithin  = 2 * time.Minute  // the longest a case may take in all
	defaultReact   = 5 * time.Second  // the longest a case may run past its limit
	hungAfterExtra = 30 * time.Second // past within, a case counts as hung
)

// hostileCase is one hostile script and what must happen to it. Scripts
// live in testdata/hostile; their header says, one "-- key: value" a line:
//
//	class      what is attacked: sandbox, time, go-work, memory, source, depth, errors, fs, network
//	tries      what the script tries, for the figures table
//	want       ok | error | timeout | memory | interrupted
//	text       a substring of the error message
//	timeout    the context's time limit (default: none that a case reaches)
//	cancel     cancel the context (as Ctrl-C does) after this long
//	within     the longest the case may take in all (default 2m)
//	react      with timeout or cancel: the longest the script may run past
//	           the moment its limit fired (default 5s)
//	max-memory Limits.MaxMemory (the case then runs in a child process)
//	peak-below the most heap and stacks the process may reach
//	pattern-steps  Limits.PatternSteps
//	abandon    Limits.AbandonAfter
//	isolate    yes: run in a child process
//	fs         read or read,write: grant temporary directories
//	fault      delay or retry: make the fake API slow; huge-answer: the
//	           account's server answers /v1/models with 100 MiB
//	stdout     blocking: a standard output that never returns
//	stdin      silent: a granted standard input that never gives a byte
type hostileCase struct {
	name, class, tries, want, text, fs, fault, stdout string
	stdin                                             string
	timeout, cancel, within, react, abandon           time.Duration
	maxMemory, peakBelow, patternSteps                int64
	isolate                                           bool
	src                                               string
}

// outcome is what happened to a case.
type outcome struct {
	Kind    string        `json:"kind"` // ok, error, timeout, memory, interrupted, hung
	Message string        `json:"message"`
	Elapsed time.Duration `json:"elapsed"`
	// Overrun is how long the script ran after its time limit or
	// interruption fired; zero when neither did.
	Overrun time.Duration `json:"overrun"`
	Peak    int64         `json:"peak"`
}

func parseCase(t *testing.T, name, src string) hostileCase {
	t.Helper()
	c := hostileCase{name: name, src: src, want: "ok", timeout: noTimeout, within: defaultWithin, react: defaultReact}
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "-- ") || !strings.Contains(line, ": ") {
			break
		}
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "-- "), ": ")
		dur := func() time.Duration {
			d, err := time.ParseDuration(v)
			require.NoError(t, err, "%s: %s", name, line)
			return d
		}
		switch k {
		case "class":
			c.class = v
		case "tries":
			c.tries = v
		case "want":
			c.want = v
		case "text":
			c.text = v
		case "timeout":
			c.timeout = dur()
		case "cancel":
			c.cancel = dur()
		case "within":
			c.within = dur()
		case "react":
			c.react = dur()
		case "abandon":
			c.abandon = dur()
		case "max-memory":
			c.maxMemory = mib(t, v)
			c.isolate = true
		case "peak-below":
			c.peakBelow = mib(t, v)
		case "pattern-steps":
			n, err := strconv.ParseInt(v, 10, 64)
			require.NoError(t, err)
			c.patternSteps = n
		case "isolate":
			c.isolate = v == "yes"
		case "fs":
			c.fs = v
		case "fault":
			c.fault = v
		case "stdout":
			c.stdout = v
		case "stdin":
			c.stdin = v
		default:
			t.Fatalf("%s: unknown header %q", name, k)
		}
	}
	require.NotEmpty(t, c.class, name)
	require.NotEmpty(t, c.tries, name)
	return c
}

func mib(t *testing.T, v string) int64 {
	n, err := strconv.ParseInt(strings.TrimSuffix(v, "MiB"), 10, 64)
	require.NoError(t, err, v)
	return n << 20
}

func loadCases(t *testing.T) []hostileCase {
	files, err := filepath.Glob("../testdata/hostile/*.lua")
	require.NoError(t, err)
	sort.Strings(files)
	var cases []hostileCase
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		cases = append(cases, parseCase(t, strings.TrimSuffix(filepath.Base(f), ".lua"), string(src)))
	}
	return append(cases, sourceCases(t)...)
}

// sourceCases are the hostile sources too big to keep as files; they are
// made here.
func sourceCases(t *testing.T) []hostileCase {
	gen := func(name, tries, want, text string, src string) hostileCase {
		c := parseCase(t, name, "-- class: source\n-- tries: "+tries+"\n-- want: "+want+"\n-- isolate: yes\n")
		c.text, c.src = text, src
		return c
	}
	var consts strings.Builder
	for i := 0; consts.Len() < 450_000; i++ {
		if i%8000 == 0 {
			if i > 0 {
				consts.WriteString("end\n")
			}
			fmt.Fprintf(&consts, "function f%d()\n", i)
		}
		fmt.Fprintf(&consts, "x%d=%d\n", i, i)
	}
	consts.WriteString("end\n")
	return []hostileCase{
		gen("source_too_big", "a 2 MiB script", "error", "more than the limit of 1048576",
			"return 1\n"+strings.Repeat("-- padding\n", 200_000)),
		gen("source_nested_braces", "`{{{…}}}` 500,000 levels deep (a Go stack overflow in the compiler)", "error",
			"nests more than 200 levels", "return "+strings.Repeat("{", 500_000)+strings.Repeat("}", 500_000)),
		gen("source_nested_not", "`not not … x` 250,000 levels deep", "error", "nests more than 200 levels",
			"return "+strings.Repeat("not ", 250_000)+"x"),
		gen("source_long_sum", "`a+a+…` with 40,000 terms (12 s in gopher-lua's constant folding)", "error",
			"nests more than 5000 levels", "return a"+strings.Repeat("+a", 40_000)),
		gen("source_nested_functions", "functions nested 50,000 deep", "error", "nests more than 200 levels",
			strings.Repeat("function f() ", 50_000)+strings.Repeat("end ", 50_000)),
		gen("source_many_constants", "40,000 distinct constants in one function (the compiler is quadratic in them)", "error",
			"more than 16384 distinct constants", manyConstants(40_000)),
		gen("source_constants_per_function", "450 KB of functions with 16,000 constants each (the most the limit lets through)", "ok", "", consts.String()),
		gen("source_elseif_chain", "an if with 40,000 elseif branches (minutes in gopher-lua's compiler)", "error", "nests more than 5000 levels",
			"local x = 0\nif x == 1 then x = 1\n"+strings.Repeat("elseif x == 1 then x = 1\n", 40_000)+"end\nreturn x"),
	}
}

func manyConstants(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "x%d = 1\n", i)
	}
	return b.String()
}

// TestHostile runs every hostile script and checks what happened to it:
// the error class, that it stopped within its bound, and for memory cases
// that the process stayed below its bound. Cases that could crash the
// process without their guard run in a child process.
func TestHostile(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in a child process")
	}
	cases := loadCases(t)
	require.GreaterOrEqual(t, len(cases), 40)
	var (
		mu   sync.Mutex
		rows []string
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var o outcome
			if c.isolate {
				o = runChild(t, c)
			} else {
				o = runCase(t, c)
			}
			mu.Lock()
			rows = append(rows, row(c, o))
			mu.Unlock()
			assert.Equal(t, c.want, o.Kind, "%s: %s", c.name, o.Message)
			if c.text != "" {
				assert.Contains(t, o.Message, c.text)
			}
			assert.LessOrEqual(t, o.Elapsed, c.within, "bounded in time")
			if c.timeout != noTimeout || c.cancel > 0 {
				assert.LessOrEqual(t, o.Overrun, c.react, "stopped soon after its limit fired")
			}
			if c.peakBelow > 0 {
				assert.Less(t, o.Peak, c.peakBelow, "bounded in memory: peak %d MiB", o.Peak>>20)
			}
		})
	}
	if *hostileReport != "" {
		head := "| case | class | what it tries | limit | outcome | time | peak heap+stacks |\n|---|---|---|---|---|---|---|\n"
		require.NoError(t, os.WriteFile(*hostileReport, []byte(head+strings.Join(rows, "")), 0o644))
	}
}

func row(c hostileCase, o outcome) string {
	var limit []string
	if c.maxMemory > 0 {
		limit = append(limit, fmt.Sprintf("max-memory %d MiB", c.maxMemory>>20))
	}
	if c.cancel > 0 {
		limit = append(limit, fmt.Sprintf("Ctrl-C after %v", c.cancel))
	} else if c.timeout != noTimeout {
		limit = append(limit, fmt.Sprintf("timeout %v", c.timeout))
	}
	if c.abandon > 0 {
		limit = append(limit, fmt.Sprintf("abandon after %v", c.abandon))
	}
	if c.patternSteps != 0 {
		limit = append(limit, fmt.Sprintf("pattern steps %d", c.patternSteps))
	}
	if len(limit) == 0 {
		limit = append(limit, "defaults")
	}
	msg := o.Message
	if len(msg) > 90 {
		msg = msg[:90] + "…"
	}
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, "|", "\\|"), "\n", " ")
	result := o.Kind
	if msg != "" {
		result += ": " + msg
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %.2f s | %.1f MiB |\n", c.name, c.class, c.tries, strings.Join(limit, ", "),
		result, o.Elapsed.Seconds(), float64(o.Peak)/(1<<20))
}

// TestHostileChild runs the one case its parent names, and prints the
// outcome for the parent to read.
func TestHostileChild(t *testing.T) {
	name := os.Getenv(childEnv)
	if name == "" {
		t.Skip("only run by TestHostile")
	}
	for _, c := range loadCases(t) {
		if c.name == name {
			o := runCase(t, c)
			data, err := json.Marshal(o)
			require.NoError(t, err)
			fmt.Printf("\nHOSTILE-OUTCOME %s\n", data)
			return
		}
	}
	t.Fatalf("no case %q", name)
}

func runChild(t *testing.T, c hostileCase) outcome {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHostileChild$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), childEnv+"="+c.name)
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if data, ok := strings.CutPrefix(line, "HOSTILE-OUTCOME "); ok {
			var o outcome
			require.NoError(t, json.Unmarshal([]byte(data), &o))
			return o
		}
	}
	tail := string(out)
	if len(tail) > 2000 {
		tail = tail[len(tail)-2000:]
	}
	return outcome{Kind: "crash", Message: fmt.Sprintf("%v: %s", err, tail)}
}

// blocking is a standard output whose writes wait until the test ends.
type blocking struct{ release chan struct{} }

func (b blocking) Write(p []byte) (int, error) {
	<-b.release
	return len(p), nil
}

// silent is a standard input whose reads wait until the test ends.
type silent struct{ release chan struct{} }

func (s silent) Read([]byte) (int, error) {
	<-s.release
	return 0, io.EOF
}

// fsDirs makes the directories of the fs cases: a granted read directory
// with a text file, a binary file, a FIFO and a symbolic link to a file
// outside; a granted write directory with a link outside; and the outside.
func fsDirs(t *testing.T) (read, write, outside string) {
	base := t.TempDir()
	read, write, outside = filepath.Join(base, "read"), filepath.Join(base, "write"), filepath.Join(base, "outside")
	for _, d := range []string{read, write, outside, filepath.Join(read, "sub")} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(read, "hello.txt"), []byte("hello"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(read, "sub", "audio.bin"), []byte{0, 1, 2, 255, 'I', 'D', '3'}, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("OPENAI_API_KEY=sk-secret"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(read, "escape")))
	require.NoError(t, os.Symlink(outside, filepath.Join(write, "out")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(read, "pipe"), 0o644))
	return read, write, outside
}

// runCase runs one case in this process.
func runCase(t *testing.T, c hostileCase) outcome {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	src := c.src
	h := newHarness(t, func(o *luabridge.Options) {
		o.Limits = luabridge.Limits{MaxMemory: c.maxMemory, PatternSteps: c.patternSteps, AbandonAfter: c.abandon}
		if c.stdout == "blocking" {
			o.Stdout = blocking{release}
		}
		if c.stdin == "silent" {
			o.Stdin = silent{release}
		}
		if c.fs != "" {
			read, write, outside := fsDirs(t)
			o.Files.WorkDir = read
			o.Files.Read = []string{read}
			if strings.Contains(c.fs, "write") {
				o.Files.Read = append(o.Files.Read, write)
				o.Files.Write = []string{write}
			}
			src = fmt.Sprintf("local READ, WRITE, OUTSIDE = %q, %q, %q ", read, write, outside) + src
		}
		if c.fault == "huge-answer" {
			for _, a := range o.Accounts["openai"].Accounts {
				a.BaseURL = hugeAnswers(t) + "/v1"
			}
		}
	})
	switch c.fault {
	case "delay":
		h.a.InjectFault(openaitest.Fault{Path: "/v1/models", Delay: time.Minute})
	case "retry":
		h.a.InjectFault(openaitest.Fault{Path: "/v1/models", Status: 429, Header: map[string]string{"Retry-After": "60"},
			Body: `{"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":null}}`})
	}
	ctx, cancelTimeout := context.WithTimeoutCause(context.Background(), c.timeout, errTestTimeout)
	defer cancelTimeout()
	ctx, interrupt := context.WithCancel(ctx)
	defer interrupt()
	if c.cancel > 0 {
		time.AfterFunc(c.cancel, interrupt)
	}
	fired := make(chan time.Time, 1)
	stopWatch := context.AfterFunc(ctx, func() { fired <- time.Now() })
	defer stopWatch()

	runtime.GC() // the peak is this case's, not the garbage of the last one
	peak := newPeak()
	defer peak.stop()
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := h.vm.Run(ctx, c.name+".lua", src)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(c.within + hungAfterExtra):
		return outcome{Kind: "hung", Message: "did not return", Elapsed: time.Since(start), Peak: peak.stop()}
	}
	end := time.Now()
	o := outcome{Elapsed: end.Sub(start), Peak: peak.stop()}
	if ctx.Err() != nil { // the limit fired: its time is on its way
		o.Overrun = max(end.Sub(<-fired), 0)
	}
	if err != nil {
		o.Message = err.Error()
	}
	switch {
	case err == nil:
		o.Kind = "ok"
	case errors.Is(err, luabridge.ErrMemoryLimit):
		o.Kind = "memory"
	case errors.Is(err, errTestTimeout):
		o.Kind = "timeout"
	case errors.Is(err, context.Canceled):
		o.Kind = "interrupted"
	default:
		o.Kind = "error"
	}
	return o
}

// hugeAnswers starts a server whose every answer is a valid list of
// models of 100 MiB, written as it goes (the server holds none of it), and
// returns its URL.
func hugeAnswers(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"object":"list","data":[{"object":"model","created":0,"owned_by":"x","id":"`)
		chunk := strings.Repeat("x", 1<<20)
		for range 100 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, `"}]}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// peak samples the Go heap and stacks of the process until stopped.
type peak struct {
	done chan struct{}
	max  chan int64
	once sync.Once
	val  int64
}

func newPeak() *peak {
	p := &peak{done: make(chan struct{}), max: make(chan int64, 1)}
	go func() {
		samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
		var m int64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			var n int64
			for _, s := range samples {
				n += int64(s.Value.Uint64())
			}
			m = max(m, n)
			select {
			case <-p.done:
				p.max <- m
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *peak) stop() int64 {
	p.once.Do(func() {
		close(p.done)
		p.val = <-p.max
	})
	return p.val
}

// TestReusedVMCoroutine: a coroutine created by one run obeys the context
// of the run that resumes it.
func TestReusedVMCoroutine(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.vm.Run(context.Background(), "one.lua", `co = coroutine.create(function() coroutine.yield() while true do end end) coroutine.resume(co)`)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeoutCause(context.Background(), 200*time.Millisecond, errTestTimeout)
	defer cancel()
	start := time.Now()
	_, err = h.vm.Run(ctx, "two.lua", `return coroutine.resume(co)`)
	require.ErrorIs(t, err, errTestTimeout)
	assert.Less(t, time.Since(start), 10*time.Second)
}

// TestAbandonedVM: a VM whose script is stuck in Go code is abandoned; it
// refuses later runs and Close leaves it alone.
func TestAbandonedVM(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	vm := luabridge.New(luabridge.Options{Stdout: blocking{release}, Limits: luabridge.Limits{AbandonAfter: 100 * time.Millisecond}})
	ctx, cancel := context.WithTimeoutCause(context.Background(), 100*time.Millisecond, errTestTimeout)
	defer cancel()
	_, err := vm.Run(ctx, "stuck.lua", `print("never returns")`)
	require.ErrorIs(t, err, errTestTimeout)
	assert.Contains(t, err.Error(), "abandoned")
	_, err = vm.Run(context.Background(), "again.lua", `return 1`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "abandoned")
	vm.Close()
}

// TestConcatKeepsSemantics: splitting '..' chains keeps values, order of
// evaluation and the grouping of __concat metamethods.
func TestConcatKeepsSemantics(t *testing.T) {
	h := newHarness(t, nil)
	res, err := run(t, h, `
		local log = {}
		local function v(x) log[#log+1] = tostring(x) return x end
		local mt = {__concat = function(a, b)
			local function s(x) return type(x) == "table" and x.name or tostring(x) end
			return setmetatable({name = "(" .. s(a) .. "+" .. s(b) .. ")"}, getmetatable(a) or getmetatable(b))
		end}
		local o = setmetatable({name = "o"}, mt)
		local s = v("a") .. v(1) .. v("b") .. v(2.5)
		local m = "x" .. o .. "y" .. "z"
		return s, table.concat(log, ","), m.name, "p" .. "q" .. "r" .. "s" .. "t"`)
	require.NoError(t, err)
	assert.Equal(t, []any{"a1b2.5", "a,1,b,2.5", "(x+(o+yz))", "pqrst"}, res)
}
