// Command ratios reads the output of the benchmark rounds that run.sh ran
// (one file per round, every benchmark once in each) and prints the table
// of ratios: each ratio is computed within a round, from two benchmarks run
// minutes apart at most, and the table gives the median over the rounds.
package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ratios:", err)
		os.Exit(1)
	}
}

// round maps "Benchmark/sub" and a unit ("ns/op", "allocs/op", …) to the
// value one round measured.
type round map[string]map[string]float64

func (r round) get(name, unit string) (float64, bool) {
	v, ok := r[name][unit]
	return v, ok
}

// procs is the -GOMAXPROCS suffix the testing package adds to names.
var procs = regexp.MustCompile(`-\d+$`)

// parse reads benchmark lines: "BenchmarkX/y-2  N  v unit  v unit …".
func parse(r io.Reader) (round, error) {
	out := round{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := procs.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		m := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", f[0], f[i])
			}
			m[f[i+1]] = v
		}
		out[name] = m
	}
	return out, sc.Err()
}

// row is one line of the table.
type row struct {
	bench, what string
	// value computes the row's figure in one round.
	value func(r round) (float64, bool)
	// show formats the median figure.
	show func(v float64) string
	// goal is the goal's text, met whether the median meets it (nil: no
	// goal, the row reports).
	goal string
	met  func(v float64) bool
	// detail names the medians of the measurements behind the ratio.
	detail []measure
}

type measure struct {
	label, name, unit string
}

func ratio(num, den measure) func(r round) (float64, bool) {
	return func(r round) (float64, bool) {
		a, ok1 := r.get(num.name, num.unit)
		b, ok2 := r.get(den.name, den.unit)
		if !ok1 || !ok2 || b == 0 {
			return 0, false
		}
		return a / b, true
	}
}

func single(m measure) func(r round) (float64, bool) {
	return func(r round) (float64, bool) { return r.get(m.name, m.unit) }
}

func times(v float64) string { return fmt.Sprintf("%.2f×", v) }

