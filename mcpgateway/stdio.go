package mcpgateway

import (
	"context"
	"encoding/json"
	"errors"
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
type FinishingTransport struct{ mcp.Transport }

// Connect implements mcp.Transport.
func (t FinishingTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	c, err := t.Transport.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &finishingConn{Connection: c, pending: map[jsonrpc.ID]bool{}, closed: make(chan struct{})}, nil
}

type finishingConn struct {
	mcp.Connection
	mu        sync.Mutex
	pending   map[jsonrpc.ID]bool
	idle      chan struct{} // closed when pending empties, while waiting
	closed    chan struct{}
	closeOnce sync.Once
}

func (c *finishingConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
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
