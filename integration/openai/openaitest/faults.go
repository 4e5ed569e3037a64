package openaitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault describes a misbehaviour of the fake, for testing clients: an error
// status, a slow or missing answer, a dropped connection, a body that is cut
// short, trickles, is not JSON, is huge or echoes the request's headers.
// Inject it with [Handler.InjectFault].
//
// Selection: a fault applies to the requests that match Method, Path and
// Model, counted from the moment it is injected: from the Nth on, every
// Every-th, at most Times times. Faults are checked in the order they were
// injected and the first one due answers the request; every fault counts the
// requests it matches, whether or not it answers them.
//
// Effects combine in this order: Delay; then Hang or Reset; else the answer
// (Oversize's padded body, the fault's own if Status != 0 or EchoHeaders,
// else the endpoint's), whose body is then broken by Truncate or Malformed
// and sent slowly by Trickle.
type Fault struct {
	// Method and Path select the requests affected: an exact method such as
	// "POST" and an exact path such as "/v1/chat/completions" (unescaped or
	// escaped form). An empty field matches anything.
	Method, Path string
	// Model, if set, selects only requests whose body names this model: the
	// "model" field of a JSON body or of a multipart form.
	Model string
	// Nth is the number of the first matching request the fault applies to,
	// counted from 1 since the fault was injected; 0 means the first.
	Nth int
	// Every, if above 1, applies the fault to every Every-th matching
	// request from the Nth on (Nth, Nth+Every, …) and lets the others by.
	Every int
	// Times is how many requests the fault applies to; 0 means every one
	// due until [Handler.ClearFaults].
	Times int
	// Status, if not 0, is answered instead of the endpoint's answer, with
	// Header and Body. An empty Body gets the error body the real API sends
	// for that status (for 429: type "requests", code "rate_limit_exceeded").
	// Content-Type is application/json unless Header sets it.
	Status int
	Header map[string]string
	Body   string
	// Delay is waited before anything else; it ends early, with no answer,
	// if the client goes away (the request's context is done).
	Delay time.Duration
	// Hang sends nothing at all, not even the status line, until the client
	// gives up or the server is closed: headers that never come.
	Hang bool
	// Reset closes the connection without answering (with TCP RST where
	// possible). Note that Go's http.Transport retries an idempotent
	// request once on a reused connection that fails this way, so a
	// one-time Reset of a GET may go unnoticed by such a client.
	Reset bool
	// Truncate sends the answer with its full Content-Length declared but
	// only the first half of the body, then closes the connection: the
	// client reads io.ErrUnexpectedEOF.
	Truncate bool
	// Malformed sends the answer with its last byte cut off (and a
	// Content-Length that says so): a complete HTTP answer whose JSON body
	// does not parse. With Status 0 the status is the endpoint's, 200 for a
	// valid request.
	Malformed bool
	// Trickle sends the answer's headers at once, then its body in
	// [TricklePieces] equal pieces (fewer for a tiny body), one every
	// Trickle/TricklePieces: the whole body takes Trickle. It stops when the
	// client goes away.
	Trickle time.Duration
	// Oversize, if above 0, answers (with Status, or 200) a valid JSON body
	// of at least Oversize bytes, {"object":"list","data":[],"padding":"…"},
	// generated as it is sent, so the fake never holds it. It is sent
	// chunked, without Content-Length: a client learns its size only by
	// reading it.
	Oversize int64
	// EchoHeaders answers a body that repeats every request header,
	// Authorization included, as a careless proxy or a debugging server
	// does; the x-request-id header repeats the Authorization header too.
	// With Status >= 400 (or 0, which means 400) the body is an error whose
	// message, param and code hold the headers, the Authorization header and
	// the Bearer token; below 400 it is {"object":"echo","headers":{…}}.
	EchoHeaders bool
}

// TricklePieces is how many pieces a Trickle fault cuts a body into.
const TricklePieces = 16

