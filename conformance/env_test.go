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
	"net/url"
	"os"
	"slices"
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
	"github.com/kosmo-run/kosmo/store"
	"github.com/kosmo-run/kosmo/store/sqlite"
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
// assistants functions call on an account set to "assistants: native";
// resetToday gives the fake as it is by default, without that API. It keeps
// the fake's answers since the last reset, as the fake sent them.
type upstream struct {
	mu      sync.Mutex
	h       *openaitest.Handler
	answers []*answer
}

// answer is what the fake answered one request.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (u *upstream) reset() *openaitest.Handler {
	return u.serve(openaitest.WithLegacyAssistants(), openaitest.WithRetiredModels())
}

func (u *upstream) resetToday() *openaitest.Handler { return u.serve() }

// handler is the fake being served.
func (u *upstream) handler() *openaitest.Handler {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.h
}

func (u *upstream) serve(opts ...openaitest.Option) *openaitest.Handler {
	h := openaitest.NewHandler(append([]openaitest.Option{openaitest.WithAPIKeys(apiKey)}, opts...)...)
	u.mu.Lock()
	defer u.mu.Unlock()
	u.h = h
	u.answers = nil
	return h
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := &answer{}
	u.mu.Lock()
	h := u.h
	u.answers = append(u.answers, a)
	u.mu.Unlock()
	h.ServeHTTP(&teeWriter{ResponseWriter: w, u: u, a: a}, r)
}

// answered is how many requests the fake has answered (or is answering).
func (u *upstream) answered() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.answers)
}

// answersSince returns copies of the answers after the first n.
func (u *upstream) answersSince(n int) []answer {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []answer
	for _, a := range u.answers[min(n, len(u.answers)):] {
		out = append(out, answer{status: a.status, header: a.header.Clone(), body: bytes.Clone(a.body)})
	}
	return out
}

// teeWriter keeps a copy of what the fake writes. The copy is made before
// the bytes go out, so it is complete once the proxy has the answer.
type teeWriter struct {
	http.ResponseWriter
	u *upstream
	a *answer
}

func (w *teeWriter) WriteHeader(code int) {
	w.u.mu.Lock()
	if w.a.status == 0 {
		w.a.status, w.a.header = code, w.ResponseWriter.Header().Clone()
	}
	w.u.mu.Unlock()
	w.ResponseWriter.WriteHeader(code)
}

func (w *teeWriter) Write(p []byte) (int, error) {
	w.u.mu.Lock()
	if w.a.status == 0 {
		w.a.status, w.a.header = http.StatusOK, w.ResponseWriter.Header().Clone()
	}
	w.a.body = append(w.a.body, p...)
	w.u.mu.Unlock()
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (to flush a
// stream, or to hijack it for a fault).
func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

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

// passOn carries a script on today's API past the documented deviations,
// as the real API would, and keeps Prism's refusals:
//
//   - an answer the proxy refused with exactly the violations of a
//     documented answer deviation, and nothing else, is handed to kosmo as
//     the fake gave it. A script meets one at every step of a run (a
//     background response's usage is null until it completes);
//   - a request the proxy refused with exactly the documented request
//     deviation of its InputItems (a message with list content matches
//     two alternatives of the spec's oneOf; see inputItemDeviation), and
//     nothing else, is sent to the fake directly, as kosmo made it. The
//     fake's answer then goes back through the proxy, which checks it: it
//     is replayed (an injected fault) on the same request with the content
//     of those messages given as text, which Prism accepts. kosmo gets the
//     answer as it came through the proxy.
//
// Any other refusal reaches kosmo as Prism gave it.
type passOn struct {
	base   http.RoundTripper
	up     *upstream
	spec   *spec
	direct string // the fake's base URL, ending in /v1
	d      *deviation
	mu     sync.Mutex
	list   []exchange
	// deviated are Prism's refusals of requests with the documented
	// request deviation; replays the indices, among the requests the fake
	// received, of the replays that carried its answers through the proxy.
	deviated []exchange
	replays  []int
}

func (p *passOn) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := requestBody(req)
	if err != nil {
		return nil, err
	}
	before := p.up.answered()
	resp, err := p.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		return p.answer(req, before, resp, err)
	}
	refusal, err := readBody(resp)
	if err != nil {
		return nil, err
	}
	x := exchange{Method: req.Method, URL: req.URL.String(), ReqHeader: req.Header.Clone(), ReqBody: body,
		Status: resp.StatusCode, Header: resp.Header.Clone(), Body: refusal}
	op, _ := p.spec.operation(req.Method, req.URL.Path)
	opID, _ := op["operationId"].(string)
	d := inputItemDeviation(opID, body)
	if d == nil || len(deviationProblems(x, d)) > 0 || p.up.answered() != before {
		return resp, nil
	}
	p.mu.Lock()
	p.deviated = append(p.deviated, x)
	p.mu.Unlock()
	return p.throughDeviation(req, opID, body)
}

