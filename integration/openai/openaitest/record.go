package openaitest

import (
	"net/http"
	"sync"
)

// Request is a copy of one request the fake received.
type Request struct {
	Method   string
	Path     string // r.URL.EscapedPath(), e.g. "/v1/threads/thread_abc/messages"
	RawQuery string
	Header   http.Header // all headers, Authorization included
	Body     []byte      // the body as read (cut at the size limit for a 413, or at WithMaxRecordedBody)
	BodySize int         // the length of the body as read
}

func (q Request) clone() Request {
	q.Header = q.Header.Clone()
	q.Body = append([]byte(nil), q.Body...)
	return q
}

// requestLog is the ordered log of received requests.
type requestLog struct {
	mu   sync.Mutex
	reqs []Request
}

// add records r with its body; max < 0 keeps everything, else only the max
// most recent requests; maxBody < 0 keeps whole bodies, else their first
// maxBody bytes.
func (l *requestLog) add(r *http.Request, body []byte, max, maxBody int) {
	if max == 0 {
		return
	}
	kept := body
	if maxBody >= 0 && len(kept) > maxBody {
		kept = kept[:maxBody]
	}
	q := Request{
		Method:   r.Method,
		Path:     r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     append([]byte(nil), kept...),
		BodySize: len(body),
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, q)
	if max > 0 && len(l.reqs) > max {
		n := copy(l.reqs, l.reqs[len(l.reqs)-max:])
		clear(l.reqs[n:])
		l.reqs = l.reqs[:n]
	}
}

// Requests returns copies of the requests received so far, oldest first
// (see [WithMaxRecordedRequests] for the bound).
func (h *Handler) Requests() []Request {
	h.log.mu.Lock()
	defer h.log.mu.Unlock()
	out := make([]Request, len(h.log.reqs))
	for i, q := range h.log.reqs {
		out[i] = q.clone()
	}
	return out
}

// ResetRequests forgets the requests received so far.
func (h *Handler) ResetRequests() {
	h.log.mu.Lock()
	defer h.log.mu.Unlock()
	h.log.reqs = nil
}
