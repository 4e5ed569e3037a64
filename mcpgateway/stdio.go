package mcpgateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// FinishingTransport wraps a transport so that the end of its input (a
// client that sends its requests and closes its end of the pipe) ends the
// session only once every request read so far has been answered (or
// cancelled by the client): what was asked is finished, then the server
// stops.
//
// Closing Drain (a server asked to stop) has the same effect as the end of
// the input: no more requests are read, and the session ends once those
// read so far have been answered.
type FinishingTransport struct {
	mcp.Transport
	Drain <-chan struct{}
}

// Connect implements mcp.Transport.
func (t FinishingTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	c, err := t.Transport.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &finishingConn{Connection: c, pending: map[jsonrpc.ID]bool{}, closed: make(chan struct{}), drain: t.Drain}, nil
}

type finishingConn struct {
	mcp.Connection
	mu        sync.Mutex
	pending   map[jsonrpc.ID]bool
	idle      chan struct{} // closed when pending empties, while waiting
	closed    chan struct{}
	closeOnce sync.Once
	drain     <-chan struct{}
}

func (c *finishingConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	rctx := ctx
	if c.drain != nil {
		var cancel context.CancelFunc
		rctx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-c.drain:
				cancel()
			case <-rctx.Done():
			}
		}()
	}
	msg, err := c.Connection.Read(rctx)
	if err != nil && ctx.Err() == nil && c.draining() {
		err = io.EOF
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			c.wait(ctx)
		}
		return msg, err
	}
	if req, ok := msg.(*jsonrpc.Request); ok {
		c.mu.Lock()
		switch {
		case req.IsCall():
			c.pending[req.ID] = true
		case req.Method == "notifications/cancelled":
			var p struct {
				RequestID any `json:"requestId"`
			}
			if json.Unmarshal(req.Params, &p) == nil {
				if id, err := jsonrpc.MakeID(p.RequestID); err == nil {
					c.doneLocked(id)
				}
			}
		}
		c.mu.Unlock()
	}
	return msg, nil
}

// draining tells whether Drain was closed.
func (c *finishingConn) draining() bool {
	if c.drain == nil {
		return false
	}
	select {
	case <-c.drain:
		return true
	default:
		return false
	}
}

func (c *finishingConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	err := c.Connection.Write(ctx, msg)
	if resp, ok := msg.(*jsonrpc.Response); ok {
		c.mu.Lock()
		c.doneLocked(resp.ID)
		c.mu.Unlock()
	}
	return err
}

func (c *finishingConn) doneLocked(id jsonrpc.ID) {
	delete(c.pending, id)
	if len(c.pending) == 0 && c.idle != nil {
		close(c.idle)
		c.idle = nil
	}
}

// wait returns once no request is pending, the connection is closed or ctx
// ends.
func (c *finishingConn) wait(ctx context.Context) {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	idle := make(chan struct{})
	c.idle = idle
	c.mu.Unlock()
	select {
	case <-idle:
	case <-c.closed:
	case <-ctx.Done():
	}
}

func (c *finishingConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Connection.Close()
}

// DefaultMaxMessage is the largest message StdioTransport reads, unless
// its MaxMessage says: the largest valid argument is an audio file of 25 MB
// (OpenAI's limit) as base64, about 34 MB, and the JSON-RPC envelope
// around it is small.
const DefaultMaxMessage = 48 << 20

// StdioTransport is newline-delimited JSON-RPC over a reader and a writer,
// as mcp.IOTransport, that a client's malformed message does not end: a
// line that is not JSON is answered with a parse error (-32700), one that
// is not a JSON-RPC 2.0 request or notification (a batch, an object id, a
// "jsonrpc" other than "2.0", a line over MaxMessage) with an invalid
// request error (-32600), and the next line is read.
type StdioTransport struct {
	Reader io.Reader
	Writer io.Writer
	// MaxMessage is the longest line read, in bytes; zero takes
	// DefaultMaxMessage.
	MaxMessage int
}

// Connect implements mcp.Transport.
func (t *StdioTransport) Connect(context.Context) (mcp.Connection, error) {
	limit := t.MaxMessage
	if limit <= 0 {
		limit = DefaultMaxMessage
	}
	c := &lineConn{w: t.Writer, incoming: make(chan lineMsg), closed: make(chan struct{})}
	// Reads run on a goroutine of their own so that Close ends a Read
	// waiting for input (a read of stdin cannot be interrupted).
	go c.readLoop(bufio.NewReaderSize(t.Reader, 64<<10), limit)
	return c, nil
}

