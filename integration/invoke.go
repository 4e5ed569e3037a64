package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// CallInfo describes one finished call, for audit lines and call logs. It
// holds no argument values and no credentials.
type CallInfo struct {
	Integration, Function, Account string
	Operation                      Operation
	// Status is the HTTP status of the last answer, 0 if none came.
	Status int
	// Attempts is how many HTTP requests were made (0: none was sent).
	Attempts int
	// RequestID is the provider's x-request-id of the last answer, scrubbed
	// of the account's key.
	RequestID string
	Duration  time.Duration
	// DryRun marks a call that was validated and planned but, by policy,
	// not sent.
	DryRun bool
}

// Plan is a request ready to send: the function's Request resolved against
// an account's base URL, without credentials. Dry runs show it.
type Plan struct {
	Method, URL string
	Header      http.Header
	ContentType string
	Body        []byte
}

// PlanCall builds fn's request for args against acct. It validates nothing
// but the path: a path with an empty, "." or ".." segment (an id argument
// such as "..") is a *ValidationError, since the server would resolve it to
// another endpoint.
func PlanCall(in *Integration, fn *Function, acct *Account, args Args) (*Plan, error) {
	req, err := fn.Build(args)
	if err != nil {
		return nil, err
	}
	if err := checkPath(fn, args, req.Path); err != nil {
		return nil, err
	}
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
	return &Plan{Method: req.Method, URL: u, Header: h, ContentType: req.ContentType, Body: req.Body}, nil
}

