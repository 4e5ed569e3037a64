package luabridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/audit"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
	"github.com/kosmo-run/kosmo/store/sqlite"
)

// canaryKey is the account key of the fault tests: it reaches the fake
// (which may echo it) and must appear nowhere a script or a log can see.
const canaryKey = "sk-canary-faults-7f3a9c1e5b2d4f6a8c0e"

// faultRig is a fake, a client and a VM whose one account "work" uses the
// canary key, with an audit writer and captured output.
type faultRig struct {
	fake   *openaitest.Server
	client *integration.Client
	vm     *luabridge.VM
	store  *sqlite.DB
	out    bytes.Buffer
	audit  bytes.Buffer
}

// rigConfig is the policy the rig's account and client get.
type rigConfig struct {
	timeout  time.Duration // per attempt
	retries  int
	maxBytes int64 // response size cap; 0: the default
	// readOnly and dryRun are the host's policies, accountReadOnly the
	// account's read_only.
	readOnly, dryRun, accountReadOnly bool
	// native puts the account on the Assistants API (a fake that still
	// serves it), whose assistants the provider keeps: the fault cases
	// count them there to prove a retry made no duplicate.
	native bool
}

func defaultRig() rigConfig { return rigConfig{timeout: 5 * time.Second, retries: 2} }

func newFaultRig(cfg rigConfig) *faultRig {
	fakeOpts := []openaitest.Option{openaitest.WithAPIKeys(canaryKey)}
	var settings map[string]string
	if cfg.native {
		fakeOpts = append(fakeOpts, openaitest.WithLegacyAssistants())
		settings = map[string]string{openai.SettingAssistants: openai.AssistantsNative}
	}
	r := &faultRig{fake: openaitest.NewServer(fakeOpts...)}
	db, err := sqlite.Open(context.Background(), ":memory:")
	if err != nil {
		panic(err) // an in-memory database needs no file: it cannot fail here
	}
	r.store = db
	r.client = integration.NewClient()
	r.client.Backoff = func(int) time.Duration { return time.Millisecond }
	r.client.MaxResponseBytes = cfg.maxBytes
	retries := cfg.retries
	aw := audit.New(&r.audit)
	r.vm = luabridge.New(luabridge.Options{
		Integrations: []*integration.Integration{openai.New()},
		Accounts: accounts.Config{"openai": {Default: "work", Accounts: []*integration.Account{
			{Name: "work", Key: integration.NewSecret(canaryKey), BaseURL: r.fake.BaseURL(), Timeout: cfg.timeout, MaxRetries: &retries,
				ReadOnly: cfg.accountReadOnly, Settings: settings},
		}}},
		Client:   r.client,
		Stdout:   &r.out,
		OnCall:   aw.OnCall,
		ReadOnly: cfg.readOnly,
		DryRun:   cfg.dryRun,
		Store:    r.store,
	})
	return r
}

// close stops everything the rig started.
func (r *faultRig) close() {
	r.vm.Close()
	_ = r.store.Close()
	r.fake.Close()
	r.client.HTTP.CloseIdleConnections()
}

// closeCheckingLeaks stops the rig in two steps, checking goroutines after
// each: with the fake still serving, the client's side must be back to
// baseline once its idle connections are closed (a response body left open
// would keep its connection busy); then, with everything stopped, back to
// before.
func (r *faultRig) closeCheckingLeaks(t *testing.T, before, serving int) {
	t.Helper()
	r.vm.Close()
	_ = r.store.Close()
	r.client.HTTP.CloseIdleConnections()
	requireNoGoroutineLeak(t, serving)
	r.fake.Close()
	requireNoGoroutineLeak(t, before)
}

// auditLines decodes the audit log.
func (r *faultRig) auditLines(t *testing.T) []audit.Line {
	t.Helper()
	var lines []audit.Line
	for _, l := range strings.Split(strings.TrimSpace(r.audit.String()), "\n") {
		if l == "" {
			continue
		}
		var line audit.Line
		require.NoError(t, json.Unmarshal([]byte(l), &line), l)
		lines = append(lines, line)
	}
	return lines
}

// goroutineBaseline returns the current count of goroutines.
func goroutineBaseline() int { return runtime.NumGoroutine() }

