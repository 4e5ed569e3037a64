package integration

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kosmo-run/kosmo/store"
)

// ErrNotSent is what Exchange.Send answers a write request in a dry run: the
// request was planned and recorded, not sent. A function's Run returns it (or
// goes on planning) and the dry run shows what was recorded.
var ErrNotSent = errors.New("not sent: dry run")

// ErrNoStore is a function that needs the host's store on a host that has
// none.
var ErrNoStore = errors.New("no store is configured")

// RequestInfo describes one HTTP request of a call, for call logs and audit
// lines. It names the endpoint by its template, never by the ids in its path,
// so it holds no argument values.
type RequestInfo struct {
	// Method and Endpoint name the request: "POST", "/conversations/{id}/items".
	Method, Endpoint string
	// Status is the HTTP status of the answer, 0 if none came (or not sent).
	Status int
	// Attempts is how many times it was sent (0: planned in a dry run).
	Attempts int
	// RequestID is the provider's x-request-id, scrubbed of the key.
	RequestID string
	Duration  time.Duration
}

// Exchange is one call of a function in progress, as the function's Run sees
// it: its account, its account's settings, the HTTP requests it sends (each
// authorized, retried, scrubbed of the key and recorded) and the host's store,
// scoped to the account. In a dry run it records write requests and store
// writes instead of making them.
type Exchange struct {
	client *Client
	in     *Integration
	fn     *Function
	acct   *Account
	store  store.Store
	dryRun bool
	args   Args

	requests []RequestInfo
	last     RequestInfo
	planned  []map[string]any
	writes   []map[string]any
	notes    []string
	chunks   ChunkFunc
}

// Note records what the call did on the script's behalf that the script
// should hear of (a parameter dropped by an account option): hosts print it
// once and the call log keeps it (CallInfo.Notes).
func (x *Exchange) Note(msg string) { x.notes = append(x.notes, msg) }

// Account is the account the call uses.
func (x *Exchange) Account() *Account { return x.acct }

// Setting returns the account's value of one of the integration's Settings,
// or the setting's default.
func (x *Exchange) Setting(name string) string { return x.in.AccountSetting(x.acct, name) }

// DryRun reports whether writes are planned instead of made.
func (x *Exchange) DryRun() bool { return x.dryRun }

