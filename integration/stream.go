package integration

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ChunkFunc receives the data of one chunk of a streamed answer (the JSON
// text of one server-sent event, scrubbed of the account's key). It is
// called on the goroutine that made the call, one chunk at a time, in the
// order they arrived; its error ends the call with that error.
type ChunkFunc func(data []byte) error

// StreamStopped is a streamed answer whose reading ended with an error:
// the answer's status was a success and Err is what Request.Stream
// returned (a ChunkFunc's error, a stream cut off, the context's end). It
// is never retried: chunks may already have reached the script.
type StreamStopped struct {
	// Status and Header are the answer's HTTP status and headers: the
	// rate limiter learns from them (x-ratelimit-*) and the call's log
	// keeps its x-request-id, as for an answer read whole.
	Status int
	Header http.Header
	Err    error
}

// Error implements error.
func (e *StreamStopped) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *StreamStopped) Unwrap() error { return e.Err }

// response is what the limiter sees of a stopped stream's answer: its
// status and headers, no body.
func (e *StreamStopped) response() *Response { return &Response{Status: e.Status, Header: e.Header} }

// Bounds of what is read of a stream after its end marker (see
// streamBody).
const (
	drainBytes = 64 << 10
	drainTime  = 100 * time.Millisecond
)

// streamBody hands a successful answer's body to stream as it arrives; a
// body longer than limit reads as a *ResponseTooLargeError. What stream
// returns (the answer assembled, as an answer read whole would hold it)
// is the Response's Body. When stream returns at the stream's end marker,
// what follows is read for at most drainBytes and drainTime, so that the
// connection can serve the next call without a server that keeps it open
// holding the call.
func streamBody(hr *http.Response, limit int64, stream func(io.Reader) ([]byte, error)) (*Response, error) {
	body := &cappedReader{r: hr.Body, left: limit, err: &ResponseTooLargeError{Status: hr.StatusCode, Limit: limit,
		RequestID: hr.Header.Get("x-request-id")}}
	out, err := stream(body)
	if err != nil {
		return nil, &StreamStopped{Status: hr.StatusCode, Header: hr.Header, Err: err}
	}
	drain(hr.Body)
	return &Response{Status: hr.StatusCode, Header: hr.Header, Body: out}, nil
}

// drain reads what is left of body, at most drainBytes within drainTime;
// the caller closes body, which ends a read still waiting.
func drain(body io.Reader) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(io.Discard, io.LimitReader(body, drainBytes))
	}()
	t := time.NewTimer(drainTime)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// cappedReader reads r until left bytes were read, then answers err.