type lineMsg struct {
	msg jsonrpc.Message
	err error
}

type lineConn struct {
	w         io.Writer
	writeMu   sync.Mutex
	incoming  chan lineMsg
	closed    chan struct{}
	closeOnce sync.Once
}

func (c *lineConn) readLoop(r *bufio.Reader, limit int) {
	for {
		line, tooLong, err := readLine(r, limit)
		var msg jsonrpc.Message
		switch {
		case tooLong:
			c.reject(nil, jsonrpc.CodeInvalidRequest, fmt.Sprintf("message larger than %d bytes (the server's limit)", limit))
		case len(bytes.TrimSpace(line)) > 0:
			msg = c.decode(line)
		}
		if msg == nil && err == nil {
			continue
		}
		if msg != nil {
			err = nil // the reader's error comes with the next call
		}
		select {
		case c.incoming <- lineMsg{msg, err}:
		case <-c.closed:
			return
		}
		if err != nil {
			return
		}
	}
}

// readLine reads one line of at most limit bytes besides its end ("\n" or
// "\r\n", kept); a longer line is read to its end and dropped (tooLong). err is the reader's error
// (io.EOF at the end of the input), with the last line, if any, returned
// first.
func readLine(r *bufio.Reader, limit int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > limit+2 { // "\r\n" aside
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && (len(line) > 0 || tooLong) {
			// The last line; the next call gives io.EOF.
			return line, tooLong, nil
		}
		return line, tooLong, err
	}
}

// decode reads one line as a JSON-RPC 2.0 message; it answers the client
// and returns nil when the line is not one.
func (c *lineConn) decode(line []byte) jsonrpc.Message {
	line = bytes.TrimSpace(line)
	if !json.Valid(line) {
		c.reject(nil, jsonrpc.CodeParseError, "parse error: the line is not valid JSON")
		return nil
	}
	if line[0] != '{' {
		what := "a JSON-RPC message must be an object"
		if line[0] == '[' {
			what = "batches are not supported: send one message per line"
		}
		c.reject(nil, jsonrpc.CodeInvalidRequest, what)
		return nil
	}
	var head struct {
		Version *string         `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		c.reject(nil, jsonrpc.CodeInvalidRequest, "invalid request: "+err.Error())
		return nil
	}
	id := validID(head.ID)
	if len(head.ID) > 0 && id == nil {
		c.reject(nil, jsonrpc.CodeInvalidRequest, "invalid request: an id must be a string, a number or null")
		return nil
	}
	if head.Version == nil || *head.Version != "2.0" {
		c.reject(id, jsonrpc.CodeInvalidRequest, `invalid request: "jsonrpc" must be "2.0"`)
		return nil
	}
	msg, err := jsonrpc.DecodeMessage(line)
	if err != nil {
		c.reject(id, jsonrpc.CodeInvalidRequest, "invalid request: "+err.Error())
		return nil
	}
	return msg
}

// validID returns the raw id when it is a string, a number or null.
func validID(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	switch v.(type) {
	case string, float64, nil:
		return raw
	}
	return nil
}

// reject answers a message that could not be read with a JSON-RPC error;
// id is the message's own, or nil for null.
func (c *lineConn) reject(id json.RawMessage, code int, message string) {
	if id == nil {
		id = json.RawMessage("null")
	}
	data, err := json.Marshal(struct {
		Version string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc.Error   `json:"error"`
	}{"2.0", id, jsonrpc.Error{Code: int64(code), Message: message}})
	if err != nil {
		return
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_, _ = c.w.Write(append(data, '\n'))
}

// Read implements mcp.Connection.
func (c *lineConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case m := <-c.incoming:
		return m.msg, m.err
	case <-c.closed:
		return nil, io.EOF
	}
}

// Write implements mcp.Connection.
func (c *lineConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return fmt.Errorf("encoding a message: %w", err)
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_, err = c.w.Write(append(data, '\n'))
	return err
}

// Close implements mcp.Connection.
func (c *lineConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}

// SessionID implements mcp.Connection: a stdio connection has none.
func (c *lineConn) SessionID() string { return "" }
