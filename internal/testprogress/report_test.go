package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The testdata/*.jsonl files are recorded `go test -json -count=1` runs of
// small packages: passing, failing, slow, panicking, not building, failing
// vet, and one cut short.
func TestRecordedRuns(t *testing.T) {
	tests := []struct {
		recording string
		code      int
		want      string // the whole output, or, with contains, lines it holds
		contains  bool
	}{
		{"passed", 0, "?   \texample.com/rec/notests\t[no test files]\n" +
			"ok  \texample.com/rec/pass\t0.018s\n" +
			"packages: 1 passed, 0 failed\n", false},
		{"failed_and_slow", 1, "" +
			"    fail_test.go:7: context before the failure\n" +
			"    fail_test.go:9: want 1, got 2\n" +
			"--- FAIL: TestBad/broken (0.00s)\n" +
			"--- FAIL: TestBad (0.00s)\n" +
			"FAIL\texample.com/rec/fail\t0.004s\n" +
			"slow: example.com/rec/slow TestSlow (6.0s)\n" +
			"ok  \texample.com/rec/slow\t6.019s\n" +
			"packages: 1 passed, 1 failed\n", false},
		{"build_failed", 1, "" +
			"go: downloading example.com/dep v1.0.0\n" +
			"# example.com/rec/build [example.com/rec/build.test]\n" +
			"build/build_test.go:5:40: cannot use \"s\" (untyped string constant) as int value in variable declaration\n" +
			"FAIL\texample.com/rec/build [build failed]\n" +
			"ok  \texample.com/rec/pass\t0.003s\n" +
			"# example.com/rec/vet\n" +
			"# [example.com/rec/vet]\n" +
			"vet/vet_test.go:8:42: fmt.Printf format %d has arg \"x\" of wrong type string\n" +
			"FAIL\texample.com/rec/vet [build failed]\n" +
			"packages: 1 passed, 2 failed\n", false},
		{"panic", 1, "" +
			"--- FAIL: TestPanics (0.00s)\n" +
			"panic: assignment to entry in nil map [recovered, repanicked]\n" +
			"\t/src/rec/panics/panic_test.go:5 +0x28\n" +
			"FAIL\texample.com/rec/panics\t0.005s\n" +
			"packages: 0 passed, 1 failed\n", true},
		{"stopped", 1, "" +
			"    fail_test.go:7: context before the failure\n" +
			"    fail_test.go:8: noise of a passing subtest\n" +
			"--- PASS: TestBad/fine (0.00s)\n" +
			"FAIL\texample.com/rec/fail [no result: go test stopped before the package ended]\n" +
			"packages: 0 passed, 1 failed\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.recording, func(t *testing.T) {
			in, err := os.Open(filepath.Join("testdata", tt.recording+".jsonl"))
			require.NoError(t, err)
			defer in.Close()
			var out bytes.Buffer
			code := follow(in, newReporter(&out, time.Now), time.Hour)
			assert.Equal(t, tt.code, code)
			if !tt.contains {
				assert.Equal(t, tt.want, out.String())
				return
			}
			for _, line := range strings.SplitAfter(tt.want, "\n") {
				assert.Contains(t, out.String(), line)
			}
			assert.True(t, strings.HasSuffix(out.String(), "packages: 0 passed, 1 failed\n"))
		})
	}
}

// TestClosingLinesAsGoTestWritesThem checks that every package's closing
// line is go test's own, byte for byte, so that whatever reads go test's
// output reads this too.
func TestClosingLinesAsGoTestWritesThem(t *testing.T) {
	files, err := filepath.Glob("testdata/*.jsonl")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var out bytes.Buffer
		follow(bytes.NewReader(data), newReporter(&out, time.Now), time.Hour)
		printed := strings.Split(out.String(), "\n")
		for _, line := range strings.Split(string(data), "\n") {
			var e event
			if json.Unmarshal([]byte(line), &e) == nil && e.Action == "output" && e.Test == "" && isClosing(e.Output) {
				assert.Contains(t, printed, strings.TrimSuffix(e.Output, "\n"), f)
			}
		}
	}
}

// clock is a settable time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestStillRunningAfterSilence(t *testing.T) {
	c := &clock{time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	var out bytes.Buffer
	r := newReporter(&out, c.now)
	for _, line := range []string{
		`{"Action":"start","Package":"example.com/slow"}`,
		`{"Action":"run","Package":"example.com/slow","Test":"TestA"}`,
		`{"Action":"run","Package":"example.com/slow","Test":"TestA/sub"}`,
		`{"Action":"start","Package":"example.com/setup"}`,
	} {
		r.line(line)
	}
	c.t = c.t.Add(5 * time.Second)
	r.line(`{"Action":"run","Package":"example.com/slow","Test":"TestB"}`)
	steps := []struct {
		after time.Duration
		want  string
	}{
		{10 * time.Second, ""},
		{4 * time.Second, ""},
		{time.Second, "still running: example.com/setup (20s)\nstill running: example.com/slow TestA (20s)\n"},
		{10 * time.Second, ""},
		{10 * time.Second, "still running: example.com/setup (40s)\nstill running: example.com/slow TestA (40s)\n"},
	}
	for i, st := range steps {
		out.Reset()
		c.t = c.t.Add(st.after)
		r.tick()
		assert.Equal(t, st.want, out.String(), "step %d", i)
	}
	out.Reset()
	r.line(`{"Action":"pass","Package":"example.com/slow","Test":"TestA","Elapsed":40}`)
	assert.Equal(t, "slow: example.com/slow TestA (40.0s)\n", out.String())
	out.Reset()
	c.t = c.t.Add(20 * time.Second)
	r.tick()
	assert.Equal(t, "still running: example.com/setup (60s)\nstill running: example.com/slow TestB (55s)\n", out.String(), "the test that started first among those still running")
	out.Reset()
	r.line(`{"Action":"pass","Package":"example.com/slow","Elapsed":70}`)
	r.line(`{"Action":"pass","Package":"example.com/setup","Elapsed":70}`)
	c.t = c.t.Add(time.Minute)
	r.tick()
	assert.Equal(t, "ok  \texample.com/slow\t70.000s\nok  \texample.com/setup\t70.000s\n", out.String(), "nothing runs: nothing to say")
	assert.Equal(t, 0, r.finish())
}

func TestFollowTicksWhileInputWaits(t *testing.T) {
	pr, pw := io.Pipe()
	out := &syncBuffer{}
	r := newReporter(out, time.Now)
	r.silence = 10 * time.Millisecond
	done := make(chan int)
	go func() { done <- follow(pr, r, time.Millisecond) }()
	_, err := io.WriteString(pw, `{"Action":"start","Package":"example.com/p"}`+"\n")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "still running: example.com/p (") }, 5*time.Second, time.Millisecond,
		"the silence is noticed while no line comes")
	require.NoError(t, pw.Close())
	assert.Equal(t, 1, <-done, "a package that never ended failed")
	assert.Contains(t, out.String(), "FAIL\texample.com/p [no result")
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
