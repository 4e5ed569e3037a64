package audit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
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
)

const canaryKey = "sk-canary-audit-0123456789abcdef"

func TestOutcome(t *testing.T) {
	tests := []struct {
		name string
		info integration.CallInfo
		err  error
		want string
	}{
		{"ok", integration.CallInfo{Status: 200, Attempts: 1}, nil, audit.OutcomeOK},
		{"dry run", integration.CallInfo{DryRun: true}, nil, audit.OutcomeDryRun},
		{"http error", integration.CallInfo{Status: 404}, &integration.APIError{Status: 404, Type: "invalid_request_error"}, audit.OutcomeAPIError},
		{"connection", integration.CallInfo{Attempts: 3}, &integration.APIError{Type: "connection_error", Err: context.DeadlineExceeded}, audit.OutcomeConnectionError},
		{"not json", integration.CallInfo{Status: 200}, &integration.APIError{Status: 200, Type: "invalid_response"}, audit.OutcomeInvalidResponse},
		{"too large", integration.CallInfo{Status: 200}, &integration.APIError{Status: 200, Type: "invalid_response"}, audit.OutcomeInvalidResponse},
		{"cancelled", integration.CallInfo{}, context.Canceled, audit.OutcomeCancelled},
		{"time limit", integration.CallInfo{}, fmt.Errorf("stopped: %w", context.DeadlineExceeded), audit.OutcomeCancelled},
		{"refused", integration.CallInfo{}, &integration.PolicyError{Function: "f", Message: "read-only"}, audit.OutcomeRefused},
		{"no key", integration.CallInfo{}, &integration.APIError{Function: "f", Type: integration.TypeCredentials, Message: "no key"}, audit.OutcomeRefused},
		{"invalid", integration.CallInfo{}, integration.NewValidationError("f", "thread_id", "an id expected"), audit.OutcomeInvalid},
		{"other", integration.CallInfo{}, errors.New("boom"), audit.OutcomeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, audit.Outcome(tt.info, tt.err))
		})
	}
}

func TestLineHasExactlyTheDocumentedFields(t *testing.T) {
	var buf bytes.Buffer
	w := audit.New(&buf)
	at := time.Now()
	w.Record(integration.CallInfo{
		Integration: "openai", Account: "work", Function: "openai_list_models", Operation: integration.Read,
		Status: 200, Attempts: 2, RequestID: "req_1", Duration: 1500 * time.Microsecond,
	}, nil)
	require.NoError(t, w.Err())
	require.True(t, strings.HasSuffix(buf.String(), "}\n"), "one line: %q", buf.String())
	require.Equal(t, 1, strings.Count(buf.String(), "\n"))

	var m map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"account", "attempts", "duration_ms", "function", "integration", "operation", "outcome", "request_id", "status", "time"}, keys)
	assert.Equal(t, "openai", m["integration"])
	assert.Equal(t, "work", m["account"])
	assert.Equal(t, "openai_list_models", m["function"])
	assert.Equal(t, "read", m["operation"])
	assert.Equal(t, "ok", m["outcome"])
	assert.Equal(t, 200.0, m["status"])
	assert.Equal(t, 2.0, m["attempts"])
	assert.Equal(t, 1.5, m["duration_ms"])
	assert.Equal(t, "req_1", m["request_id"])
	ts, err := time.Parse(time.RFC3339Nano, m["time"].(string))
	require.NoError(t, err)
	assert.WithinDuration(t, at, ts, time.Minute)
	assert.Equal(t, time.UTC, ts.Location())
}

// TestLineNeverHoldsErrorText: an error's message may quote what the provider
// said; the line keeps only its classification.
func TestLineNeverHoldsErrorText(t *testing.T) {
	var buf bytes.Buffer
	w := audit.New(&buf)
	w.Record(integration.CallInfo{Function: "f", Status: 400, RequestID: strings.Repeat("r", 5000)},
		&integration.APIError{Status: 400, Message: "bad key " + canaryKey, Param: canaryKey, Code: canaryKey})
	w.Record(integration.CallInfo{Function: "f"}, errors.New("transport said "+canaryKey))
	assert.NotContains(t, buf.String(), canaryKey)
	assert.NotContains(t, buf.String(), "canary")
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		assert.Less(t, len(line), 600, "the provider's request id is bounded")
	}
}

func TestOpenAppendsAndIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	for range 2 {
		w, err := audit.Open(path)
		require.NoError(t, err)
		w.Record(integration.CallInfo{Function: "f", Status: 200, Attempts: 1}, nil)
		require.NoError(t, w.Close())
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(data), "\n"), "the second Open appended")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	_, err = audit.Open(filepath.Join(t.TempDir(), "missing", "audit.jsonl"))
	require.Error(t, err)
}

type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

func TestWriteErrorIsKept(t *testing.T) {
	fw := &failingWriter{}
	w := audit.New(fw)
	w.Record(integration.CallInfo{Function: "f"}, nil)
	w.Record(integration.CallInfo{Function: "g"}, nil)
	require.EqualError(t, w.Err(), "disk full")
	assert.Equal(t, 1, fw.n, "lines after a failure are dropped")
	require.EqualError(t, w.Close(), "disk full")
}

func TestConcurrentLinesNeverInterleave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	w, err := audit.Open(path)
	require.NoError(t, err)
	const writers, each = 32, 100
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				w.OnCall(luabridge.CallRecord{CallInfo: integration.CallInfo{
					Integration: "openai", Function: fmt.Sprintf("f%d", g), Account: "a", Attempts: i, Status: 200,
				}})
			}
		}()
	}
	wg.Wait()
	require.NoError(t, w.Close())

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	perWriter := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l audit.Line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), "line %q", sc.Text())
		perWriter[l.Function]++
	}
	require.NoError(t, sc.Err())
	require.Len(t, perWriter, writers)
	for fn, n := range perWriter {
		assert.Equal(t, each, n, fn)
	}
}

// TestAuditOfScriptCalls runs a script through the Lua host with the writer
// as OnCall: one line per call, sent or refused, none holding a parameter
// value or the key.
func TestAuditOfScriptCalls(t *testing.T) {
	fake := openaitest.NewServer(openaitest.WithAPIKeys(canaryKey))
	t.Cleanup(fake.Close)
	fake.InjectFault(openaitest.Fault{Path: "/v1/embeddings", Status: 503, Times: 1, Header: map[string]string{"retry-after-ms": "1"}})
	var buf bytes.Buffer
	w := audit.New(&buf)
	client := integration.NewClient()
	t.Cleanup(client.HTTP.CloseIdleConnections)
	vm := luabridge.New(luabridge.Options{
		Integrations: []*integration.Integration{openai.New()},
		Accounts: accounts.Config{"openai": {Default: "work", Accounts: []*integration.Account{
			{Name: "work", Key: integration.NewSecret(canaryKey), BaseURL: fake.BaseURL()},
		}}},
		Client: client,
		OnCall: w.OnCall,
	})
	t.Cleanup(vm.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := vm.Run(ctx, "audit.lua", `
		local oa = app.integrations.openai
		oa.openai_list_models()
		oa.openai_create_embedding{ model = "text-embedding-3-small", input = "PARAM-VALUE-CANARY" }
		pcall(oa.openai_get_run, { thread_id = "thread_PARAMCANARY", run_id = "run_x" })
		pcall(oa.openai_create_assistant, { modle = "typo" }) -- invalid: never sent, audited
	`)
	require.NoError(t, err)
	require.NoError(t, w.Err())

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 4, buf.String())
	var got []audit.Line
	for _, l := range lines {
		var line audit.Line
		require.NoError(t, json.Unmarshal([]byte(l), &line))
		got = append(got, line)
	}
	assert.Equal(t, []string{"openai_list_models", "openai_create_embedding", "openai_get_run", "openai_create_assistant"},
		[]string{got[0].Function, got[1].Function, got[2].Function, got[3].Function})
	assert.Equal(t, []string{"ok", "ok", "api_error", "invalid"}, []string{got[0].Outcome, got[1].Outcome, got[2].Outcome, got[3].Outcome})
	assert.Equal(t, []int{1, 2, 1, 0}, []int{got[0].Attempts, got[1].Attempts, got[2].Attempts, got[3].Attempts})
	assert.Equal(t, 404, got[2].Status)
	assert.Equal(t, "write", got[1].Operation)
	for i, l := range got {
		assert.Equal(t, "openai", l.Integration)
		assert.Equal(t, "work", l.Account)
		if i == 3 {
			continue // refused before sending: no request id, no time
		}
		assert.True(t, strings.HasPrefix(l.RequestID, "req_"), l.RequestID)
		assert.Greater(t, l.DurationMS, 0.0)
	}
	assert.NotContains(t, buf.String(), "CANARY")
	assert.NotContains(t, buf.String(), canaryKey)
	assert.Len(t, fake.Requests(), 4, "the audit's attempts add up to what the server received")
}
