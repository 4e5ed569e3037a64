package kosmo_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/audit"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

// loadKey is the canary key of the load test.
const loadKey = "sk-canary-load-5e8d2b7a9c4f1e3d6b0a"

// loadScript makes n calls, a mix of reads, stateless writes and writes that
// create something, each under pcall; it counts successes and structured
// errors, and keeps what was neither.
const loadScript = `
local oa = app.integrations.openai
local calls = {
  function() return oa.openai_list_models() end,
  function() return oa.openai_chat_completion{ model = "gpt-4o", messages = { { role = "user", content = "hi %d" } }, max_tokens = 5 } end,
  function() return oa.openai_create_embedding{ model = "text-embedding-3-small", input = "x" } end,
  function() return oa.openai_upload_file{ file_content = base64.encode("load %d"), filename = "load.txt", purpose = "batch" } end,
  function() return oa.openai_list_files{ limit = 2 } end,
  function() return oa.openai_create_thread{} end,
}
local ok_n, err_n, bad = 0, 0, {}
for i = 1, %d do
  local ok, r = pcall(calls[(i %% #calls) + 1])
  if ok then
    ok_n = ok_n + 1
  elseif type(r) == "table" and type(r.message) == "string" and type(r.type) == "string"
      and type(r.retryable) == "boolean" and type(r.attempts) == "number" and r.attempts >= 1 then
    err_n = err_n + 1
  else
    bad[#bad + 1] = tostring(r)
  end
end
return ok_n, err_n, #bad, bad[1] or ""
`

// loadFaults inject a fault into one request in ten: ten kinds, each on
// every 100th request at its own offset.
func loadFaults() []openaitest.Fault {
	kinds := []openaitest.Fault{
		{Status: 429, Header: map[string]string{"retry-after-ms": "1"}},
		{Status: 500},
		{Status: 502},
		{Status: 503},
		{Status: 503, Header: map[string]string{"x-should-retry": "false"}},
		{Reset: true},
		{Truncate: true},
		{Malformed: true},
		{EchoHeaders: true},
		{Trickle: 20 * time.Millisecond},
	}
	for i := range kinds {
		kinds[i].Nth, kinds[i].Every = 1+10*i, 100
	}
	return kinds
}