type cappedReader struct {
	r    io.Reader
	left int64
	err  error
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, c.err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// Deliver passes one chunk of a streamed answer, scrubbed of the account's
// key (as it is, and in JSON strings that spell it with escapes), to the
// caller's ChunkFunc (Caller.OnChunk), if any. A key split across chunks
// is the function's to hold back (see KeyHold).
func (x *Exchange) Deliver(data []byte) error {
	if x.chunks == nil {
		return nil
	}
	data = x.Scrub(data)
	if bytes.IndexByte(data, '\\') >= 0 {
		data = scrubEscaped(data, x.acct)
	}
	return x.chunks(data)
}

// StreamError is an *APIError for an error event in a streamed answer:
// type, code, param and message as the event says them, scrubbed of the
// key as an error answer's are; never retried (chunks may already have
// reached the script).
func (x *Exchange) StreamError(status int, typ, code, param, msg string) *APIError {
	e := x.StreamCut(status, msg)
	e.Retryable = false
	if typ != "" {
		e.Type = scrub(typ, x.acct)
	}
	e.Code, e.Param = scrub(code, x.acct), scrub(param, x.acct)
	return e
}

// KeyHold keeps the account's key out of the text a stream delivers in
// pieces (a chat completion's content, one piece per chunk), when the key
// comes split across pieces: Next returns what of the text so far can be
// delivered, and holds back its end while that end could be the start of
// the key. What is held back is shorter than the key, and goes out with the
// next piece (redacted when the two make the key) or by Flush at the end.
// A start of the key no longer than what its redacted form shows anyway
// ("sk-") is not held back: when the key follows, the rest of the redacted
// form is delivered in its place. The key whole in a piece is redacted.
type KeyHold struct {
	key, redacted string
	// shown is how much of the key's start its redacted form shows.
	shown int
	// tail is the end of what was delivered that is a start of the key
	// (at most shown long); held is what was not delivered yet.
	tail, held string
}

// NewKeyHold returns a KeyHold for key; one per text a stream delivers in
// pieces.
func NewKeyHold(key Secret) *KeyHold {
	h := &KeyHold{key: key.Reveal(), redacted: key.Redacted()}
	for h.shown < len(h.key) && h.shown < len(h.redacted) && h.key[h.shown] == h.redacted[h.shown] {
		h.shown++
	}
	return h
}

// KeyHold returns a KeyHold for the account's key.
func (x *Exchange) KeyHold() *KeyHold { return NewKeyHold(x.acct.Key) }

// Next takes the next piece of the text and returns what can be delivered
// now.
func (h *KeyHold) Next(piece string) string {
	if h.key == "" {
		return piece
	}
	// The key in text is replaced by its redacted form; one that starts
	// in tail starts at its beginning (tail is a start of the key no
	// longer than what the redacted form shows), so the redacted text
	// starts with tail too, and what follows tail is delivered.
	text := strings.ReplaceAll(h.tail+h.held+piece, h.key, h.redacted)
	n := 0 // the longest end of text that is a start of the key
	for l := min(len(text), len(h.key)-1); l > 0; l-- {
		if strings.HasSuffix(text, h.key[:l]) {
			n = l
			break
		}
	}
	if n <= h.shown {
		out := text[len(h.tail):]
		h.tail, h.held = text[len(text)-n:], ""
		return out
	}
	// No key can start in what is delivered but in the end held back:
	// that end is the longest that could. When the end covers tail (the
	// key's start, already delivered), tail stays.
	cut := max(len(text)-n, len(h.tail))
	out := text[len(h.tail):cut]
	h.held = text[cut:]
	if cut > len(h.tail) {
		h.tail = ""
	}
	return out
}

// Held reports whether text is held back.
func (h *KeyHold) Held() bool { return h.held != "" }

// Flush returns the text held back, at the end of the text.
func (h *KeyHold) Flush() string {
	out := h.held
	h.tail, h.held = "", ""
	return out
}

// StreamCut is an *APIError for a streamed answer that ended before its
// end marker: type invalid_response, retryable (asking again may succeed,
// but the host does not ask again itself, since chunks may already have
// reached the script).
func (x *Exchange) StreamCut(status int, msg string) *APIError {
	return &APIError{Function: x.fn.Name, Account: x.acct.Name, Status: status, Type: "invalid_response",
		Message: scrub(msg, x.acct), Retryable: true, Attempts: 1}
}

// MaxEventBytes bounds one server-sent event.
const MaxEventBytes = 8 << 20

// ErrEventTooLarge is a server-sent event larger than MaxEventBytes.
var ErrEventTooLarge = errors.New("a server-sent event is larger than the limit")

// ReadEvents reads server-sent events from r and passes each event's data
// (its data lines joined by newlines) to each, in order. It returns when r
// ends (io.EOF is no error: the caller decides whether the stream was
// complete) or when each returns an error, which it returns as is.
// Comments and fields other than data are skipped.
func ReadEvents(r io.Reader, each func(data []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var data []byte
	have := false
	for {
		line, err := readLine(br)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch {
		case len(line) == 0:
			if have {
				if err := each(data); err != nil {
					return err
				}
			}
			data, have = data[:0], false
		case line[0] == ':':
		default:
			field, value, _ := bytes.Cut(line, []byte(":"))
			if string(field) != "data" {
				continue
			}
			value = bytes.TrimPrefix(value, []byte(" "))
			if have {
				data = append(data, '\n')
			}
			if len(data)+len(value) > MaxEventBytes {
				return fmt.Errorf("%w (%d bytes)", ErrEventTooLarge, MaxEventBytes)
			}
			data, have = append(data, value...), true
		}
	}
}

// readLine reads one line without its end (\n or \r\n), at most
// MaxEventBytes long.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		part, err := br.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > MaxEventBytes+2 {
			return nil, fmt.Errorf("%w (%d bytes)", ErrEventTooLarge, MaxEventBytes)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) && len(line) > 0 {
				return nil, io.ErrUnexpectedEOF // a line without its end
			}
			return nil, err
		}
		line = bytes.TrimSuffix(line[:len(line)-1], []byte("\r"))
		return line, nil
	}
}

// Function is the function the call is of.
func (x *Exchange) Function() *Function { return x.fn }

// Scrub replaces the account's key, wherever it appears in data, with its
// redacted form: for what a function assembles itself from an answer.
func (x *Exchange) Scrub(data []byte) []byte {
	if k := x.acct.Key.Reveal(); k != "" && bytes.Contains(data, []byte(k)) {
		return bytes.ReplaceAll(data, []byte(k), []byte(x.acct.Key.Redacted()))
	}
	return data
}