func rows() []row {
	ns := func(label, name string) measure { return measure{label, name, "ns/op"} }
	var (
		chatKosmo  = ns("kosmo", "Chat/kosmo")
		chatGo     = ns("Go", "Chat/go")
		chatSDK    = ns("openai-go", "Chat/openai-go")
		embKosmo   = ns("kosmo", "Embeddings/kosmo")
		embFloat   = ns("kosmo, float JSON", "Embeddings/kosmo-float-json")
		embGo      = ns("Go", "Embeddings/go")
		embSDK     = ns("openai-go", "Embeddings/openai-go")
		decode     = ns("decode", "Decode/embeddings-100x1536/kosmo")
		tokenize   = ns("tokenize", "Decode/embeddings-100x1536/tokenize")
		valid      = ns("json.Valid", "Decode/embeddings-100x1536/json.Valid")
		oldDecode  = ns("json.Unmarshal+toLua", "Decode/embeddings-100x1536/unmarshal+toLua")
		vm1        = ns("1 account", "NewVM/accounts=1")
		vm20       = ns("20 accounts", "NewVM/accounts=20")
		procKosmo  = ns("kosmo run", "StartProcess/kosmo")
		procGlua   = ns("glua", "StartProcess/glua")
		concKosmo  = ns("kosmo", "Concurrency/kosmo")
		concGo     = ns("Go", "Concurrency/go")
		runKosmo   = ns("kosmo", "Run/kosmo")
		runCaller  = ns("Caller.Call", "Run/caller")
		runGo      = ns("Go", "Run/go")
		mcpLua     = ns("execute_lua", "MCP/execute_lua")
		mcpTool    = ns("openai_chat_completion", "MCP/openai_chat_completion")
		lessIsMore = func(limit float64) func(float64) bool { return func(v float64) bool { return v <= limit } }
		moreIsMore = func(limit float64) func(float64) bool { return func(v float64) bool { return v >= limit } }
	)
	r := []row{
		{bench: "1 per call", what: "kosmo from Lua ÷ Go net/http + encoding/json", value: ratio(chatKosmo, chatGo), show: times,
			goal: "≤ 1.2×", met: lessIsMore(1.2), detail: []measure{chatKosmo, chatGo}},
		{bench: "1 per call", what: "kosmo from Lua ÷ openai-go Chat.Completions.New", value: ratio(chatKosmo, chatSDK), show: times,
			goal: "< 1× (kosmo faster)", met: func(v float64) bool { return v < 1 }, detail: []measure{chatKosmo, chatSDK}},
		{bench: "2 embeddings", what: "openai-go ÷ kosmo (speed-up, 100×1536 into Lua)", value: ratio(embSDK, embKosmo), show: times,
			goal: "≥ 2×", met: moreIsMore(2), detail: []measure{embSDK, embKosmo}},
		{bench: "2 embeddings", what: "Go into [][]float64 ÷ kosmo (speed-up)", value: ratio(embGo, embKosmo), show: times,
			detail: []measure{embGo, embKosmo}},
		{bench: "2 embeddings", what: "openai-go ÷ kosmo on a floats-only server (float JSON path)", value: ratio(embSDK, embFloat), show: times,
			detail: []measure{embSDK, embFloat}},
		{bench: "2 embeddings", what: "float JSON → Lua decode ÷ tokenizing the same 2 MB", value: ratio(decode, tokenize), show: times,
			goal: "≤ 1.5×", met: lessIsMore(1.5), detail: []measure{decode, tokenize}},
		{bench: "2 embeddings", what: "float JSON → Lua decode ÷ json.Valid of the same bytes", value: ratio(decode, valid), show: times,
			detail: []measure{decode, valid}},
		{bench: "2 embeddings", what: "old path (json.Unmarshal + toLua) ÷ decode (speed-up)", value: ratio(oldDecode, decode), show: times,
			detail: []measure{oldDecode, decode}},
		{bench: "3 start-up", what: "`kosmo run` ÷ `glua` of an empty script, whole process", value: ratio(procKosmo, procGlua), show: times,
			goal: "≤ 1.5×", met: lessIsMore(1.5), detail: []measure{procKosmo, procGlua}},
		{bench: "3 start-up", what: "VM with the namespace, 20 accounts ÷ 1 account (allocs/op)",
			value: ratio(measure{"", vm20.name, "allocs/op"}, measure{"", vm1.name, "allocs/op"}), show: times,
			goal: "1× (no growth)", met: lessIsMore(1), detail: []measure{vm1, vm20, {"1 account", vm1.name, "allocs/op"}, {"1 account", vm1.name, "B/op"}}},
		{bench: "4 concurrency", what: "kosmo throughput ÷ Go (64 VMs × 50 calls)", value: ratio(concGo, concKosmo), show: times,
			goal: "≥ 0.8×", met: moreIsMore(0.8), detail: []measure{{"kosmo", concKosmo.name, "calls/s"}, {"Go", concGo.name, "calls/s"}}},
		{bench: "4 concurrency", what: "kosmo with its rate budget (as the CLI runs) ÷ without, throughput", value: ratio(concKosmo, ns("", "Concurrency/kosmo-budget")), show: times,
			detail: []measure{{"with the budget", "Concurrency/kosmo-budget", "calls/s"}}},
		{bench: "4 concurrency", what: "heap of an idle VM", value: single(measure{"", "IdleVM", "B/idle-VM"}),
			show: func(v float64) string { return fmt.Sprintf("%.0f KB", v/1024) }},
		{bench: "5 runs", what: "create_run + get_run from Lua ÷ the same two requests with net/http + encoding/json", value: ratio(runKosmo, runGo), show: times,
			detail: []measure{runKosmo, runGo}},
		{bench: "5 runs", what: "the same from Go through integration.Caller ÷ net/http + encoding/json", value: ratio(runCaller, runGo), show: times,
			detail: []measure{runCaller, runGo}},
		{bench: "6 MCP", what: "one MCP call of execute_lua whose script makes one chat completion ÷ the flat tool openai_chat_completion", value: ratio(mcpLua, mcpTool), show: times,
			detail: []measure{mcpLua, mcpTool, {"execute_lua", mcpLua.name, "allocs/op"}, {"openai_chat_completion", mcpTool.name, "allocs/op"}}},
		{bench: "6 MCP", what: "the same as a difference: execute_lua − the flat tool, per call", value: difference(mcpLua, mcpTool),
			show: func(v float64) string { return format(v, "ns/op") }},
	}
	return append(r, streamRows()...)
}