// faultList holds the injected faults, first injected first matched.
type faultList struct {
	mu      sync.Mutex
	faults  []*activeFault
	applied int // requests a fault answered, for FaultsApplied
}

type activeFault struct {
	Fault
	seen int // matching requests counted since injection
	left int // remaining applications when Times > 0
}

// due reports whether the fault applies to its seen-th matching request.
func (f *activeFault) due() bool {
	first := max(f.Nth, 1)
	if f.seen < first {
		return false
	}
	return f.Every <= 1 || (f.seen-first)%f.Every == 0
}

// take returns the first fault due for r (whose body is body), after every
// fault matching r has counted it.
func (l *faultList) take(r *http.Request, body []byte) (Fault, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var (
		model     string
		modelRead bool
		chosen    *activeFault
	)
	for _, f := range l.faults {
		if f.Method != "" && f.Method != r.Method {
			continue
		}
		if f.Path != "" && f.Path != r.URL.Path && f.Path != r.URL.EscapedPath() {
			continue
		}
		if f.Model != "" {
			if !modelRead {
				model, modelRead = requestModel(r, body), true
			}
			if f.Model != model {
				continue
			}
		}
		f.seen++
		if chosen == nil && f.due() {
			chosen = f
		}
	}
	if chosen == nil {
		return Fault{}, false
	}
	l.applied++
	if chosen.Times > 0 {
		chosen.left--
		if chosen.left == 0 {
			l.faults = slices.DeleteFunc(l.faults, func(f *activeFault) bool { return f == chosen })
		}
	}
	return chosen.Fault, true
}

// requestModel returns the "model" field of a JSON or multipart body, or "".
func requestModel(r *http.Request, body []byte) string {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		rc := r.Clone(r.Context())
		rc.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := readMultipart(rc); err == nil {
			return form.values["model"]
		}
		return ""
	}
	var probe struct {
		Model any `json:"model"`
	}
	if json.Unmarshal(body, &probe) != nil {
		return ""
	}
	s, _ := probe.Model.(string)
	return s
}

// InjectFault adds a fault, applied to matching requests after those
// injected before it are used up. A fault with Times < 0 is ignored.
func (h *Handler) InjectFault(f Fault) {
	if f.Times < 0 {
		return
	}
	f.Header = cloneMap(f.Header)
	h.faults.mu.Lock()
	defer h.faults.mu.Unlock()
	h.faults.faults = append(h.faults.faults, &activeFault{Fault: f, left: f.Times})
}

// ClearFaults removes every injected fault.
func (h *Handler) ClearFaults() {
	h.faults.mu.Lock()
	defer h.faults.mu.Unlock()
	h.faults.faults = nil
}