// answer hands kosmo the fake's own answer where the proxy refused it with
// exactly the violations of p.d; otherwise the proxy's answer.
func (p *passOn) answer(req *http.Request, before int, resp *http.Response, err error) (*http.Response, error) {
	if err != nil || resp.StatusCode != http.StatusInternalServerError ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		return resp, err
	}
	body, err := readBody(resp)
	if err != nil {
		return nil, err
	}
	x := exchange{Method: req.Method, URL: req.URL.String(), Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body}
	got := p.up.answersSince(before)
	if len(got) != 1 || got[0].status != http.StatusOK || got[0].header.Get("Content-Type") != p.d.contentType ||
		len(deviationProblems(x, p.d)) > 0 {
		return resp, nil
	}
	p.mu.Lock()
	p.list = append(p.list, x)
	p.mu.Unlock()
	a := got[0]
	return &http.Response{
		Status: fmt.Sprintf("%d %s", a.status, http.StatusText(a.status)), StatusCode: a.status,
		Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
		Header: a.header, Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body)), Request: req,
	}, nil
}

// throughDeviation sends a request that Prism refused with the documented
// request deviation to the fake directly, then replays the fake's answer
// through the proxy (see passOn).
func (p *passOn) throughDeviation(req *http.Request, op string, body []byte) (*http.Response, error) {
	u := *req.URL
	target, err := url.Parse(p.direct + u.EscapedPath())
	if err != nil {
		return nil, err
	}
	target.RawQuery = u.RawQuery
	resp, err := p.base.RoundTrip(withBody(req, target, body))
	if err != nil {
		return nil, err
	}
	answer, err := readBody(resp)
	if err != nil {
		return nil, err
	}
	replay, err := replayBody(op, body)
	if err != nil {
		return nil, err
	}
	h := p.up.handler()
	applied, received := h.FaultsApplied(), len(h.Requests())
	h.InjectFault(openaitest.Fault{Method: req.Method, Path: "/v1" + u.EscapedPath(), Status: resp.StatusCode,
		Header: map[string]string{"Content-Type": resp.Header.Get("Content-Type")}, Body: string(answer), Times: 1})
	rreq := withBody(req, &u, replay)
	before := p.up.answered()
	rresp, err := p.base.RoundTrip(rreq)
	if h.FaultsApplied() == applied {
		h.ClearFaults()
		if err == nil {
			_ = rresp.Body.Close()
			err = fmt.Errorf("the proxy answered %d %s", rresp.StatusCode, rresp.Header.Get("Content-Type"))
		}
		return nil, fmt.Errorf("replaying the fake's answer to %s %s through the proxy: it did not reach the fake: %w", req.Method, u.Path, err)
	}
	p.mu.Lock()
	p.replays = append(p.replays, received)
	p.mu.Unlock()
	return p.answer(rreq, before, rresp, err)
}

func (p *passOn) refused() []exchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]exchange(nil), p.list...)
}

func (p *passOn) refusedRequests() []exchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]exchange(nil), p.deviated...)
}

// received leaves the replays out of the requests the fake received.
func (p *passOn) received(all []openaitest.Request) []openaitest.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]openaitest.Request, 0, len(all))
	for i, r := range all {
		if !slices.Contains(p.replays, i) {
			out = append(out, r)
		}
	}
	return out
}

