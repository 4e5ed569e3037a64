package luabridge_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
	"github.com/kosmo-run/kosmo/store/sqlite"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// Keys of the two test accounts; each fake accepts only its own.
const (
	personalKey = "sk-personal-test-key-aaaaaaaaaaaa"
	workKey     = "sk-work-test-key-bbbbbbbbbbbbbbbb"
)

// harness is two fakes and a VM whose default account "personal" uses fake
// "a" and whose account "work" uses fake "b".
type harness struct {
	a, b *openaitest.Server
	vm   *luabridge.VM
	out  *bytes.Buffer
}

func newHarness(t *testing.T, mutate func(*luabridge.Options)) *harness {
	t.Helper()
	return newHarnessMode(t, openai.AssistantsResponses, mutate)
}

// newHarnessMode is newHarness with both accounts on one assistants
// backend: responses (today's API; the fakes serve no Assistants endpoint)
// or native (the fakes serve Assistants v2).
func newHarnessMode(t *testing.T, mode string, mutate func(*luabridge.Options)) *harness {
	t.Helper()
	fakeOpts := []openaitest.Option{}
	if mode == openai.AssistantsNative {
		fakeOpts = append(fakeOpts, openaitest.WithLegacyAssistants())
	}
	h := &harness{
		a:   openaitest.NewServer(append(fakeOpts, openaitest.WithAPIKeys(personalKey))...),
		b:   openaitest.NewServer(append(fakeOpts, openaitest.WithAPIKeys(workKey))...),
		out: &bytes.Buffer{},
	}
	t.Cleanup(h.a.Close)
	t.Cleanup(h.b.Close)
	client := integration.NewClient()
	client.Backoff = func(int) time.Duration { return time.Millisecond }
	settings := map[string]string{openai.SettingAssistants: mode}
	db, err := sqlite.Open(context.Background(), ":memory:")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	opts := luabridge.Options{
		Integrations: []*integration.Integration{openai.New()},
		Accounts: accounts.Config{"openai": {Default: "personal", Accounts: []*integration.Account{
			{Name: "personal", Key: integration.NewSecret(personalKey), BaseURL: h.a.BaseURL(), Settings: settings},
			{Name: "work", Key: integration.NewSecret(workKey), BaseURL: h.b.BaseURL(), Organization: "org-work", Project: "proj_work", Settings: settings},
		}}},
		Client: client,
		Stdout: h.out,
		Store:  db,
	}
	if mutate != nil {
		mutate(&opts)
	}
	h.vm = luabridge.New(opts)
	t.Cleanup(h.vm.Close)
	h.vm.L.SetGlobal("MODE", lua.LString(mode))
	h.vm.L.SetGlobal("__fake_requests", h.vm.L.NewFunction(func(L *lua.LState) int {
		srv := h.a
		if L.CheckString(1) == "b" {
			srv = h.b
		}
		data, err := json.Marshal(describeRequests(srv.Requests()))
		if err != nil {
			L.RaiseError("%v", err)
		}
		L.Push(lua.LString(data))
		return 1
	}))
	return h
}

// recorded is a fake's request as Lua tests see it.
type recorded struct {
	Method  string                  `json:"method"`
	Path    string                  `json:"path"`
	Query   map[string]string       `json:"query"`
	Headers map[string]string       `json:"headers"`
	Body    string                  `json:"body"`
	JSON    any                     `json:"json"`
	Parts   map[string]recordedPart `json:"parts,omitempty"`
}

type recordedPart struct {
	Filename    string `json:"filename,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Base64      string `json:"base64"`
	Text        string `json:"text"`
}

func describeRequests(reqs []openaitest.Request) []recorded {
	out := make([]recorded, 0, len(reqs))
	for _, r := range reqs {
		rec := recorded{Method: r.Method, Path: r.Path, Query: map[string]string{}, Headers: map[string]string{}, Body: string(r.Body)}
		for k, v := range r.Header {
			rec.Headers[strings.ToLower(k)] = v[0]
		}
		if q, err := parseQuery(r.RawQuery); err == nil {
			rec.Query = q
		}
		_ = json.Unmarshal(r.Body, &rec.JSON)
		if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
			rec.Parts = parseParts(r.Body, params["boundary"])
			rec.Body = ""
		}
		out = append(out, rec)
	}
	return out
}

func parseParts(body []byte, boundary string) map[string]recordedPart {
	parts := map[string]recordedPart{}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return parts
		}
		data, _ := io.ReadAll(p)
		parts[p.FormName()] = recordedPart{Filename: p.FileName(), ContentType: p.Header.Get("Content-Type"),
			Base64: base64.StdEncoding.EncodeToString(data), Text: string(data)}
	}
}

// TestLua runs every Test* function of testdata/lua/*_test.lua as a subtest,
// each in a fresh VM against fresh fakes.
func TestLua(t *testing.T) {
	prelude, err := os.ReadFile("../testdata/lua/prelude.lua")
	require.NoError(t, err)
	files, err := filepath.Glob("../testdata/lua/*_test.lua")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		script := string(prelude) + "\n" + string(src)
		names := testNames(t, script)
		require.NotEmpty(t, names, file)
		dates := fakeDates(t, script)
		// The assistants functions run against both of their backends.
		modes := []string{openai.AssistantsResponses}
		if strings.HasPrefix(filepath.Base(file), "assistants") {
			modes = append(modes, openai.AssistantsNative)
		}
		for _, mode := range modes {
			t.Run(filepath.Base(file)+"/"+mode, func(t *testing.T) {
				for _, name := range names {
					t.Run(name, func(t *testing.T) {
						if day := dates[name]; day != "" {
							t.Setenv(openaitest.DateEnv, day)
						}
						h := newHarnessMode(t, mode, nil)
						ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
						defer cancel()
						_, err := h.vm.Run(ctx, filepath.Base(file), script+"\n"+name+"()")
						require.NoError(t, err, "output:\n%s", h.out.String())
					})
				}
			})
		}
	}
}

// testNames lists the global Test* functions a script defines, sorted.
func testNames(t *testing.T, script string) []string {
	h := newHarness(t, nil)
	_, err := h.vm.Run(context.Background(), "discover", script)
	require.NoError(t, err)
	var names []string
	h.vm.L.G.Global.ForEach(func(k, v lua.LValue) {
		if s, ok := k.(lua.LString); ok && strings.HasPrefix(string(s), "Test") && v.Type() == lua.LTFunction {
			names = append(names, string(s))
		}
	})
	sort.Strings(names)
	return names
}

// fakeDates reads the script's global FAKE_DATES, { TestName = "YYYY-MM-DD" }:
// the day the fakes of that test run on (a test of a model that OpenAI
// shuts down runs before its date).
func fakeDates(t *testing.T, script string) map[string]string {
	h := newHarness(t, nil)
	_, err := h.vm.Run(context.Background(), "discover", script)
	require.NoError(t, err)
	dates := map[string]string{}
	if tbl, ok := h.vm.L.G.Global.RawGetString("FAKE_DATES").(*lua.LTable); ok {
		tbl.ForEach(func(k, v lua.LValue) { dates[k.String()] = v.String() })
	}
	return dates
}

func parseQuery(raw string) (map[string]string, error) {
	values, err := url.ParseQuery(raw)
	out := map[string]string{}
	for k, v := range values {
		out[k] = v[0]
	}
	return out, err
}
