package openaitest

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Handler is the fake OpenAI API as an http.Handler. It holds all the state
// of one fake: the objects created through the API, generated images, the
// log of requests and the injected faults. It is safe for concurrent use.
// Create it with [NewHandler]; the zero value is not usable.
type Handler struct {
	cfg config
	mux *http.ServeMux

	log    requestLog
	faults faultList
	// streams are the faults of streamed chat completions.
	streams streamFaults
	rate    *rateBudgets

	mu    sync.Mutex // guards state
	state state
}

var _ http.Handler = (*Handler)(nil)

// route is one endpoint: a ServeMux pattern, what it requires, and the
// function that answers it. A function returns an error to have it answered
// in OpenAI's error shape.
type route struct {
	pattern string
	access  access
	serve   func(w http.ResponseWriter, r *http.Request) error
}

type access int

const (
	public     access = iota // no key needed (generated image downloads)
	authorized               // Bearer key needed
	beta                     // Bearer key and "OpenAI-Beta: assistants=v2" needed
)

// routes lists the endpoints, in one place.
func (h *Handler) routes() []route {
	rs := []route{
		{"POST /v1/chat/completions", authorized, h.chatCompletions},
		{"POST /v1/embeddings", authorized, h.embeddings},
		{"POST /v1/images/generations", authorized, h.imageGenerations},
		{"POST /v1/audio/speech", authorized, h.speech},
		{"POST /v1/audio/transcriptions", authorized, h.transcriptions},
		{"POST /v1/conversations", authorized, h.createConversation},
		{"GET /v1/conversations/{conversation_id}", authorized, h.getConversation},
		{"POST /v1/conversations/{conversation_id}/items", authorized, h.createConversationItems},
		{"GET /v1/conversations/{conversation_id}/items", authorized, h.listConversationItems},
		{"POST /v1/responses", authorized, h.createResponse},
		{"GET /v1/responses/{response_id}", authorized, h.getResponse},
		{"POST /v1/responses/{response_id}/cancel", authorized, h.cancelResponse},
		{"POST /v1/files", authorized, h.createFile},
		{"GET /v1/files", authorized, h.listFiles},
		{"GET /v1/models", authorized, h.listModels},
		{"GET /v1/models/{model}", authorized, h.getModel},
		{"GET " + imagePathPrefix + "{name}", public, h.serveImage},
	}
	if h.cfg.legacy {
		rs = append(rs, h.assistantsRoutes()...)
	}
	// Anything else, including a known path with another method, is
	// answered like the real API: 404 "Invalid URL (METHOD /path)".
	return append(rs, route{"/", authorized, func(_ http.ResponseWriter, r *http.Request) error { return invalidURL(r) }})
}

// assistantsRoutes are the Assistants API endpoints, which OpenAI retired on
// 2026-08-26; only [WithLegacyAssistants] serves them.
func (h *Handler) assistantsRoutes() []route {
	return []route{
		{"POST /v1/assistants", beta, h.createAssistant},
		{"GET /v1/assistants", beta, h.listAssistants},
		{"POST /v1/threads", beta, h.createThread},
		{"POST /v1/threads/{thread_id}/messages", beta, h.createMessage},
		{"GET /v1/threads/{thread_id}/messages", beta, h.listMessages},
		{"POST /v1/threads/{thread_id}/runs", beta, h.createRun},
		{"GET /v1/threads/{thread_id}/runs/{run_id}", beta, h.getRun},
	}
}

// NewHandler returns a fake with no objects, no recorded requests and no
// faults, configured by opts.
func NewHandler(opts ...Option) *Handler {
	h := &Handler{cfg: newConfig(opts), mux: http.NewServeMux()}
	h.rate = newRateBudgets(h.cfg.rateLimits)
	h.state.init()
	for _, rt := range h.routes() {
		h.mux.Handle(rt.pattern, h.endpoint(rt))
	}
	return h
}

// ServeHTTP answers one request: it reads and records the request, applies
// the first matching fault, then routes to the endpoint. With
// [WithRequestLog], a line is logged once the request is answered.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	w.Header().Set("x-request-id", requestID)
	w.Header().Set("openai-version", "2020-10-01")
	// The size limit is told about the connection's own writer: past the
	// limit, net/http then closes the connection instead of reading on.
	body := http.MaxBytesReader(w, r.Body, h.cfg.maxBody)

	access := h.cfg.requestLog
	if access == nil {
		h.serve(w, r, body)
		return
	}
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	returned := false
	defer func() {
		// Also when the handler aborts the connection (panics): the line
		// then says that no status was sent. The id is the one given
		// above, not what the x-request-id header holds now (a fault may
		// have put the request's headers there).
		access.write(logLine(h.cfg.now(), r.Method, r.URL.EscapedPath(), rec.sentStatus(returned), time.Since(start), requestID))
	}()
	h.serve(rec, r, body)
	returned = true
}

