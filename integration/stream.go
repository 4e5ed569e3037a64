package integration

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
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
	// Status is the answer's HTTP status.
	Status int
	Err    error
}

// Error implements error.
func (e *StreamStopped) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *StreamStopped) Unwrap() error { return e.Err }

// streamBody hands a successful answer's body to stream as it arrives; a
// body longer than limit reads as a *ResponseTooLargeError.
func streamBody(hr *http.Response, limit int64, stream func(io.Reader) error) (*Response, error) {
	body := &cappedReader{r: hr.Body, left: limit, err: &ResponseTooLargeError{Status: hr.StatusCode, Limit: limit,
		RequestID: hr.Header.Get("x-request-id")}}
	if err := stream(body); err != nil {
		return nil, &StreamStopped{Status: hr.StatusCode, Err: err}
	}
	return &Response{Status: hr.StatusCode, Header: hr.Header}, nil
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
// key, to the caller's ChunkFunc (Caller.OnChunk), if any.
func (x *Exchange) Deliver(data []byte) error {
	if x.chunks == nil {
		return nil
	}
	return x.chunks(x.Scrub(data))
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
