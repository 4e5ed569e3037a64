package openaitest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is a fake OpenAI API listening on a loopback port, like
// httptest.Server. Its methods that mirror [Handler] (Requests, InjectFault
// and so on) act on its handler.
type Server struct {
	// URL is the server's root, "http://127.0.0.1:PORT", set by Start.
	// Clients use [Server.BaseURL], which adds "/v1".
	URL string

	handler  *Handler
	listener net.Listener
	srv      *http.Server
	client   *http.Client

	ctx    context.Context // parent of every request's context
	cancel context.CancelFunc

	conns    sync.WaitGroup // connections open or being served
	inflight sync.WaitGroup // handlers running, hijacked connections included
	served   chan struct{}  // closed when Serve returns
	started  bool
	mu       sync.Mutex
	closed   bool
}

// NewServer starts and returns a fake on 127.0.0.1 with a free port. The
// caller must Close it (t.Cleanup(srv.Close) in a test).
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a fake whose listener is open on 127.0.0.1 but
// that does not serve until Start; configure it through [Server.Handler]
// meanwhile. It panics if no loopback port can be had, as httptest does.
func NewUnstartedServer(opts ...Option) *Server {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("openaitest: failed to listen on a port: %v", err))
	}
	h := NewHandler(opts...)
	s := &Server{
		handler:  h,
		listener: l,
		served:   make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
		ConnState:         s.trackConn,
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // loopback: never through a proxy from the environment
	s.client = &http.Client{Transport: tr}
	return s
}

// Start begins serving. It panics if the server was already started or
// closed.
func (s *Server) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closed {
		panic("openaitest: Server already started or closed")
	}
	s.started = true
	s.URL = "http://" + s.listener.Addr().String()
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(s.listener)
	}()
}

// trackConn counts connections from their acceptance to their end, so that
// Close can wait for their goroutines (as httptest does).
func (s *Server) trackConn(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.conns.Add(1)
	case http.StateClosed, http.StateHijacked:
		s.conns.Done()
	}
}

// serveHTTP counts the handler as in flight: a connection's Add happens
// before that connection is counted closed or hijacked, so before Close's
// wait on conns returns and it starts waiting on inflight.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Done()
	s.handler.ServeHTTP(w, r)
}

// BaseURL is URL + "/v1": the base URL an OpenAI client is given.
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Client returns an HTTP client for the server, with its own connection
// pool that Close releases. It does not add the API key.
func (s *Server) Client() *http.Client { return s.client }

// Handler returns the fake's handler, which holds its state.
func (s *Server) Handler() *Handler { return s.handler }

// Close stops the server: it closes the listener and every connection,
// cancels the requests in flight (ending fault delays), waits for their
// handlers and the serving goroutine, and closes the client's idle
// connections. It may be called more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	started := s.started
	s.mu.Unlock()

	s.cancel()
	_ = s.srv.Close() // closes the listener and all tracked connections
	if started {
		<-s.served // no connection is accepted after this
	} else {
		_ = s.listener.Close()
	}
	s.conns.Wait()
	s.inflight.Wait()
	s.client.CloseIdleConnections()
}

// Requests returns copies of the requests received so far; see
// [Handler.Requests].
func (s *Server) Requests() []Request { return s.handler.Requests() }

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() { s.handler.ResetRequests() }

// InjectFault adds a fault; see [Handler.InjectFault].
func (s *Server) InjectFault(f Fault) { s.handler.InjectFault(f) }

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() { s.handler.ClearFaults() }

// FaultsApplied returns how many requests an injected fault has answered;
// see [Handler.FaultsApplied].
func (s *Server) FaultsApplied() int { return s.handler.FaultsApplied() }

// File returns a copy of an uploaded file's content; see [Handler.File].
func (s *Server) File(id string) ([]byte, bool) { return s.handler.File(id) }