// requestBody reads a request's body without using it up.
func requestBody(req *http.Request) ([]byte, error) {
	if req.GetBody == nil {
		return nil, nil
	}
	b, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return io.ReadAll(b)
}

// readBody reads an answer's body and puts it back.
func readBody(resp *http.Response) ([]byte, error) {
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return data, nil
}

// withBody is req, sent to u with body.
func withBody(req *http.Request, u *url.URL, body []byte) *http.Request {
	r := req.Clone(req.Context())
	r.URL, r.Host = u, ""
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return r
}

// outcome is what one script run gave.
type outcome struct {
	Values    []any
	Err       error
	Exchanges []exchange
	// Received are the requests the fake got during the run.
	Received []openaitest.Request
	// PassedOn are the answers Prism refused with a documented deviation,
	// which kosmo got as the fake gave them (see passOn).
	PassedOn []exchange
	// Deviated are Prism's refusals of requests with the documented
	// request deviation, which the fake got all the same (see passOn).
	Deviated []exchange
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
	// today runs the script on an account with the default assistants
	// backend (today's API: Conversations, Responses and an in-memory
	// store) against the fake as it is by default, without the Assistants
	// API; answers with the documented usage deviation, and requests with
	// the documented InputItem deviation, are carried past Prism (see
	// passOn). Otherwise the account is set to "assistants: native".
	today bool
	// mediaToday runs against a fake that answers the media models OpenAI
	// removed as it does today (404 model_not_found); otherwise it serves
	// them as before (openaitest.WithRetiredModels).
	mediaToday bool
}

// run runs s in a fresh VM whose default account points at s.to, against a
// fresh fake, and returns what happened, every HTTP exchange included.
func (e *env) run(t *testing.T, s script) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var h *openaitest.Handler
	switch {
	case s.today:
		h = e.upstream.resetToday()
	case s.mediaToday:
		h = e.upstream.serve(openaitest.WithLegacyAssistants())
	default:
		h = e.upstream.reset()
	}
	if s.fault != nil {
		h.InjectFault(*s.fault)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	rec := &recorder{base: tr}
	var pass *passOn
	if s.today {
		pass = &passOn{base: tr, up: e.upstream, spec: e.spec, direct: e.urls[direct], d: usageNullDeviation()}
		rec.base = pass
	}
	client := integration.NewClient()
	client.HTTP = &http.Client{Transport: rec}
	client.MaxRetries = -1 // one exchange per call: what the oracle sees is what kosmo sent
	key := apiKey
	if s.key != "" {
		key = s.key
	}
	// The seven assistants functions are checked on the Assistants v2 wire,
	// which the fake serves with WithLegacyAssistants, unless the script
	// runs on today's API: the default backend, with a store of its own.
	acct := &integration.Account{Name: "conformance", Key: integration.NewSecret(key), BaseURL: e.urls[s.to],
		Settings: map[string]string{openai.SettingAssistants: openai.AssistantsNative}}
	var st store.Store
	if s.today {
		acct.Settings = nil
		db, err := sqlite.Open(ctx, sqlite.Memory)
		require.NoError(t, err, "opening an in-memory store")
		defer func() { _ = db.Close() }()
		st = db
	}
	if s.skipValidation { // unchecked: kosmo's media model tables too
		if acct.Settings == nil {
			acct.Settings = map[string]string{}
		}
		acct.Settings[openai.SettingMediaModels] = "none"
	}
	vm := luabridge.New(luabridge.Options{
		Integrations:   []*integration.Integration{openai.New()},
		Accounts:       accounts.Config{openai.Name: {Default: acct.Name, Accounts: []*integration.Account{acct}}},
		Client:         client,
		SkipValidation: s.skipValidation,
		Store:          st,
	})
	defer vm.Close()
	src := "local oa = app.integrations.openai\n" + s.before + "\n" + s.src
	values, err := vm.Run(ctx, "conformance.lua", src)
	o := outcome{Values: values, Err: err, Exchanges: rec.exchanges(), Received: h.Requests()}
	if pass != nil {
		o.PassedOn, o.Deviated, o.Received = pass.refused(), pass.refusedRequests(), pass.received(o.Received)
	}
	return o
}