// requireNoGoroutineLeak waits (bounded) for the goroutine count to come back
// to baseline, and dumps the goroutines if it does not.
func requireNoGoroutineLeak(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("%d goroutines left behind (baseline %d):\n%s", n-baseline, baseline, buf)
	}
}

// Calls the fault cases make.
const (
	readCall      = `openai_list_models, nil`
	createCall    = `openai_create_assistant, { model = "gpt-4.1-nano", name = "x" }`
	statelessCall = `openai_chat_completion, { model = "gpt-4.1-nano", messages = { { role = "user", content = "hi" } } }`
	miniChatCall  = `openai_chat_completion, { model = "gpt-4.1-nano", messages = { { role = "user", content = "hi" } } }`
)

// faultCase is one fault and what a script must see.
type faultCase struct {
	name  string
	cfg   rigConfig
	call  string
	fault openaitest.Fault
	// What the call gives: success, or an error table with these fields.
	ok        bool
	status    int // for errors; 0 means the field is absent
	errType   string
	retryable bool
	// attempts is how many requests were made (for errors also the table's
	// attempts field); sent is how many the fake received (the transport
	// may add one on a reset, see Fault.Reset).
	attempts, sent int
	// check, if set, looks further at the result and the fake.
	check func(t *testing.T, r *faultRig, result any)
}

