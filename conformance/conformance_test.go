//go:build conformance

package conformance

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
)

// TestConformance sends every case through kosmo to Prism and reports, per
// function, whether every request was accepted and every response valid.
// The cases of one function share nothing: each runs against a fresh fake.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	in := openai.New()
	rep := newReport(in)

	t.Run("requests", func(t *testing.T) {
		for _, c := range requestCases() {
			fn := fnByName(in, c.fn)
			require.NotNil(t, fn, "no function %s", c.fn)
			ok := t.Run(c.fn+"/"+c.name, func(t *testing.T) {
				for _, p := range e.checkRequest(t, in, fn, c) {
					t.Error(p)
				}
			})
			rep.addRequest(c.fn, ok)
		}
	})
	t.Run("today", func(t *testing.T) {
		for _, c := range todayCases() {
			fn := fnByName(in, c.fn)
			require.NotNil(t, fn, "no function %s", c.fn)
			sent, deviated := 0, false
			ok := t.Run(c.fn+"/"+c.name, func(t *testing.T) {
				var problems []string
				sent, deviated, problems = e.todayProblems(t, fn, c)
				for _, p := range problems {
					t.Error(p)
				}
			})
			rep.addToday(c.fn, ok, sent, deviated)
		}
	})
	t.Run("responses", func(t *testing.T) {
		for _, c := range responseCases() {
			require.NotNil(t, fnByName(in, c.fn), "no function %s", c.fn)
			ok := t.Run(c.fn+"/"+c.name, func(t *testing.T) {
				for _, p := range e.checkResponse(t, c) {
					t.Error(p)
				}
			})
			rep.add(rep.responses, c.fn, ok, c.deviation != nil)
		}
		for _, c := range errorCases() {
			require.NotNil(t, fnByName(in, c.fn), "no function %s", c.fn)
			ok := t.Run(c.fn+"/error "+c.name, func(t *testing.T) {
				for _, p := range e.checkError(t, c) {
					t.Error(p)
				}
			})
			rep.add(rep.responses, c.fn, ok, false)
		}
	})
	t.Run("operations", func(t *testing.T) {
		for _, c := range endpointCases() {
			ok := t.Run(c.op+"/"+c.name, func(t *testing.T) {
				for _, p := range e.checkEndpoint(t, c) {
					t.Error(p)
				}
			})
			deviations := 0
			for _, st := range c.steps {
				if st.deviation != nil {
					deviations++
				}
			}
			rep.addOperation(c.op, ok, deviations > 0)
		}
	})
	t.Run("oracle", func(t *testing.T) {
		for _, c := range oracleCases() {
			ok := t.Run(c.name, func(t *testing.T) {
				for _, p := range e.checkOracle(t, c) {
					t.Error(p)
				}
			})
			rep.bites.count(ok)
		}
		for _, c := range endpointOracleCases() {
			ok := t.Run(c.op+"/"+c.name, func(t *testing.T) {
				for _, p := range e.checkEndpoint(t, c) {
					t.Error(p)
				}
			})
			rep.bites.count(ok)
		}
	})

	// Every function has a full and a minimal request and a response case,
	// and each assistants function a full and a minimal one on today's API.
	kinds, todayKinds := map[string][]coverage{}, map[string][]coverage{}
	for _, c := range requestCases() {
		kinds[c.fn] = append(kinds[c.fn], c.kind)
	}
	for _, c := range todayCases() {
		todayKinds[c.fn] = append(todayKinds[c.fn], c.kind)
	}
	for _, fn := range in.Functions {
		if !slices.Contains(kinds[fn.Name], full) || !slices.Contains(kinds[fn.Name], minimal) {
			t.Errorf("%s needs a full and a minimal request case", fn.Name)
		}
		if rep.responses[fn.Name].total == 0 {
			t.Errorf("%s has no response case", fn.Name)
		}
		if slices.Contains(assistantsFunctions, fn.Name) &&
			(!slices.Contains(todayKinds[fn.Name], full) || !slices.Contains(todayKinds[fn.Name], minimal)) {
			t.Errorf("%s needs a full and a minimal request case on today's API", fn.Name)
		}
	}
	for _, name := range assistantsFunctions {
		if fnByName(in, name) == nil {
			t.Errorf("no function %s", name)
		}
	}

	text := rep.String()
	if e.report == "" {
		t.Log("\n" + text)
		return
	}
	require.NoError(t, os.WriteFile(e.report, []byte(text), 0o644))
}

// checkRequest runs a request case and returns every problem found.
func (e *env) checkRequest(t *testing.T, in *integration.Integration, fn *integration.Function, c requestCase) []string {
	to := proxy
	before := setup(c.fn)
	if toMock(c.fn) {
		to, before = mock, ""
	}
	o := e.run(t, script{to: to, before: before, src: call(c.fn, c.args)})
	var out []string
	if len(o.Exchanges) == 0 {
		return []string{fmt.Sprintf("nothing was sent: %v", o.Err)}
	}
	for _, x := range o.Exchanges {
		out = append(out, requestProblems(x)...)
	}
	last, _ := o.last()
	if o.Err != nil && len(out) == 0 && !responseRefused(last) {
		// Not the oracle: the script itself failed, or the fake refused a
		// request that the spec allows. (A response Prism refused after
		// accepting the request is for the response cases to judge.)
		out = append(out, fmt.Sprintf("the call failed: %v\nlast exchange: %v", o.Err, last))
	}
	if to == proxy {
		out = append(out, forwardProblems(o)...)
	}
	return append(out, coverageProblems(in, fn, c.kind, last)...)
}