// Send performs one request with the account's credentials. A GET is retried
// as a read; other methods as the function's own writes are. An answer with
// an error status is an *APIError; a transport failure an *APIError of type
// connection_error; the context's end its error. In a dry run a request other
// than a GET is recorded and answered with ErrNotSent.
func (x *Exchange) Send(ctx context.Context, req *Request) (*Response, error) {
	if err := checkPath(x.fn, x.args, req.Path); err != nil {
		return nil, err
	}
	start := time.Now()
	info := RequestInfo{Method: req.Method, Endpoint: req.Endpoint}
	if info.Endpoint == "" {
		info.Endpoint = req.Path
	}
	defer func() {
		info.Duration = time.Since(start)
		x.requests = append(x.requests, info)
		x.last = info
	}()
	plan := planRequest(x.in, x.acct, req)
	idempotent := req.Method == http.MethodGet || x.fn.Idempotent()
	if x.dryRun && req.Method != http.MethodGet {
		x.planned = append(x.planned, plan.describe())
		return nil, ErrNotSent
	}
	if x.acct.KeyError != "" { // a read in a dry run is sent: it needs the key
		return nil, MissingKeyError(x.fn, x.acct)
	}
	hreq, err := http.NewRequestWithContext(ctx, plan.Method, plan.URL, nil)
	if err != nil {
		return nil, &APIError{Function: x.fn.Name, Account: x.acct.Name, Message: "invalid base URL " + redactURL(plan.URL), Err: err}
	}
	hreq.Header = plan.Header
	if plan.ContentType != "" {
		hreq.Header.Set("Content-Type", plan.ContentType)
	}
	if hreq.Header.Get("Accept") == "" {
		hreq.Header.Set("Accept", "application/json")
	}
	if x.in.Authorize != nil {
		x.in.Authorize(hreq.Header, x.acct)
	}
	opts := SendOptions{MaxRetries: x.acct.MaxRetries, Timeout: x.acct.Timeout, Idempotent: idempotent, Stream: req.Stream, Account: x.acct}
	resp, err := x.client.Send(ctx, hreq, plan.Body, opts)
	if err != nil {
		info.Attempts = Attempts(err)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if stopped := (*StreamStopped)(nil); errors.As(err, &stopped) {
			info.Status, info.RequestID = stopped.Status, scrub(stopped.Header.Get("x-request-id"), x.acct)
			if ae := (*APIError)(nil); errors.As(stopped.Err, &ae) && ae.RequestID == "" {
				ae.RequestID = info.RequestID
			}
			return nil, stopped.Err
		}
		var limited *RateLimitedError
		if errors.As(err, &limited) {
			return nil, &APIError{Function: x.fn.Name, Account: x.acct.Name, Type: TypeRateLimited, Code: TypeRateLimited,
				Message: limited.Error(), Retryable: true, Attempts: info.Attempts, Err: limited}
		}
		var tooLarge *ResponseTooLargeError
		if errors.As(err, &tooLarge) {
			info.Status, info.RequestID = tooLarge.Status, scrub(tooLarge.RequestID, x.acct)
			return nil, &APIError{
				Function: x.fn.Name, Account: x.acct.Name, Status: tooLarge.Status, Type: "invalid_response",
				Message: tooLarge.Error(), RequestID: info.RequestID, Attempts: info.Attempts, Err: tooLarge,
			}
		}
		return nil, &APIError{
			Function: x.fn.Name, Account: x.acct.Name, Type: "connection_error",
			Message:   redactBaseUserinfo(scrub(err.Error(), x.acct), plan.URL),
			Retryable: Retryable(nil, err, wasSent(err), idempotent),
			Attempts:  info.Attempts, Err: errors.Unwrap(err),
		}
	}
	scrubResponse(resp, x.acct)
	info.Status, info.Attempts = resp.Status, resp.Attempts
	info.RequestID = resp.Header.Get("x-request-id")
	if resp.Status >= 300 && resp.Status < 400 {
		// A redirect is not followed: it would send the key elsewhere.
		msg := fmt.Sprintf("the server answered HTTP %d, a redirect", resp.Status)
		if loc := resp.Header.Get("Location"); loc != "" {
			msg += " to " + redactURL(loc)
		}
		e := &APIError{Function: x.fn.Name, Account: x.acct.Name, Status: resp.Status, Type: "invalid_response",
			Message:   scrub(msg, x.acct) + "; kosmo does not follow redirects of API calls, which would carry the key: set base_url to the address the API answers at",
			RequestID: info.RequestID, Attempts: resp.Attempts}
		return nil, e
	}
	if resp.Status >= 300 {
		e := apiError(x.in, x.fn, x.acct, resp)
		e.Retryable = Retryable(resp, nil, true, idempotent)
		return nil, e
	}
	return resp, nil
}

// SendJSON sends req and decodes its JSON answer into v. An answer that is
// not the JSON expected is an *APIError of type invalid_response.
func (x *Exchange) SendJSON(ctx context.Context, req *Request, v any) error {
	resp, err := x.Send(ctx, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return x.InvalidResponse(resp, "the response is not the JSON expected: "+jsonProblem(resp.Body))
	}
	return nil
}

// InvalidResponse is a successful answer that the function cannot use.
func (x *Exchange) InvalidResponse(resp *Response, msg string) *APIError {
	return invalidResponse(x.fn, x.acct, resp, scrub(msg, x.acct))
}