// TestLoad runs 32 scripts at once through the library API, one VM each,
// for 5,120 calls against the fake with 10 % of requests faulted. Every call
// succeeds or raises a structured error, the audit log has a line for every
// call and accounts for every request, no goroutine is left and the heap
// returns to its baseline. Its figures are logged for docs/reliability.md.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const scripts, perScript = 32, 160

	runtime.GC()
	goroutinesBefore := runtime.NumGoroutine()
	heapBefore := liveHeap()

	// The fake behind a counter of the requests it received. It records no
	// request bodies, so that its memory stays flat.
	fake := openaitest.NewHandler(openaitest.WithAPIKeys(loadKey), openaitest.WithMaxRecordedRequests(0))
	for _, f := range loadFaults() {
		fake.InjectFault(f)
	}
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		fake.ServeHTTP(w, r)
	}))

	auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
	aw, err := audit.Open(auditPath)
	require.NoError(t, err)
	client := integration.NewClient()
	client.Backoff = func(int) time.Duration { return time.Millisecond }
	host := kosmo.New(kosmo.Options{
		Accounts: accounts.Config{"openai": {Default: "load", Accounts: []*integration.Account{
			{Name: "load", Key: integration.NewSecret(loadKey), BaseURL: srv.URL + "/v1", Timeout: 30 * time.Second},
		}}},
		Client: client,
		OnCall: aw.OnCall,
	})

	type outcome struct {
		ok, failed, bad float64
		firstBad        string
		output          string
		err             error
	}
	results := make([]outcome, scripts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range scripts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := host.Run(ctx, fmt.Sprintf("load%d.lua", i), fmt.Sprintf(loadScript, i, i, perScript))
			o := outcome{err: err}
			if err == nil && len(res.Values) == 4 {
				o.ok, _ = res.Values[0].(float64)
				o.failed, _ = res.Values[1].(float64)
				o.bad, _ = res.Values[2].(float64)
				o.firstBad, _ = res.Values[3].(string)
				o.output = fmt.Sprintf("%#v %s", res.Values, res.Output)
			}
			results[i] = o
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	faulted := fake.FaultsApplied()
	srv.Close()
	client.HTTP.CloseIdleConnections()
	require.NoError(t, aw.Close())

	var ok, failed int
	for i, o := range results {
		require.NoError(t, o.err, "script %d", i)
		require.Zero(t, o.bad, "script %d: a call failed without a structured error: %s", i, o.firstBad)
		require.Equal(t, float64(perScript), o.ok+o.failed, "script %d made every call", i)
		assert.NotContains(t, o.output, loadKey)
		ok += int(o.ok)
		failed += int(o.failed)
	}
	calls := scripts * perScript

	// The audit log: one line per call, and the requests they add up to.
	lines, attempts, outcomes := readAudit(t, auditPath)
	assert.Equal(t, calls, lines, "an audit line for every call")
	assert.Equal(t, ok, outcomes[audit.OutcomeOK], "the audit's successes are the script's")
	assert.Equal(t, failed, lines-outcomes[audit.OutcomeOK])
	// Go's transport may resend a GET once on a reused connection that was
	// reset, unseen by the client: the only requests beyond the attempts.
	assert.GreaterOrEqual(t, served.Load(), int64(attempts), "no attempt was lost")
	assert.LessOrEqual(t, served.Load(), int64(attempts+faulted/10+1), "only resets of reused connections add requests")
	assert.InDelta(t, served.Load()/10, faulted, float64(served.Load())/100+2, "one request in ten was faulted")
	data, err := os.ReadFile(auditPath)
	require.NoError(t, err)
	assert.NotContains(t, string(data), loadKey)

	// Nothing left running; the heap back to its baseline.
	goroutinesAfter := waitGoroutines(goroutinesBefore)
	assert.LessOrEqual(t, goroutinesAfter, goroutinesBefore, "goroutines left behind")
	results, host, fake, client, aw = nil, nil, nil, nil, nil
	heapAfter := liveHeap()
	assert.Less(t, heapAfter, heapBefore+8<<20, "the heap returns to its baseline (within 8 MiB)")

	t.Logf("load: %d scripts × %d calls = %d calls in %s (%.0f calls/s): %d ok, %d structured errors, 0 lost; "+
		"%d requests served, %d faulted (%.1f %%), %d retries; audit lines %d; goroutines %d → %d; live heap %.1f → %.1f MiB",
		scripts, perScript, calls, elapsed.Round(time.Millisecond), float64(calls)/elapsed.Seconds(), ok, failed,
		served.Load(), faulted, 100*float64(faulted)/float64(served.Load()), attempts-calls, lines,
		goroutinesBefore, goroutinesAfter, float64(heapBefore)/(1<<20), float64(heapAfter)/(1<<20))
	for _, k := range slices.Sorted(maps.Keys(outcomes)) {
		t.Logf("load: outcome %s: %d", k, outcomes[k])
	}
}

// readAudit counts the lines of an audit file, their attempts and outcomes.
func readAudit(t *testing.T, path string) (lines, attempts int, outcomes map[string]int) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	outcomes = map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l audit.Line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		require.NotEmpty(t, l.Function)
		require.Equal(t, "load", l.Account)
		require.GreaterOrEqual(t, l.Attempts, 1, "every call was sent: %s", sc.Text())
		if l.Outcome == audit.OutcomeOK {
			require.True(t, strings.HasPrefix(l.RequestID, "req_"), sc.Text())
		}
		lines++
		attempts += l.Attempts
		outcomes[l.Outcome]++
	}
	require.NoError(t, sc.Err())
	return lines, attempts, outcomes
}

// waitGoroutines polls (bounded) until at most want goroutines run, and
// returns the last count.
func waitGoroutines(want int) int {
	deadline := time.Now().Add(10 * time.Second)
	n := runtime.NumGoroutine()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