// report tallies the cases per function, and per operation for the
// operations checked with plain HTTP. For the assistants functions,
// requests are on today's API (with the requests the cases sent) and
// native those on the Assistants v2 wire.
type report struct {
	fns                 []string
	requests, responses map[string]*tally
	native              map[string]*tally
	ops                 []string
	operations          map[string]*tally
	bites               tally
}

type tally struct{ pass, total, deviations, sent int }

func (t *tally) count(ok bool) {
	t.total++
	if ok {
		t.pass++
	}
}

func (t *tally) ok() bool { return t.total > 0 && t.pass == t.total }

func newReport(in *integration.Integration) *report {
	r := &report{requests: map[string]*tally{}, responses: map[string]*tally{}, native: map[string]*tally{},
		operations: map[string]*tally{}}
	for _, fn := range in.Functions {
		r.fns = append(r.fns, fn.Name)
		r.requests[fn.Name] = &tally{}
		r.responses[fn.Name] = &tally{}
		if slices.Contains(assistantsFunctions, fn.Name) {
			r.native[fn.Name] = &tally{}
		}
	}
	return r
}

func (r *report) add(m map[string]*tally, fn string, ok, deviation bool) {
	m[fn].count(ok)
	if deviation {
		m[fn].deviations++
	}
}

// addRequest counts a request case of the functions' own wire: for an
// assistants function, the Assistants v2 wire of assistants: native.
func (r *report) addRequest(fn string, ok bool) {
	if r.native[fn] != nil {
		r.add(r.native, fn, ok, false)
		return
	}
	r.add(r.requests, fn, ok, false)
}

// addToday counts a case of an assistants function on today's API, which
// sent n requests, one of which Prism refused with the documented InputItem
// deviation if deviated.
func (r *report) addToday(fn string, ok bool, n int, deviated bool) {
	r.add(r.requests, fn, ok, deviated)
	r.requests[fn].sent += n
}

func (r *report) addOperation(op string, ok, deviation bool) {
	if r.operations[op] == nil {
		r.ops = append(r.ops, op)
		r.operations[op] = &tally{}
	}
	r.add(r.operations, op, ok, deviation)
}

// String renders the per-function table and the totals.
func (r *report) String() string {
	var b strings.Builder
	cell := func(t *tally) string {
		if t == nil {
			return ""
		}
		s := "FAIL"
		if t.ok() {
			s = "ok"
		}
		s += fmt.Sprintf(" (%d/%d", t.pass, t.total)
		if t.sent > 0 {
			s += fmt.Sprintf(", %d requests", t.sent)
		}
		if t.deviations > 0 {
			s += fmt.Sprintf(", %d documented deviation", t.deviations)
			if t.deviations > 1 {
				s += "s"
			}
		}
		return s + ")"
	}
	width := 24
	for _, fn := range r.fns {
		width = max(width, len(cell(r.requests[fn])))
	}
	row := func(name, today, native, responses string) {
		fmt.Fprintf(&b, "%-30s  %-*s  %-24s  %s\n", name, width, today, native, responses)
	}
	row("function", "request accepted", "native (Assistants v2)", "response valid")
	reqOK, nativeOK, respOK := 0, 0, 0
	for _, fn := range r.fns {
		row(fn, cell(r.requests[fn]), cell(r.native[fn]), cell(r.responses[fn]))
		if r.requests[fn].ok() {
			reqOK++
		}
		if r.native[fn] != nil && r.native[fn].ok() {
			nativeOK++
		}
		if r.responses[fn].ok() {
			respOK++
		}
	}
	fmt.Fprintf(&b, "(the assistants functions: request accepted on today's API, the default assistants: responses\n"+
		" (Conversations, Responses, kosmo's store; cases, the requests they sent, and the cases with a\n"+
		" request Prism refused with the documented InputItem deviation only, a message with list content:\n"+
		" see inputItemDeviation in conformance/today_test.go); native on the Assistants v2 wire of\n"+
		" assistants: native, as are their response cases)\n")
	opsOK := 0
	if len(r.ops) > 0 {
		fmt.Fprintf(&b, "\n")
		row("operation (plain HTTP)", "", "", "responses valid")
		for _, op := range r.ops {
			row(op, "", "", cell(r.operations[op]))
			if r.operations[op].ok() {
				opsOK++
			}
		}
	}
	fmt.Fprintf(&b, "\nrequests accepted: %d/%d (native: %d/%d)   responses valid: %d/%d   operations valid: %d/%d   broken requests and responses caught: %d/%d\n",
		reqOK, len(r.fns), nativeOK, len(r.native), respOK, len(r.fns), opsOK, len(r.ops), r.bites.pass, r.bites.total)
	return b.String()
}
