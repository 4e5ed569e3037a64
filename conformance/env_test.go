//go:build conformance

package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
)

// target is where a script's calls go.
type target string

const (
	// proxy is Prism in proxy mode (--errors) in front of the fake: it
	// checks the request, forwards it, and checks the fake's response.
	proxy target = "proxy"
	// mock is Prism in mock mode: it checks the request and answers from
	// the spec. Binary uploads and speech go there, because the proxy
	// re-encodes binary bodies as UTF-8 on their way through.
	mock target = "mock"
	// direct is the fake itself, with no Prism in between.
	direct target = "direct"
)

// apiKey is the key of every account; the fake accepts it, and Prism only
// wants a Bearer token to be there.
const apiKey = openaitest.DefaultAPIKey

// env is what conformance/run.sh started: a Prism proxy whose upstream the
// tests serve, and a Prism mock.
type env struct {
	urls     map[target]string
	upstream *upstream
	spec     *spec
	report   string
}

// newEnv serves the fake where the proxy expects it. It skips the test when
// run.sh did not set up Prism.
func newEnv(t *testing.T) *env {
	t.Helper()
	vars := map[string]string{}
	for _, k := range []string{"KOSMO_CONFORMANCE_PROXY", "KOSMO_CONFORMANCE_MOCK", "KOSMO_CONFORMANCE_UPSTREAM"} {
		vars[k] = os.Getenv(k)
		if vars[k] == "" {
			t.Skipf("%s is not set: these tests need Prism; run them with make conformance", k)
		}
	}
	addr := vars["KOSMO_CONFORMANCE_UPSTREAM"]
	host, _, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1", host, "the fake listens on loopback only")
	l, err := net.Listen("tcp", addr)
	require.NoError(t, err, "serving the fake on %s, where the Prism proxy forwards to", addr)
	up := &upstream{}
	up.reset()
	srv := &http.Server{Handler: up, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	sp, err := loadSpec("../testdata/openapi/openapi.json")
	require.NoError(t, err)
	return &env{
		urls: map[target]string{
			proxy:  vars["KOSMO_CONFORMANCE_PROXY"],
			mock:   vars["KOSMO_CONFORMANCE_MOCK"],
			direct: "http://" + addr + "/v1",
		},
		upstream: up,
		spec:     sp,
		report:   os.Getenv("KOSMO_CONFORMANCE_REPORT"),
	}
}

// upstream serves the fake behind the proxy; reset gives each case a fresh
// one, with no objects, requests or faults. It also serves the Assistants
// API, which OpenAI retired on 2026-08-26 but which kosmo's seven
// assistants functions call on an account set to "assistants: native".
type upstream struct {
	mu sync.Mutex
	h  *openaitest.Handler
}

func (u *upstream) reset() *openaitest.Handler {
	h := openaitest.NewHandler(openaitest.WithAPIKeys(apiKey), openaitest.WithLegacyAssistants())
	u.mu.Lock()
	defer u.mu.Unlock()
	u.h = h
	return h
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	h := u.h
	u.mu.Unlock()
	h.ServeHTTP(w, r)
}

// exchange is one HTTP request kosmo sent and the answer it got.
type exchange struct {
	Method, URL string
	ReqHeader   http.Header
	ReqBody     []byte
	Status      int
	Header      http.Header
	Body        []byte
	Err         error
}

// String describes the exchange for failure messages.
func (x exchange) String() string {
	if x.Err != nil {
		return fmt.Sprintf("%s %s: %v", x.Method, x.URL, x.Err)
	}
	return fmt.Sprintf("%s %s → %d %s %.600s", x.Method, x.URL, x.Status, x.Header.Get("Content-Type"), x.Body)
}

// violations are the problems Prism reported: the sl-violations header,
// or the validation list of its own problem+json answers (422, 500).
func (x exchange) violations() ([]violation, error) {
	var out []violation
	if h := x.Header.Get("sl-violations"); h != "" {
		if err := json.Unmarshal([]byte(h), &out); err != nil {
			return nil, fmt.Errorf("sl-violations is not JSON: %w: %s", err, h)
		}
	}
	if x.fromPrism() {
		var p struct {
			Validation []violation `json:"validation"`
		}
		if err := json.Unmarshal(x.Body, &p); err == nil {
			for _, v := range p.Validation {
				if !containsViolation(out, v) {
					out = append(out, v)
				}
			}
		}
	}
	return out, nil
}

// fromPrism reports whether Prism answered by itself (a problem+json).
func (x exchange) fromPrism() bool {
	return strings.HasPrefix(x.Header.Get("Content-Type"), "application/problem+json")
}

// violation is one problem Prism found.
type violation struct {
	Location []string `json:"location"`
	Severity string   `json:"severity"`
	Code     any      `json:"code,omitempty"`
	Message  string   `json:"message"`
}

func (v violation) String() string {
	s := fmt.Sprintf("[%s] %s: %s", v.Severity, strings.Join(v.Location, "."), v.Message)
	if v.Code != nil {
		s += fmt.Sprintf(" (%v)", v.Code)
	}
	return s
}

func (v violation) equal(w violation) bool {
	return strings.Join(v.Location, ".") == strings.Join(w.Location, ".") && v.Message == w.Message &&
		fmt.Sprint(v.Code) == fmt.Sprint(w.Code) && v.Severity == w.Severity
}

func containsViolation(list []violation, v violation) bool {
	for _, w := range list {
		if w.equal(v) {
			return true
		}
	}
	return false
}

// recorder is an http.RoundTripper that keeps every exchange.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	list []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := exchange{Method: req.Method, URL: req.URL.String(), ReqHeader: req.Header.Clone()}
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err == nil {
			x.ReqBody, _ = io.ReadAll(body)
			_ = body.Close()
		}
	}
	resp, err := r.base.RoundTrip(req)
	if err == nil {
		var data []byte
		data, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
		x.Status, x.Header, x.Body = resp.StatusCode, resp.Header.Clone(), data
	}
	x.Err = err
	r.mu.Lock()
	r.list = append(r.list, x)
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) exchanges() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.list...)
}

