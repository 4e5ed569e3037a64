package integration

import (
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
	Status                         int
	Attempts                       int
	RequestID                      string
	Duration                       time.Duration
}

// Plan is a request ready to send: the function's Request resolved against
// an account's base URL, without credentials. Dry runs show it.
type Plan struct {
	Method, URL string
	Header      http.Header
	ContentType string
	Body        []byte
}

// PlanCall validates nothing: it builds fn's request for args against acct.
func PlanCall(in *Integration, fn *Function, acct *Account, args Args) (*Plan, error) {
	req, err := fn.Build(args)
	if err != nil {
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
// context's error; any text from the provider is scrubbed of acct's key.
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
	req.Header.Set("Accept", "application/json")
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
		return nil, info, &APIError{
			Function: fn.Name, Account: acct.Name, Type: "connection_error",
			Message:   scrub(err.Error(), acct),
			Retryable: true, Attempts: info.Attempts, Err: errors.Unwrap(err),
		}
	}
	info.Status, info.Attempts = resp.Status, resp.Attempts
	info.RequestID = resp.Header.Get("x-request-id")
	if resp.Status >= 300 {
		return nil, info, apiError(in, fn, acct, resp)
	}
	if fn.Decode != nil {
		res, err := fn.Decode(resp, args)
		if err != nil {
			return nil, info, &APIError{Function: fn.Name, Account: acct.Name, Status: resp.Status, Type: "invalid_response",
				Message: scrub(err.Error(), acct), RequestID: info.RequestID, Attempts: resp.Attempts}
		}
		return res, info, nil
	}
	return &Result{JSON: resp.Body}, info, nil
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
	e.Status, e.Attempts = resp.Status, resp.Attempts
	e.RequestID = resp.Header.Get("x-request-id")
	e.Retryable = Retryable(resp, nil, true, true)
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