func faultCases() []faultCase {
	quick := rigConfig{timeout: 300 * time.Millisecond, retries: 1}
	h := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	const models, assistants, chat = "/v1/models", "/v1/assistants", "/v1/chat/completions"
	return []faultCase{
		{name: "429 Retry-After seconds, then ok", call: readCall, fault: openaitest.Fault{Path: models, Status: 429, Times: 1, Header: h("Retry-After", "0")},
			ok: true, attempts: 2, sent: 2},
		{name: "429 retry-after-ms twice, create still ok", call: createCall, fault: openaitest.Fault{Path: assistants, Status: 429, Times: 2, Header: h("retry-after-ms", "5")},
			ok: true, attempts: 3, sent: 3, check: assistantCount(1)},
		{name: "429 Retry-After beyond a minute falls back to backoff", call: readCall, fault: openaitest.Fault{Path: models, Status: 429, Times: 1, Header: h("Retry-After", "3600")},
			ok: true, attempts: 2, sent: 2},
		{name: "429 always", call: readCall, fault: openaitest.Fault{Path: models, Status: 429, Header: h("retry-after-ms", "1")},
			status: 429, errType: "requests", retryable: true, attempts: 3, sent: 3},
		{name: "500 once, read retried", call: readCall, fault: openaitest.Fault{Path: models, Status: 500, Times: 1},
			ok: true, attempts: 2, sent: 2},
		{name: "500 once, stateless write retried", call: statelessCall, fault: openaitest.Fault{Path: chat, Status: 500, Times: 1},
			ok: true, attempts: 2, sent: 2},
		{name: "500 once, create not retried", call: createCall, fault: openaitest.Fault{Path: assistants, Status: 500, Times: 1},
			status: 500, errType: "server_error", retryable: false, attempts: 1, sent: 1},
		{name: "502 always, read", call: readCall, fault: openaitest.Fault{Path: models, Status: 502},
			status: 502, errType: "server_error", retryable: true, attempts: 3, sent: 3},
		{name: "502 from a proxy with an HTML body", call: readCall, fault: openaitest.Fault{Path: models, Status: 502, Body: "<html>502 Bad Gateway</html>", Header: h("Content-Type", "text/html")},
			status: 502, errType: "api_error", retryable: true, attempts: 3, sent: 3},
		{name: "503 once, create retried", call: createCall, fault: openaitest.Fault{Path: assistants, Status: 503, Times: 1},
			ok: true, attempts: 2, sent: 2, check: assistantCount(1)},
		{name: "503 with x-should-retry false", call: readCall, fault: openaitest.Fault{Path: models, Status: 503, Header: h("x-should-retry", "false")},
			status: 503, errType: "server_error", retryable: false, attempts: 1, sent: 1},
		{name: "500 with x-should-retry true, create retried", call: createCall, fault: openaitest.Fault{Path: assistants, Status: 500, Times: 1, Header: h("x-should-retry", "true")},
			ok: true, attempts: 2, sent: 2, check: assistantCount(1)},
		{name: "per model: 500 for gpt-4o-mini only", call: miniChatCall, fault: openaitest.Fault{Model: "gpt-4.1-nano", Status: 500},
			status: 500, errType: "server_error", retryable: true, attempts: 3, sent: 3},
		{name: "connection reset once, read retried", call: readCall, fault: openaitest.Fault{Path: models, Reset: true, Times: 1},
			ok: true, attempts: 2, sent: 2},
		{name: "connection reset always, read", call: readCall, fault: openaitest.Fault{Path: models, Reset: true},
			errType: "connection_error", retryable: true, attempts: 3, sent: 3},
		{name: "connection reset, create not retried", call: createCall, fault: openaitest.Fault{Path: assistants, Reset: true, Times: 1},
			errType: "connection_error", retryable: false, attempts: 1, sent: 1},
		{name: "headers never come, read", cfg: quick, call: readCall, fault: openaitest.Fault{Path: models, Hang: true},
			errType: "connection_error", retryable: true, attempts: 2, sent: 2},
		{name: "headers never come, create not retried", cfg: quick, call: createCall, fault: openaitest.Fault{Path: assistants, Hang: true},
			errType: "connection_error", retryable: false, attempts: 1, sent: 1},
		{name: "body trickles within the attempt timeout", call: readCall, fault: openaitest.Fault{Path: models, Trickle: 160 * time.Millisecond},
			ok: true, attempts: 1, sent: 1},
		{name: "body trickles past the attempt timeout", cfg: quick, call: readCall, fault: openaitest.Fault{Path: models, Trickle: time.Hour},
			errType: "connection_error", retryable: true, attempts: 2, sent: 2},
		{name: "slow headers within the attempt timeout", call: readCall, fault: openaitest.Fault{Path: models, Delay: 50 * time.Millisecond, Times: 1},
			ok: true, attempts: 1, sent: 1},
		{name: "truncated body once, read retried", call: readCall, fault: openaitest.Fault{Path: models, Truncate: true, Times: 1},
			ok: true, attempts: 2, sent: 2},
		{name: "truncated body, create not retried", call: createCall, fault: openaitest.Fault{Path: assistants, Truncate: true, Times: 1},
			errType: "connection_error", retryable: false, attempts: 1, sent: 1,
			// The fake did create it: a retry would have made a second one.
			check: assistantCount(1)},
		{name: "malformed JSON with 200", call: readCall, fault: openaitest.Fault{Path: models, Malformed: true},
			status: 200, errType: "invalid_response", retryable: false, attempts: 1, sent: 1},
		{name: "malformed JSON with 200, create", call: createCall, fault: openaitest.Fault{Path: assistants, Malformed: true, Times: 1},
			status: 200, errType: "invalid_response", retryable: false, attempts: 1, sent: 1},
		{name: "oversized body", cfg: rigConfig{timeout: 5 * time.Second, retries: 2, maxBytes: 64 << 10}, call: readCall,
			fault:  openaitest.Fault{Path: models, Oversize: 32 << 20},
			status: 200, errType: "invalid_response", retryable: false, attempts: 1, sent: 1},
		{name: "error body echoes the request headers", call: readCall, fault: openaitest.Fault{Path: models, EchoHeaders: true},
			status: 400, errType: "invalid_request_error", retryable: false, attempts: 1, sent: 1,
			check: func(t *testing.T, _ *faultRig, res any) {
				m := res.(map[string]any)
				assert.Contains(t, m["message"], "Authorization: Bearer sk-…8c0e", "the key is shown redacted")
				assert.Equal(t, "Bearer sk-…8c0e", m["param"])
				assert.Equal(t, "sk-…8c0e", m["code"])
				assert.Contains(t, m["request_id"], "sk-…8c0e")
			}},
		{name: "error body echoes the headers, 500, read retried", call: readCall, fault: openaitest.Fault{Path: models, EchoHeaders: true, Status: 500},
			status: 500, errType: "invalid_request_error", retryable: true, attempts: 3, sent: 3},
		{name: "success body echoes the request headers", call: readCall, fault: openaitest.Fault{Path: models, EchoHeaders: true, Status: 200},
			ok: true, attempts: 1, sent: 1,
			check: func(t *testing.T, _ *faultRig, res any) {
				headers := res.(map[string]any)["headers"].(map[string]any)
				assert.Equal(t, "Bearer sk-…8c0e", headers["Authorization"])
			}},
	}
}

