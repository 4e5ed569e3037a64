package openaitest

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault describes a misbehaviour of the fake, for testing clients: an error
// status, a slow answer, a dropped connection or a truncated body. Inject it
// with [Handler.InjectFault]. Effects combine in this order: Delay, then
// Reset, else the answer (the fault's own if Status != 0, else the normal
// one), cut short if Truncate.
type Fault struct {
	// Method and Path select the requests affected: an exact method such as
	// "POST" and an exact path such as "/v1/chat/completions" (unescaped or
	// escaped form). An empty field matches anything.
	Method, Path string
	// Times is how many matching requests the fault applies to; 0 means
	// every one until [Handler.ClearFaults].
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
	// Reset closes the connection without answering (with TCP RST where
	// possible). Note that Go's http.Transport retries an idempotent
	// request once on a reused connection that fails this way, so a
	// one-time Reset of a GET may go unnoticed by such a client.
	Reset bool
	// Truncate sends the answer with its full Content-Length declared but
	// only the first half of the body, then closes the connection: the
	// client reads io.ErrUnexpectedEOF.
	Truncate bool
}

// faultList holds the injected faults, first injected first matched.
type faultList struct {
	mu     sync.Mutex
	faults []*activeFault
}

type activeFault struct {
	Fault
	left int // remaining applications when Times > 0
}

// take returns the first fault matching r and counts one use of it.
func (l *faultList) take(r *http.Request) (Fault, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, f := range l.faults {
		if f.Method != "" && f.Method != r.Method {
			continue
		}
		if f.Path != "" && f.Path != r.URL.Path && f.Path != r.URL.EscapedPath() {
			continue
		}
		if f.Times > 0 {
			f.left--
			if f.left == 0 {
				l.faults = append(l.faults[:i], l.faults[i+1:]...)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
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

// truncatingWriter buffers a whole answer, then sends its headers with the
// full Content-Length but only half of the body, and drops the connection.
type truncatingWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (t *truncatingWriter) WriteHeader(status int) {
	if t.status == 0 {
		t.status = status
	}
}

func (t *truncatingWriter) Write(p []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	return t.buf.Write(p)
}

// Flush is a no-op: the body is sent by finish.
func (t *truncatingWriter) Flush() {}

func (t *truncatingWriter) finish() {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	body := t.buf.Bytes()
	t.Header().Set("Content-Length", strconv.Itoa(len(body)))
	t.ResponseWriter.WriteHeader(t.status)
	_, _ = t.ResponseWriter.Write(body[:len(body)/2])
	rc := http.NewResponseController(t.ResponseWriter)
	_ = rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}