// streamRows are benchmark 7: a streamed chat completion, the time to its
// first chunk of text and to its end.
func streamRows() []row {
	first := func(label, name string) measure { return measure{label, name, "ns-to-first-chunk/op"} }
	ns := func(label, name string) measure { return measure{label, name, "ns/op"} }
	var (
		firstKosmo = first("kosmo", "Stream/kosmo")
		firstGo    = first("Go", "Stream/go")
		firstSDK   = first("openai-go", "Stream/openai-go")
		allKosmo   = ns("kosmo", "Stream/kosmo")
		allGo      = ns("Go", "Stream/go")
	)
	return []row{
		{bench: "7 streaming", what: "time to the first chunk of text: kosmo's on_chunk in Lua ÷ Go net/http reading the events", value: ratio(firstKosmo, firstGo), show: times,
			detail: []measure{firstKosmo, firstGo}},
		{bench: "7 streaming", what: "time to the first chunk of text: kosmo's on_chunk in Lua ÷ openai-go NewStreaming", value: ratio(firstKosmo, firstSDK), show: times,
			detail: []measure{firstKosmo, firstSDK}},
		{bench: "7 streaming", what: "the whole streamed call (about 40 chunks, assembled): kosmo from Lua ÷ Go net/http", value: ratio(allKosmo, allGo), show: times,
			detail: []measure{allKosmo, allGo, {"kosmo", allKosmo.name, "allocs/op"}, {"Go", allGo.name, "allocs/op"}}},
	}
}

// difference is num − den within a round.
func difference(num, den measure) func(r round) (float64, bool) {
	return func(r round) (float64, bool) {
		a, ok1 := r.get(num.name, num.unit)
		b, ok2 := r.get(den.name, den.unit)
		if !ok1 || !ok2 {
			return 0, false
		}
		return a - b, true
	}
}

func run(w io.Writer, files []string) error {
	if len(files) == 0 {
		return fmt.Errorf("usage: ratios ROUND-FILE…")
	}
	var rounds []round
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		r, err := parse(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rounds = append(rounds, r)
	}
	fmt.Fprintf(w, "| benchmark | ratio | median of %d rounds | range | goal | met | measurements (medians) |\n", len(rounds))
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, rw := range rows() {
		var vs []float64
		for _, r := range rounds {
			if v, ok := rw.value(r); ok {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			fmt.Fprintf(w, "| %s | %s | not measured | | %s | | |\n", rw.bench, rw.what, rw.goal)
			continue
		}
		v := median(vs)
		met := ""
		if rw.met != nil {
			met = "no"
			if rw.met(v) {
				met = "yes"
			}
		}
		spread := rw.show(slices.Min(vs)) + "–" + rw.show(slices.Max(vs))
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", rw.bench, rw.what, rw.show(v), spread, rw.goal, met, details(rounds, rw.detail))
	}
	return nil
}

// details formats the medians of the measurements behind a row.
func details(rounds []round, ms []measure) string {
	var parts []string
	for _, m := range ms {
		var vs []float64
		for _, r := range rounds {
			if v, ok := r.get(m.name, m.unit); ok {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			continue
		}
		parts = append(parts, m.label+" "+format(median(vs), m.unit))
	}
	return strings.Join(parts, "; ")
}

func format(v float64, unit string) string {
	switch unit {
	case "ns/op", "ns-to-first-chunk/op":
		switch {
		case math.Abs(v) >= 1e6:
			return fmt.Sprintf("%.2f ms", v/1e6)
		case math.Abs(v) >= 1e3:
			return fmt.Sprintf("%.1f µs", v/1e3)
		}
		return fmt.Sprintf("%.0f ns", v)
	case "B/op":
		return fmt.Sprintf("%.0f KB", v/1024)
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