// assistantCount checks how many assistants the fake holds.
func assistantCount(n int) func(t *testing.T, r *faultRig, _ any) {
	return func(t *testing.T, r *faultRig, _ any) {
		t.Helper()
		r.fake.ClearFaults()
		res, err := r.vm.Run(context.Background(), "count.lua", `return #app.integrations.openai.openai_list_assistants().data`)
		require.NoError(t, err)
		assert.Equal(t, []any{float64(n)}, res, "assistants at the provider")
	}
}

// faultFigure is one row of the summary the test logs for the docs.
type faultFigure struct {
	name, outcome string
	attempts      int
	elapsed       time.Duration
}

// TestFaults runs one call against each injected fault and checks that it
// succeeds after bounded retries or raises a structured error table within
// the configured time, that the audit log has its line, that no goroutine is
// left behind and that the canary key appears nowhere.
func TestFaults(t *testing.T) {
	var figures []faultFigure
	for _, tc := range faultCases() {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			if cfg.timeout == 0 {
				cfg = defaultRig()
			}
			cfg.native = strings.HasPrefix(tc.call, "openai_create_assistant")
			before := goroutineBaseline()
			r := newFaultRig(cfg)
			serving := goroutineBaseline()
			defer r.closeCheckingLeaks(t, before, serving)
			r.fake.InjectFault(tc.fault)

			// The worst case is every attempt timing out, plus backoff.
			bound := time.Duration(cfg.retries+1)*cfg.timeout + 20*time.Second
			ctx, cancel := context.WithTimeout(context.Background(), bound)
			defer cancel()
			start := time.Now()
			res, err := r.vm.Run(ctx, "fault.lua", fmt.Sprintf(`
				local ok, r = pcall(app.integrations.openai.%s)
				return ok, r, tostring(r)`, tc.call))
			elapsed := time.Since(start)
			require.NoError(t, err, "the script itself must not fail")
			require.Len(t, res, 3)
			assert.Less(t, elapsed, bound, "bounded by the attempts and timeouts")

			lines := r.auditLines(t)
			require.Len(t, lines, 1, "one audit line per call")
			line := lines[0]
			assert.Equal(t, tc.attempts, line.Attempts, "attempts in the audit line")
			assert.Len(t, r.fake.Requests(), tc.sent, "requests the fake received")

			if tc.ok {
				require.Equal(t, true, res[0], "call failed: %v", res[2])
				assert.Equal(t, audit.OutcomeOK, line.Outcome)
				assert.Equal(t, 200, line.Status)
			} else {
				require.Equal(t, false, res[0], "call should fail: %v", res[1])
				e, isTable := res[1].(map[string]any)
				require.True(t, isTable, "a structured error table, got %T %v", res[1], res[1])
				assert.Equal(t, tc.errType, e["type"], "type: %v", e["message"])
				assert.Equal(t, tc.retryable, e["retryable"], "retryable")
				assert.Equal(t, float64(tc.attempts), e["attempts"], "attempts")
				assert.Equal(t, "work", e["account"])
				assert.NotEmpty(t, e["function"])
				assert.NotEmpty(t, e["message"])
				if tc.status > 0 {
					assert.Equal(t, float64(tc.status), e["status"])
				} else {
					assert.NotContains(t, e, "status")
				}
				assert.Equal(t, tc.status, line.Status, "status in the audit line")
				assert.NotEqual(t, audit.OutcomeOK, line.Outcome)
			}
			if tc.check != nil {
				tc.check(t, r, res[1])
			}

			// The key reached the fake (and some faults echoed it back)…
			require.NotEmpty(t, r.fake.Requests())
			assert.Equal(t, "Bearer "+canaryKey, r.fake.Requests()[0].Header.Get("Authorization"))
			// …and appears nowhere the script or the logs can see.
			assertNoCanary(t, fmt.Sprintf("%#v", res), r.out.String(), r.audit.String())
			figures = append(figures, faultFigure{tc.name, line.Outcome, line.Attempts, elapsed})
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| fault | outcome | attempts | ms |\n|---|---|---|---|\n")
	succeeded, retried := 0, 0
	for _, f := range figures {
		fmt.Fprintf(&b, "| %s | %s | %d | %d |\n", f.name, f.outcome, f.attempts, f.elapsed.Milliseconds())
		if f.outcome == audit.OutcomeOK {
			succeeded++
			if f.attempts > 1 {
				retried++
			}
		}
	}
	fmt.Fprintf(&b, "faults: %d cases; %d calls succeeded (%d after retries), %d raised a structured error; 0 hung, 0 goroutines left, 0 canary sightings\n",
		len(figures), succeeded, retried, len(figures)-succeeded)
	t.Log(b.String())
}

// assertNoCanary fails if any of the texts holds the canary key or a part of
// it long enough to matter.
func assertNoCanary(t *testing.T, texts ...string) {
	t.Helper()
	secret := strings.TrimPrefix(canaryKey, "sk-")
	for _, s := range texts {
		assert.NotContains(t, s, canaryKey)
		assert.NotContains(t, s, secret[:16], "a prefix of the key")
		assert.NotContains(t, s, secret[len(secret)-16:], "a suffix of the key")
	}
}

// TestStopDuringFaults: a script stopped (Ctrl-C, --timeout) while a call
// hangs, trickles or waits to retry returns at once with the stop, even
// though the attempt timeout is an hour, and leaves nothing running.
func TestStopDuringFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault openaitest.Fault
	}{
		{"headers never come", openaitest.Fault{Hang: true}},
		{"body trickles", openaitest.Fault{Trickle: time.Hour}},
		{"long retry wait", openaitest.Fault{Status: 503, Header: map[string]string{"Retry-After": "59"}}},
		{"slow headers", openaitest.Fault{Delay: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := goroutineBaseline()
			r := newFaultRig(rigConfig{timeout: time.Hour, retries: 2})
			serving := goroutineBaseline()
			defer r.closeCheckingLeaks(t, before, serving)
			r.fake.InjectFault(tt.fault)
			// Stop the script 100 ms after its request reached the fake.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				defer cancel()
				for deadline := time.Now().Add(10 * time.Second); len(r.fake.Requests()) == 0 && time.Now().Before(deadline); {
					time.Sleep(5 * time.Millisecond)
				}
				time.Sleep(100 * time.Millisecond)
			}()
			start := time.Now()
			_, err := r.vm.Run(ctx, "stop.lua", `local ok, e = pcall(app.integrations.openai.openai_list_models); return ok, e`)
			require.ErrorIs(t, err, context.Canceled, "pcall cannot swallow the stop")
			assert.Less(t, time.Since(start), 15*time.Second, "the hour-long fault was cut short")
			require.NotEmpty(t, r.fake.Requests())
			lines := r.auditLines(t)
			require.Len(t, lines, 1)
			assert.Equal(t, audit.OutcomeCancelled, lines[0].Outcome)
			assertNoCanary(t, err.Error(), r.out.String(), r.audit.String())
		})
	}
}