// FaultsApplied returns how many requests an injected fault has answered
// (or dropped) since the handler was made.
func (h *Handler) FaultsApplied() int {
	h.faults.mu.Lock()
	defer h.faults.mu.Unlock()
	return h.faults.applied
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// sleep waits d, or less if ctx is done first; it reports whether the whole
// delay passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// serveFault answers r according to f; next answers it normally.
func serveFault(w http.ResponseWriter, r *http.Request, f Fault, next http.Handler) {
	if !sleep(r.Context(), f.Delay) {
		return
	}
	if f.Hang {
		<-r.Context().Done()
		return
	}
	if f.Reset {
		resetConnection(w)
		return
	}
	if f.Truncate || f.Malformed || f.Trickle > 0 {
		bw := &bufferedWriter{ResponseWriter: w, ctx: r.Context(), truncate: f.Truncate, malformed: f.Malformed, trickle: f.Trickle}
		defer bw.finish()
		w = bw
	}
	switch {
	case f.Oversize > 0:
		for k, v := range f.Header {
			w.Header().Set(k, v)
		}
		writeOversize(r.Context(), w, orDefault(f.Status, http.StatusOK), f.Oversize)
	case f.EchoHeaders:
		writeEcho(w, r, f)
	case f.Status != 0:
		writeFault(w, f)
	default:
		next.ServeHTTP(w, r)
	}
}

// orDefault returns v, or def when v is 0.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// writeFault answers the fault's status, headers and body.
func writeFault(w http.ResponseWriter, f Fault) {
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	if f.Body == "" {
		e := faultError(f.Status)
		e.status = f.Status
		writeError(w, e)
		return
	}
	ct := w.Header().Get("Content-Type")
	if ct == "" {
		ct = "application/json"
	}
	writeBytes(w, f.Status, ct, []byte(f.Body))
}

// writeEcho answers a body that repeats r's headers, Authorization included.
func writeEcho(w http.ResponseWriter, r *http.Request, f Fault) {
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	auth := r.Header.Get("Authorization")
	w.Header().Set("x-request-id", "req_echo "+auth)
	status := orDefault(f.Status, http.StatusBadRequest)
	headers := make(map[string]string, len(r.Header))
	lines := make([]string, 0, len(r.Header))
	for _, k := range sortedKeys(r.Header) {
		v := strings.Join(r.Header[k], ", ")
		headers[k] = v
		lines = append(lines, k+": "+v)
	}
	if status < 400 {
		writeJSON(w, status, map[string]any{"object": "echo", "headers": headers})
		return
	}
	_, token, _ := strings.Cut(auth, " ")
	writeError(w, &apiError{
		status:  status,
		message: "Could not process the request with headers " + strings.Join(lines, "; "),
		typ:     "invalid_request_error",
		param:   auth,
		code:    token,
	})
}

// oversizeChunk is how much padding writeOversize writes at a time.
const oversizeChunk = 32 << 10

// writeOversize answers a JSON list padded to at least size bytes, written
// in chunks and never held whole; it stops when ctx ends or a write fails.
func writeOversize(ctx context.Context, w http.ResponseWriter, status int, size int64) {
	const head, tail = `{"object":"list","data":[],"padding":"`, `"}`
	pad := max(size-int64(len(head)+len(tail)), 0)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Length")
	w.WriteHeader(status)
	if _, err := io.WriteString(w, head); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("a"), oversizeChunk)
	for pad > 0 {
		if ctx.Err() != nil {
			return
		}
		n := min(pad, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			return
		}
		pad -= n
	}
	_, _ = io.WriteString(w, tail)
}

// resetConnection drops the client's connection without an answer.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): abort the stream instead.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // RST instead of FIN
	}
	_ = conn.Close()
}

// bufferedWriter buffers a whole answer, then sends it broken as asked:
// Malformed drops its last byte; Truncate declares the full Content-Length,
// sends half the body and drops the connection; Trickle spreads the body
// over time.
type bufferedWriter struct {
	http.ResponseWriter
	ctx       context.Context
	truncate  bool
	malformed bool
	trickle   time.Duration
	status    int
	buf       bytes.Buffer
}

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}

// Flush is a no-op: the body is sent by finish.
func (b *bufferedWriter) Flush() {}

func (b *bufferedWriter) finish() {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	body := b.buf.Bytes()
	if b.malformed {
		body = bytes.TrimRight(body, " \t\r\n")
		if len(body) > 0 {
			body = body[:len(body)-1]
		}
	}
	b.Header().Set("Content-Length", strconv.Itoa(len(body)))
	b.ResponseWriter.WriteHeader(b.status)
	send := body
	if b.truncate {
		send = body[:len(body)/2]
	}
	rc := http.NewResponseController(b.ResponseWriter)
	if b.trickle > 0 {
		_ = rc.Flush()
		piece := max((len(send)+TricklePieces-1)/TricklePieces, 1)
		for len(send) > 0 {
			if !sleep(b.ctx, b.trickle/TricklePieces) {
				return
			}
			n := min(piece, len(send))
			if _, err := b.ResponseWriter.Write(send[:n]); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
			send = send[n:]
		}
	} else {
		_, _ = b.ResponseWriter.Write(send)
	}
	if !b.truncate {
		return
	}
	_ = rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}
