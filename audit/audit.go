package audit

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"sync"
	"time"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/luabridge"
)

// Outcomes of a call, as the outcome field of a line names them.
const (
	// OutcomeOK is a call that got a usable answer.
	OutcomeOK = "ok"
	// OutcomeAPIError is an answer with an error status.
	OutcomeAPIError = "api_error"
	// OutcomeConnectionError is a call that got no answer: refused,
	// reset, timed out or cut short.
	OutcomeConnectionError = "connection_error"
	// OutcomeInvalidResponse is an answer that could not be used: not
	// JSON, or larger than the size cap.
	OutcomeInvalidResponse = "invalid_response"
	// OutcomeCancelled is a call stopped because its script was stopped.
	OutcomeCancelled = "cancelled"
	// OutcomeRefused is a call refused before sending: read-only, or an
	// account with no key.
	OutcomeRefused = "refused"
	// OutcomeDryRun is a write planned but not sent (dry run).
	OutcomeDryRun = "dry_run"
	// OutcomeInvalid is a call whose arguments were refused before
	// sending.
	OutcomeInvalid = "invalid"
	// OutcomeError is any other failure.
	OutcomeError = "error"
)

// maxRequestIDLen bounds the request_id field: it comes from the provider.
const maxRequestIDLen = 200

// Line is one audit line.
type Line struct {
	Time        time.Time `json:"time"`
	Integration string    `json:"integration"`
	Account     string    `json:"account"`
	Function    string    `json:"function"`
	Operation   string    `json:"operation"`
	Outcome     string    `json:"outcome"`
	// Status is the HTTP status of the last answer, 0 when none came.
	Status int `json:"status"`
	// Attempts is how many HTTP requests were made, 0 when none was sent.
	Attempts   int     `json:"attempts"`
	DurationMS float64 `json:"duration_ms"`
	RequestID  string  `json:"request_id"`
	// Requests lists each HTTP request of a function that makes its own
	// (the assistants functions on today's API); absent for the others.
	Requests []RequestLine `json:"requests,omitempty"`
	// Notes are what the call did on the script's behalf (a parameter
	// dropped by drop_params).
	Notes []string `json:"notes,omitempty"`
}

// RequestLine is one HTTP request of a call: the endpoint by its template,
// never the ids in its path.
type RequestLine struct {
	Method     string  `json:"method"`
	Endpoint   string  `json:"endpoint"`
	Status     int     `json:"status"`
	Attempts   int     `json:"attempts"`
	DurationMS float64 `json:"duration_ms"`
	RequestID  string  `json:"request_id,omitempty"`
}

// Requests describes each HTTP request of a call (nil when the call does
// not list them).
func Requests(info integration.CallInfo) []RequestLine {
	if info.Requests == nil {
		return nil
	}
	out := make([]RequestLine, len(info.Requests))
	for i, r := range info.Requests {
		out[i] = RequestLine{Method: r.Method, Endpoint: r.Endpoint, Status: r.Status, Attempts: r.Attempts,
			DurationMS: millis(r.Duration), RequestID: truncateID(r.RequestID)}
	}
	return out
}

func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

func truncateID(id string) string {
	if len(id) > maxRequestIDLen {
		return id[:maxRequestIDLen]
	}
	return id
}

// NewLine describes a finished call. err is the call's failure, or nil.
func NewLine(at time.Time, info integration.CallInfo, err error) Line {
	return Line{
		Time:        at.UTC(),
		Integration: info.Integration,
		Account:     info.Account,
		Function:    info.Function,
		Operation:   string(info.Operation),
		Outcome:     Outcome(info, err),
		Status:      info.Status,
		Attempts:    info.Attempts,
		DurationMS:  millis(info.Duration),
		RequestID:   truncateID(info.RequestID),
		Requests:    Requests(info),
		Notes:       info.Notes,
	}
}

// Outcome classifies a finished call; see the Outcome constants.
func Outcome(info integration.CallInfo, err error) string {
	var (
		ae *integration.APIError
		pe *integration.PolicyError
		ve *integration.ValidationError
	)
	switch {
	case err == nil && info.DryRun:
		return OutcomeDryRun
	case err == nil:
		return OutcomeOK
	case errors.As(err, &pe):
		return OutcomeRefused
	case errors.As(err, &ve):
		return OutcomeInvalid
	case errors.As(err, &ae) && ae.Type == integration.TypeCredentials:
		return OutcomeRefused // no key: refused before sending
	case errors.As(err, &ae):
		switch {
		case ae.Type == "invalid_response":
			return OutcomeInvalidResponse
		case ae.Status > 0:
			return OutcomeAPIError
		}
		return OutcomeConnectionError
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return OutcomeCancelled
	}
	return OutcomeError
}

// Writer appends audit lines to an io.Writer, one Write per line, so lines
// from concurrent scripts never interleave. It is safe for concurrent use.
type Writer struct {
	now func() time.Time

	mu     sync.Mutex
	w      io.Writer
	closer io.Closer
	err    error
}

// New returns a Writer appending to w.
func New(w io.Writer) *Writer {
	return &Writer{w: w, now: time.Now}
}

// Open returns a Writer appending to the file at path, created with mode
// 0600 if it does not exist. Close closes the file.
func Open(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	w := New(f)
	w.closer = f
	return w, nil
}

// OpenContext is Open, given up when ctx ends first: opening a FIFO for
// writing waits for a reader, which must not hold up an interrupt.
func OpenContext(ctx context.Context, path string) (*Writer, error) {
	type opened struct {
		w   *Writer
		err error
	}
	done := make(chan opened, 1)
	go func() {
		w, err := Open(path)
		done <- opened{w, err}
	}()
	select {
	case o := <-done:
		return o.w, o.err
	case <-ctx.Done():
		go func() {
			if o := <-done; o.w != nil {
				_ = o.w.Close()
			}
		}()
		return nil, context.Cause(ctx)
	}
}

// OnCall writes the line of one call. Its signature fits
// luabridge.Options.OnCall and kosmo.Options.OnCall.
func (w *Writer) OnCall(c luabridge.CallRecord) { w.Record(c.CallInfo, c.Err) }

// Record writes the line of one finished call; err is its failure or nil.
// A write error is kept and returned by Err and Close; lines after it are
// dropped.
func (w *Writer) Record(info integration.CallInfo, err error) {
	data, merr := json.Marshal(NewLine(w.now(), info, err))
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	if merr != nil {
		w.err = merr
		return
	}
	_, w.err = w.w.Write(append(data, '\n'))
}

// Err returns the first write error, or nil.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close closes the file of a Writer made by Open and returns the first
// write or close error. Lines recorded after Close are dropped.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.err
	if w.closer != nil {
		if cerr := w.closer.Close(); err == nil {
			err = cerr
		}
		w.closer = nil
	}
	if w.err == nil {
		w.err = errClosed
	}
	return err
}

var errClosed = errors.New("audit: writer closed")