// TestOversizedAnswerMemoryIsBounded: reading stops at the size cap, so a
// huge answer costs about the cap, not its size.
func TestOversizedAnswerMemoryIsBounded(t *testing.T) {
	const capBytes, size = 1 << 20, 256 << 20
	r := newFaultRig(rigConfig{timeout: time.Minute, retries: 2, maxBytes: capBytes})
	defer r.close()
	r.fake.InjectFault(openaitest.Fault{Path: "/v1/models", Oversize: size})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := r.vm.Run(context.Background(), "big.lua", `local ok, e = pcall(app.integrations.openai.openai_list_models); return ok, e.type, e.retryable`)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	assert.Equal(t, []any{false, "invalid_response", false}, res)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d MiB answer with a %d MiB cap allocated %.1f MiB in this process", size>>20, capBytes>>20, float64(allocated)/(1<<20))
	assert.Less(t, allocated, uint64(size/4), "allocation follows the cap, not the answer")
}

// writeCalls are valid arguments for every write function.
var writeCalls = map[string]string{
	"openai_chat_completion":       `{ model = "gpt-4.1-nano", messages = { { role = "user", content = "hi" } } }`,
	"openai_create_embedding":      `{ model = "text-embedding-3-small", input = "x" }`,
	"openai_create_image":          `{ prompt = "a cat" }`,
	"openai_transcribe_audio":      `{ file_content = "UklGRg==", filename = "a.wav", model = "whisper-1" }`,
	"openai_text_to_speech":        `{ model = "tts-1", input = "hi", voice = "alloy" }`,
	"openai_create_assistant":      `{ model = "gpt-4.1-nano" }`,
	"openai_create_thread":         `{}`,
	"openai_add_message_to_thread": `{ thread_id = "thread_1", role = "user", content = "x" }`,
	"openai_create_run":            `{ thread_id = "thread_1", assistant_id = "asst_1" }`,
	"openai_upload_file":           `{ file_content = "eA==", filename = "x.txt", purpose = "assistants" }`,
}

