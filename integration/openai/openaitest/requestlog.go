package openaitest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// accessLog writes one line per answered request (see [WithRequestLog]).
// Its lock is shared by every handler configured with the same option, so
// that lines never interleave, even on a writer that is not safe for
// concurrent use.
type accessLog struct {
	mu sync.Mutex
	w  io.Writer
}

// write writes line with a single Write call under the lock. A failing
// writer does not fail the request.
func (l *accessLog) write(line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(line)
}

// logLine renders one request: the time it was answered (UTC, to the
// millisecond), the method, the path without its query, the status ("-"
// when none was sent: the connection was dropped or hijacked before an
// answer), the time taken in milliseconds and the request id the fake gave
// it. Nothing else of the request is written: not its query, not its
// headers (the API key is one), not its body.
func logLine(at time.Time, method, path string, status int, took time.Duration, requestID string) []byte {
	st := "-"
	if status > 0 {
		st = strconv.Itoa(status)
	}
	ms := float64(took.Microseconds()) / 1000
	return fmt.Appendf(nil, "%s %s %s %s %.3fms %s\n",
		at.UTC().Format("2006-01-02T15:04:05.000Z"), method, path, st, ms, requestID)
}

// statusRecorder notes the status an answer was sent with. It unwraps to
// the underlying writer, so http.ResponseController (flushing, hijacking)
// works through it.
type statusRecorder struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (s *statusRecorder) WriteHeader(status int) {
	if s.status == 0 && status >= 200 {
		s.status = status
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Hijack notes that the connection was taken over: what is sent on it is
// not seen here.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(s.ResponseWriter).Hijack()
	if err == nil {
		s.hijacked = true
	}
	return conn, rw, err
}

// sentStatus is the status the client got: the one written; 200 for a
// handler that returned without writing, as net/http then sends; none (0)
// if the handler did not return (it aborted the connection) or hijacked
// the connection before writing one.
func (s *statusRecorder) sentStatus(returned bool) int {
	if s.status != 0 {
		return s.status
	}
	if returned && !s.hijacked {
		return http.StatusOK
	}
	return 0
}