// outcome is what one script run gave.
type outcome struct {
	Values    []any
	Err       error
	Exchanges []exchange
	// Received are the requests the fake got during the run.
	Received []openaitest.Request
}

// status is the HTTP status of the error the script raised (0 if none).
func (o outcome) status() int {
	var se *luabridge.ScriptError
	if errors.As(o.Err, &se) {
		if s, ok := se.Fields["status"].(float64); ok {
			return int(s)
		}
	}
	return 0
}

// last is the last exchange: the call of the function under test.
func (o outcome) last() (exchange, bool) {
	if len(o.Exchanges) == 0 {
		return exchange{}, false
	}
	return o.Exchanges[len(o.Exchanges)-1], true
}

// script is Lua run by kosmo; oa is app.integrations.openai.
type script struct {
	to target
	// skipValidation sends the arguments unchecked, for requests that only
	// the oracle may refuse.
	skipValidation bool
	// before runs first (creating a thread, say); src is the call under
	// test, usually "return oa.<function>{...}".
	before, src string
	// fault, when set, is injected into the fresh fake before the run.
	fault *openaitest.Fault
	// key replaces the account's API key when set.
	key string
}

// run runs s in a fresh VM whose default account points at s.to, against a
// fresh fake, and returns what happened, every HTTP exchange included.
func (e *env) run(t *testing.T, s script) outcome {
	t.Helper()
	h := e.upstream.reset()
	if s.fault != nil {
		h.InjectFault(*s.fault)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	rec := &recorder{base: tr}
	client := integration.NewClient()
	client.HTTP = &http.Client{Transport: rec}
	client.MaxRetries = -1 // one exchange per call: what the oracle sees is what kosmo sent
	key := apiKey
	if s.key != "" {
		key = s.key
	}
	vm := luabridge.New(luabridge.Options{
		Integrations: []*integration.Integration{openai.New()},
		// The seven assistants functions are checked on the Assistants v2
		// wire, which the fake serves with WithLegacyAssistants.
		Accounts: accounts.Config{openai.Name: {Default: "conformance", Accounts: []*integration.Account{
			{Name: "conformance", Key: integration.NewSecret(key), BaseURL: e.urls[s.to],
				Settings: map[string]string{openai.SettingAssistants: openai.AssistantsNative}},
		}}},
		Client:         client,
		SkipValidation: s.skipValidation,
	})
	defer vm.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	src := "local oa = app.integrations.openai\n" + s.before + "\n" + s.src
	values, err := vm.Run(ctx, "conformance.lua", src)
	return outcome{Values: values, Err: err, Exchanges: rec.exchanges(), Received: h.Requests()}
}