// TestPolicyStopsEveryWriteBeforeSending: read-only (host or account) refuses
// every write with a policy error and dry-run returns its plan, with nothing
// sent and no key shown; reads still go out.
func TestPolicyStopsEveryWriteBeforeSending(t *testing.T) {
	var writes []string
	for _, fn := range openai.New().Functions {
		if fn.Operation == integration.Write {
			writes = append(writes, fn.Name)
		}
	}
	require.Len(t, writeCalls, len(writes), "a test call for every write function")
	modes := []struct {
		name string
		cfg  rigConfig
	}{
		{"--read-only", rigConfig{timeout: 5 * time.Second, readOnly: true}},
		{"account read_only", rigConfig{timeout: 5 * time.Second, accountReadOnly: true}},
		{"--dry-run", rigConfig{timeout: 5 * time.Second, dryRun: true}},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			r := newFaultRig(mode.cfg)
			defer r.close()
			for _, name := range writes {
				args, ok := writeCalls[name]
				require.True(t, ok, "no test call for %s", name)
				res, err := r.vm.Run(context.Background(), "policy.lua", fmt.Sprintf(`
					local ok, r = pcall(app.integrations.openai.%s, %s)
					return ok, r, tostring(r)`, name, args))
				require.NoError(t, err, name)
				m, isTable := res[1].(map[string]any)
				require.True(t, isTable, "%s: %v", name, res[1])
				switch {
				case mode.cfg.dryRun && name == "openai_create_assistant":
					require.Equal(t, true, res[0], "%s: %v", name, res[2])
					assert.Equal(t, true, m["dry_run"], name)
					assert.Nil(t, m["method"], "an assistant is kept by kosmo: no request")
					assert.NotNil(t, m["store"], "what would be stored")
				case mode.cfg.dryRun && name == "openai_create_run":
					require.Equal(t, false, res[0], "a dry run of a run needs its assistant: %v", res[2])
					assert.Equal(t, float64(404), m["status"])
					assert.Equal(t, "assistant_id", m["param"])
				case mode.cfg.dryRun:
					require.Equal(t, true, res[0], "%s: %v", name, res[2])
					assert.Equal(t, true, m["dry_run"], name)
					assert.Equal(t, "POST", m["method"], name)
					assert.True(t, strings.HasPrefix(m["url"].(string), r.fake.BaseURL()+"/"), name)
				default:
					require.Equal(t, false, res[0], name)
					assert.Equal(t, "policy_error", m["type"], name)
					assert.Contains(t, m["message"], "refused: this is a write operation", name)
				}
				assertNoCanary(t, fmt.Sprintf("%#v", res))
			}
			assert.Empty(t, r.fake.Requests(), "no write was sent")
			_, err := r.vm.Run(context.Background(), "read.lua", `return app.integrations.openai.openai_list_models()`)
			require.NoError(t, err, "reads still go out")
			assert.Len(t, r.fake.Requests(), 1)
		})
	}
}
