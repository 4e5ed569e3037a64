package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

const (
	// slowTest is how long a top-level test runs before its end is reported.
	slowTest = 5 * time.Second
	// silence is how long nothing is printed before the running tests are.
	silence = 20 * time.Second
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	Test       string
	Elapsed    float64
	Output     string
	ImportPath string // build-output and build-fail
}

// pkgState is a package whose tests have started.
type pkgState struct {
	name    string
	started time.Time
	// output is the package's own output (not a test's), closing line
	// aside; closing is go test's last line for the package.
	output  []string
	closing string
	// running maps each top-level test that has started and not ended to
	// when it started.
	running map[string]time.Time
	// tests holds the output of each top-level test that has not passed,
	// subtests included, without the lines of subtests that passed.
	tests map[string][]testLine
}

type testLine struct {
	test, text string
}

// reporter turns the events of `go test -json` into progress lines.
type reporter struct {
	w        io.Writer
	now      func() time.Time
	packages map[string]*pkgState
	passed   int
	failed   int
	// silence is how long nothing is printed before the running tests are.
	silence time.Duration
	// quietSince is when the last line was printed.
	quietSince time.Time
}

func newReporter(w io.Writer, now func() time.Time) *reporter {
	return &reporter{w: w, now: now, packages: map[string]*pkgState{}, silence: silence, quietSince: now()}
}

func (r *reporter) print(text string) {
	fmt.Fprintln(r.w, strings.TrimSuffix(text, "\n"))
	r.quietSince = r.now()
}

// line handles one line of input: an event, or anything else, which is
// printed as it is.
func (r *reporter) line(text string) {
	var e event
	if !strings.HasPrefix(text, "{") || json.Unmarshal([]byte(text), &e) != nil || e.Action == "" {
		r.print(text)
		return
	}
	r.event(e)
}

func (r *reporter) event(e event) {
	switch e.Action {
	case "build-output":
		r.print(e.Output)
		return
	case "build-fail":
		return // the package's fail event follows
	}
	if e.Package == "" {
		return
	}
	p := r.packages[e.Package]
	if p == nil {
		p = &pkgState{name: e.Package, started: r.now(), running: map[string]time.Time{}, tests: map[string][]testLine{}}
		r.packages[e.Package] = p
	}
	if e.Test == "" {
		r.packageEvent(p, e)
		return
	}
	top, _, sub := strings.Cut(e.Test, "/")
	switch e.Action {
	case "run":
		if !sub {
			p.running[top] = r.now()
		}
	case "output":
		p.tests[top] = append(p.tests[top], testLine{e.Test, e.Output})
	case "pass", "skip":
		if sub {
			p.tests[top] = dropTest(p.tests[top], e.Test)
			return
		}
		delete(p.running, top)
		delete(p.tests, top)
		r.reportSlow(p, e)
	case "fail":
		if sub {
			return
		}
		delete(p.running, top)
		r.printTest(p, top)
		r.reportSlow(p, e)
	}
}

func (r *reporter) reportSlow(p *pkgState, e event) {
	if d := time.Duration(e.Elapsed * float64(time.Second)); d >= slowTest {
		r.print(fmt.Sprintf("slow: %s %s (%.1fs)", p.name, e.Test, e.Elapsed))
	}
}

// dropTest removes the lines of test and of its subtests.
func dropTest(lines []testLine, test string) []testLine {
	out := lines[:0]
	for _, l := range lines {
		if l.test != test && !strings.HasPrefix(l.test, test+"/") {
			out = append(out, l)
		}
	}
	return out
}

// printTest prints what a top-level test wrote, its subtests that did not
// pass included, without the lines that only mark where a test starts,
// pauses or goes on.
func (r *reporter) printTest(p *pkgState, top string) {
	for _, l := range p.tests[top] {
		if strings.HasPrefix(l.text, "=== RUN") || strings.HasPrefix(l.text, "=== PAUSE") || strings.HasPrefix(l.text, "=== CONT") {
			continue
		}
		r.print(l.text)
	}
	delete(p.tests, top)
}

// isClosing reports whether text is go test's closing line for a package:
// "ok  \tpkg\t0.1s", "FAIL\tpkg\t0.1s", "FAIL\tpkg [build failed]",
// "?   \tpkg\t[no test files]".
func isClosing(text string) bool {
	for _, prefix := range []string{"ok  \t", "FAIL\t", "?   \t"} {
		if strings.HasPrefix(text, prefix) {
			return true
		}
	}
	return false
}

func (r *reporter) packageEvent(p *pkgState, e event) {
	switch e.Action {
	case "output":
		if isClosing(e.Output) {
			p.closing = strings.TrimSuffix(e.Output, "\n")
		} else {
			p.output = append(p.output, e.Output)
		}
	case "pass":
		r.passed++
		r.endPackage(p, fmt.Sprintf("ok  \t%s\t%.3fs", p.name, e.Elapsed))
	case "skip":
		r.endPackage(p, fmt.Sprintf("?   \t%s\t[no test files]", p.name))
	case "fail":
		r.failed++
		r.failPackage(p, fmt.Sprintf("FAIL\t%s\t%.3fs", p.name, e.Elapsed))
	}
}

// failPackage prints what a failed package wrote outside its tests, and
// the output of its tests that never ended (a panic or a timeout stops
// them all), then its closing line.
func (r *reporter) failPackage(p *pkgState, closing string) {
	tops := make([]string, 0, len(p.tests))
	for top := range p.tests {
		tops = append(tops, top)
	}
	sort.Strings(tops)
	for _, top := range tops {
		r.printTest(p, top)
	}
	for _, text := range p.output {
		if text != "FAIL\n" {
			r.print(text)
		}
	}
	r.endPackage(p, closing)
}

func (r *reporter) endPackage(p *pkgState, closing string) {
	if p.closing != "" {
		closing = p.closing
	}
	r.print(closing)
	delete(r.packages, p.name)
}

// tick prints, after a silence, which tests are still running: the one
// that started first in each package, or the package alone when none of
// its tests has started.
func (r *reporter) tick() {
	now := r.now()
	if now.Sub(r.quietSince) < r.silence || len(r.packages) == 0 {
		return
	}
	names := make([]string, 0, len(r.packages))
	for name := range r.packages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := r.packages[name]
		test, since := "", p.started
		for t, started := range p.running {
			if test == "" || started.Before(since) || started.Equal(since) && t < test {
				test, since = t, started
			}
		}
		what := p.name
		if test != "" {
			what += " " + test
		}
		r.print(fmt.Sprintf("still running: %s (%ds)", what, int(now.Sub(since).Seconds())))
	}
}

// finish reports the packages that never ended as failed, prints the
// summary line and returns the exit code: 1 when a package failed.
func (r *reporter) finish() int {
	names := make([]string, 0, len(r.packages))
	for name := range r.packages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		r.failed++
		r.failPackage(r.packages[name], "FAIL\t"+name+" [no result: go test stopped before the package ended]")
	}
	r.print(fmt.Sprintf("packages: %d passed, %d failed", r.passed, r.failed))
	if r.failed > 0 {
		return 1
	}
	return 0
}