// readBody reads a request body of size bytes if known (else negative),
// waiting at most idle for each next byte and total for all of them (where
// the server supports read deadlines).
func readBody(w http.ResponseWriter, body io.Reader, size int64, idle, total time.Duration) ([]byte, error) {
	rc := http.NewResponseController(w)
	end := time.Now().Add(total)
	var buf bytes.Buffer
	if size > 0 {
		buf.Grow(int(size) + 1) // no garbage from growing it
	}
	chunk := make([]byte, 64<<10)
	for {
		next := time.Now().Add(idle)
		if next.After(end) {
			next = end
		}
		if rc.SetReadDeadline(next) != nil {
			// No deadlines here: read it as it comes.
			_, err := buf.ReadFrom(body)
			return buf.Bytes(), err
		}
		n, err := body.Read(chunk)
		buf.Write(chunk[:n])
		if err == io.EOF {
			_ = rc.SetReadDeadline(time.Time{})
			return buf.Bytes(), nil
		}
		if err != nil {
			return buf.Bytes(), err
		}
	}
}

// serve reads and records the request, applies the first matching fault,
// then routes to the endpoint.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, limitedBody io.ReadCloser) {
	body, err := readBody(w, limitedBody, min(r.ContentLength, h.cfg.maxBody), h.cfg.bodyIdle, h.cfg.bodyTotal)
	h.log.add(r, body, h.cfg.maxRequests, h.cfg.maxRecorded)
	if err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			writeError(w, bodyTooLarge(h.cfg.maxBody))
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			writeError(w, bodyTimeout())
		}
		// Otherwise the client went away while sending: nobody to answer.
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if h.cfg.clockErr != nil {
		writeError(w, &apiError{status: http.StatusInternalServerError, typ: "server_error", message: "The fake's clock is not set: " + h.cfg.clockErr.Error()})
		return
	}
	w, answered, ok := h.rate.admit(w, r, body)
	if !ok {
		return
	}
	defer answered()

	f, ok := h.faults.take(r, body)
	if !ok {
		h.mux.ServeHTTP(w, r)
		return
	}
	serveFault(w, r, f, h.mux)
}

// endpoint wraps a route with its access checks and error answering.
func (h *Handler) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			// A bug of the fake is answered as the real API answers its own
			// failures, with the cause in the message, instead of a dropped
			// connection. Deliberate aborts go on up.
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				e := faultError(http.StatusInternalServerError)
				e.message = fmt.Sprintf("openaitest: internal error: %v", v)
				writeError(w, e)
			}
		}()
		var err error
		switch rt.access {
		case authorized:
			err = h.authenticate(r)
		case beta:
			if err = h.authenticate(r); err == nil {
				err = checkBeta(r)
			}
		}
		if err == nil {
			err = rt.serve(w, r)
		}
		if err != nil {
			writeError(w, err)
		}
	})
}

// authenticate checks the Bearer key. The answer never contains the key
// itself, only its redacted form, like the real API.
func (h *Handler) authenticate(r *http.Request) error {
	scheme, key, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	key = strings.TrimSpace(key)
	if !strings.EqualFold(scheme, "Bearer") || key == "" {
		return &apiError{
			status: http.StatusUnauthorized,
			message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
				"(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API " +
				"from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
			typ: "invalid_request_error",
		}
	}
	for _, k := range h.cfg.keys {
		if subtle.ConstantTimeCompare([]byte(k), []byte(key)) == 1 {
			return nil
		}
	}
	return &apiError{
		status: http.StatusUnauthorized,
		message: fmt.Sprintf("Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.",
			redactKey(key)),
		typ:  "invalid_request_error",
		code: "invalid_api_key",
	}
}

// checkBeta requires "OpenAI-Beta: assistants=v2" (among possibly several
// comma-separated betas), as the real Assistants API does.
func checkBeta(r *http.Request) error {
	for _, v := range r.Header.Values("OpenAI-Beta") {
		for _, b := range strings.Split(v, ",") {
			if strings.TrimSpace(b) == "assistants=v2" {
				return nil
			}
		}
	}
	return invalidRequest("", "invalid_beta",
		"You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.")
}