// NotFound is an *APIError for an object that does not exist, made by the
// host itself (an id its store does not know), shaped as the provider's 404.
func (x *Exchange) NotFound(param, msg string) *APIError {
	return &APIError{Function: x.fn.Name, Account: x.acct.Name, Status: http.StatusNotFound,
		Type: "invalid_request_error", Param: param, Message: msg}
}

// Standard is the call of a function declared by Build and Decode: one
// request, its answer decoded.
func (x *Exchange) Standard(ctx context.Context, args Args) (*Result, error) {
	req, err := x.fn.Build(args)
	if err != nil {
		return nil, err
	}
	resp, err := x.Send(ctx, req)
	if err != nil {
		return nil, err
	}
	res := &Result{JSON: resp.Body}
	if x.fn.Decode != nil {
		if res, err = x.fn.Decode(resp, args); err != nil {
			return nil, x.InvalidResponse(resp, err.Error())
		}
	}
	if res.JSON != nil && !json.Valid(res.JSON) {
		return nil, x.InvalidResponse(resp, "the response is not valid JSON: "+jsonProblem(res.JSON))
	}
	return res, nil
}

// scope is whose the store's records of this call are: the integration and
// the account, with the identity it has at the provider (base URL,
// organization, project), so that an account pointed elsewhere does not see
// the records it made before.
func (x *Exchange) scope() string {
	base := x.acct.BaseURL
	if base == "" {
		base = x.in.DefaultBaseURL
	}
	return strings.Join([]string{x.in.Name, x.acct.Name, strings.TrimRight(base, "/"), x.acct.Organization, x.acct.Project}, "\x1f")
}

// Get reads a record of the account from the store.
func (x *Exchange) Get(ctx context.Context, kind, id string) (store.Record, error) {
	if x.store == nil {
		return store.Record{}, x.noStore()
	}
	return x.store.Get(ctx, kind, x.scope(), id)
}

// List lists records of the account from the store.
func (x *Exchange) List(ctx context.Context, kind string, opts store.ListOptions) (store.Page, error) {
	if x.store == nil {
		return store.Page{}, x.noStore()
	}
	return x.store.List(ctx, kind, x.scope(), opts)
}

// Put adds a record of the account to the store; in a dry run it records
// what would be stored instead.
func (x *Exchange) Put(ctx context.Context, kind, id string, createdAt int64, body []byte) error {
	if x.dryRun {
		var v any
		_ = json.Unmarshal(body, &v)
		x.writes = append(x.writes, map[string]any{"action": "put", "kind": kind, "id": id, "record": v})
		return nil
	}
	if x.store == nil {
		return x.noStore()
	}
	return x.store.Put(ctx, store.Record{Kind: kind, Scope: x.scope(), ID: id, CreatedAt: createdAt, Body: body})
}

func (x *Exchange) noStore() error {
	return &PolicyError{Function: x.fn.Name, Account: x.acct.Name, Message: ErrNoStore.Error() + ": this function keeps its objects in the host's store"}
}

// NewID returns prefix followed by 24 random letters and digits, as
// OpenAI's object ids look.
func NewID(prefix string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

// planRequest resolves req against acct's base URL, without credentials.
func planRequest(in *Integration, acct *Account, req *Request) *Plan {
	base := acct.BaseURL
	if base == "" {
		base = in.DefaultBaseURL
	}
	u := strings.TrimRight(base, "/") + req.Path
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	h := req.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &Plan{Method: req.Method, URL: u, Header: h, ContentType: req.ContentType, Body: req.Body}
}

// describe is the dry-run view of a plan: method, url, content_type,
// body_bytes, and body when it is JSON.
func (p *Plan) describe() map[string]any {
	out := map[string]any{"method": p.Method, "url": RedactUserinfo(p.URL), "content_type": p.ContentType, "body_bytes": float64(len(p.Body))}
	if p.ContentType == "application/json" {
		var body any
		if json.Unmarshal(p.Body, &body) == nil {
			out["body"] = body
		}
	}
	return out
}