// Invoke sends fn's request for args with acct's credentials through c and
// returns its result. Failures are *APIError (HTTP or transport) or the
// context's error; everything the provider sends back, headers and body
// included, is scrubbed of acct's key before anyone sees it. A JSON result
// that does not parse is an *APIError of type "invalid_response".
func (c *Client) Invoke(ctx context.Context, in *Integration, fn *Function, acct *Account, args Args) (*Result, CallInfo, error) {
	start := time.Now()
	info := CallInfo{Integration: in.Name, Function: fn.Name, Account: acct.Name, Operation: fn.Operation}
	plan, err := PlanCall(in, fn, acct, args)
	if err != nil {
		return nil, info, err
	}
	req, err := http.NewRequestWithContext(ctx, plan.Method, plan.URL, nil)
	if err != nil {
		return nil, info, &APIError{Function: fn.Name, Account: acct.Name, Message: "invalid base URL " + redactURL(plan.URL), Err: err}
	}
	req.Header = plan.Header
	if plan.ContentType != "" {
		req.Header.Set("Content-Type", plan.ContentType)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	if in.Authorize != nil {
		in.Authorize(req.Header, acct)
	}
	opts := SendOptions{MaxRetries: acct.MaxRetries, Timeout: acct.Timeout, Idempotent: fn.Idempotent()}
	resp, err := c.Send(ctx, req, plan.Body, opts)
	info.Duration = time.Since(start)
	if err != nil {
		info.Attempts = Attempts(err)
		if ctx.Err() != nil {
			return nil, info, ctx.Err()
		}
		var tooLarge *ResponseTooLargeError
		if errors.As(err, &tooLarge) {
			info.Status, info.RequestID = tooLarge.Status, scrub(tooLarge.RequestID, acct)
			return nil, info, &APIError{
				Function: fn.Name, Account: acct.Name, Status: tooLarge.Status, Type: "invalid_response",
				Message: tooLarge.Error(), RequestID: info.RequestID, Attempts: info.Attempts, Err: tooLarge,
			}
		}
		return nil, info, &APIError{
			Function: fn.Name, Account: acct.Name, Type: "connection_error",
			Message:   scrub(err.Error(), acct),
			Retryable: Retryable(nil, err, wasSent(err), fn.Idempotent()),
			Attempts:  info.Attempts, Err: errors.Unwrap(err),
		}
	}
	scrubResponse(resp, acct)
	info.Status, info.Attempts = resp.Status, resp.Attempts
	info.RequestID = resp.Header.Get("x-request-id")
	if resp.Status >= 300 {
		return nil, info, apiError(in, fn, acct, resp)
	}
	res := &Result{JSON: resp.Body}
	if fn.Decode != nil {
		if res, err = fn.Decode(resp, args); err != nil {
			return nil, info, invalidResponse(fn, acct, resp, scrub(err.Error(), acct))
		}
	}
	if res.JSON != nil && !json.Valid(res.JSON) {
		return nil, info, invalidResponse(fn, acct, resp, "the response is not valid JSON: "+jsonProblem(res.JSON))
	}
	return res, info, nil
}

// invalidResponse is a successful answer that cannot be used; asking again
// would get the same, so it is not retryable.
func invalidResponse(fn *Function, acct *Account, resp *Response, msg string) *APIError {
	return &APIError{Function: fn.Name, Account: acct.Name, Status: resp.Status, Type: "invalid_response",
		Message: msg, RequestID: resp.Header.Get("x-request-id"), Attempts: resp.Attempts}
}

// jsonProblem says where data stops being JSON.
func jsonProblem(data []byte) string {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	switch {
	case err == nil:
		return "unreadable"
	case errors.As(err, &se):
		return fmt.Sprintf("%s (at byte %d)", strings.TrimPrefix(se.Error(), "invalid character "), se.Offset)
	}
	return err.Error()
}

// scrubResponse replaces acct's key, wherever the provider echoed it in
// resp's header values or body, with its redacted form.
func scrubResponse(resp *Response, acct *Account) {
	k := acct.Key.Reveal()
	if k == "" {
		return
	}
	for name, values := range resp.Header {
		for i, v := range values {
			resp.Header[name][i] = scrub(v, acct)
		}
	}
	if bytes.Contains(resp.Body, []byte(k)) {
		resp.Body = bytes.ReplaceAll(resp.Body, []byte(k), []byte(acct.Key.Redacted()))
	}
}

func apiError(in *Integration, fn *Function, acct *Account, resp *Response) *APIError {
	var e *APIError
	if in.ParseError != nil {
		e = in.ParseError(resp)
	}
	if e == nil {
		e = &APIError{Message: genericMessage(resp)}
	}
	e.Function, e.Account = fn.Name, acct.Name
	if e.Type == "" {
		e.Type = "api_error"
	}
	e.Status, e.Attempts = resp.Status, resp.Attempts
	e.RequestID = resp.Header.Get("x-request-id")
	e.Retryable = Retryable(resp, nil, true, fn.Idempotent())
	e.Message = scrub(e.Message, acct)
	e.Param = scrub(e.Param, acct)
	e.Code = scrub(e.Code, acct)
	e.Type = scrub(e.Type, acct)
	return e
}

// genericMessage describes an error response whose body is not understood.
func genericMessage(resp *Response) string {
	text := http.StatusText(resp.Status)
	var probe struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(resp.Body, &probe) == nil {
		if probe.Error.Message != "" {
			return probe.Error.Message
		}
		if probe.Message != "" {
			return probe.Message
		}
	}
	if text == "" {
		text = fmt.Sprintf("status %d", resp.Status)
	}
	return strings.ToLower(text[:1]) + text[1:]
}

// scrub replaces acct's key, wherever it appears in s, with its redacted form.
func scrub(s string, acct *Account) string {
	k := acct.Key.Reveal()
	if k == "" || !strings.Contains(s, k) {
		return s
	}
	return strings.ReplaceAll(s, k, acct.Key.Redacted())
}

// redactURL drops user info and query from a URL for messages.
func redactURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.Index(u, "@"); i >= 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			u = u[:j+3] + "…" + u[i:]
		}
	}
	return u
}

// checkPath refuses a request path with an empty, "." or ".." segment after
// the first, naming the argument that made it when one did.
func checkPath(fn *Function, args Args, path string) error {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if i == 0 || (seg != "" && seg != "." && seg != "..") {
			continue
		}
		for _, p := range fn.Params {
			if v, ok := args[p.Name].(string); ok && v == seg {
				return NewValidationError(fn.Name, p.Name, "an id expected, got %q", v)
			}
		}
		return NewValidationError(fn.Name, "", "the request path %q has an empty, '.' or '..' segment", path)
	}
	return nil
}
