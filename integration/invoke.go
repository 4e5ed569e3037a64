package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kosmo-run/kosmo/store"
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
	// Notes are what the call did on the script's behalf that the script
	// should hear of (Exchange.Note), such as a parameter dropped by an
	// account's drop_params.
	Notes []string
	// Requests lists each HTTP request of a function that carries its call
	// itself (Function.Run), which may make none, one or several; nil for
	// the others, whose one request the fields above describe.
	Requests []RequestInfo
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
	return planRequest(in, acct, req), nil
}

// Caller makes integration calls: the policy first, then the function's
// requests through the client, with the host's store for functions that
// keep objects themselves. The zero Policy allows everything; a nil Client
// is an error.
type Caller struct {
	Client *Client
	// Store holds what functions keep on the host's side; nil makes those
	// functions fail with a clear error.
	Store  store.Store
	Policy Policy
	// OnChunk receives each chunk of a streamed answer as it arrives, on
	// the goroutine that called Call (see Exchange.Deliver); nil drops them.
	OnChunk ChunkFunc
}

// Call checks the policy and calls fn with validated args through acct. A
// write that the policy answers itself (a dry run) returns what would have
// been sent. Failures are *PolicyError, *ValidationError, *APIError or the
// context's error; everything the provider sends back is scrubbed of acct's
// key before anyone sees it. info describes the call whatever happened.
func (c *Caller) Call(ctx context.Context, in *Integration, fn *Function, acct *Account, args Args) (*Result, CallInfo, error) {
	start := time.Now()
	info := CallInfo{Integration: in.Name, Function: fn.Name, Account: acct.Name, Operation: fn.Operation}
	if c.Client == nil {
		return nil, info, errors.New("integration: the Caller has no Client")
	}
	if err := c.Policy.Check(fn, acct); err != nil {
		return nil, info, err
	}
	x := &Exchange{client: c.Client, in: in, fn: fn, acct: acct, store: c.Store, dryRun: c.Policy.Intercepts(fn), args: args, chunks: c.OnChunk}
	if acct.KeyError != "" && !x.dryRun {
		// A call that would be sent needs the key; a dry run's write
		// sends nothing and goes on without it.
		return nil, info, MissingKeyError(fn, acct)
	}
	if x.dryRun && fn.Run == nil {
		plan, err := DryRun(in, fn, acct, args)
		info.DryRun = err == nil
		if err != nil {
			return nil, info, err
		}
		return &Result{Value: plan}, info, nil
	}
	var (
		res *Result
		err error
	)
	if fn.Run != nil {
		res, err = fn.Run(ctx, x, args)
	} else {
		res, err = x.Standard(ctx, args)
	}
	info.Duration = time.Since(start)
	info.Status, info.Attempts, info.RequestID = x.last.Status, 0, x.last.RequestID
	for _, r := range x.requests {
		info.Attempts += r.Attempts
	}
	if fn.Run != nil {
		info.Requests = append([]RequestInfo{}, x.requests...)
	}
	info.Notes = x.notes
	if x.dryRun {
		if err != nil && !errors.Is(err, ErrNotSent) {
			return nil, info, err
		}
		info.DryRun = true
		return &Result{Value: x.dryRunView(in, fn, acct)}, info, nil
	}
	if err != nil {
		if ctx.Err() != nil && !isAnswered(err) {
			return nil, info, ctx.Err()
		}
		return nil, info, err
	}
	if res == nil {
		return nil, info, fmt.Errorf("%s: the call returned no result", fn.Name)
	}
	return res, info, nil
}

// isAnswered reports whether err is an answer the provider gave (so the
// context ending after it does not hide it).
func isAnswered(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status > 0
}

// dryRunView is what a dry run of a Run function returns: the first planned
// request's fields at the top (as for every other function), every planned
// request under requests, and what would be stored under store.
func (x *Exchange) dryRunView(in *Integration, fn *Function, acct *Account) map[string]any {
	out := map[string]any{"dry_run": true, "function": fn.Name, "account": acct.Name, "operation": string(fn.Operation)}
	requests := make([]any, 0, len(x.planned))
	for i, p := range x.planned {
		if i == 0 {
			for k, v := range p {
				out[k] = v
			}
		}
		requests = append(requests, p)
	}
	out["requests"] = requests
	if len(x.writes) > 0 {
		writes := make([]any, len(x.writes))
		for i, w := range x.writes {
			writes[i] = w
		}
		out["store"] = writes
	}
	return out
}

// Invoke sends fn's request for args with acct's credentials through c and
// returns its result, with no policy and no store: Caller.Call with a zero
// Policy.
func (c *Client) Invoke(ctx context.Context, in *Integration, fn *Function, acct *Account, args Args) (*Result, CallInfo, error) {
	return (&Caller{Client: c}).Call(ctx, in, fn, acct, args)
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
	if bytes.IndexByte(resp.Body, '\\') >= 0 {
		resp.Body = scrubEscaped(resp.Body, acct)
	}
}

// scrubEscaped scrubs the decoded text of every JSON string in data that
// holds an escape: a server may echo the key as "\u0073\u006b-…", which
// the bytes do not show but every decoder gives back. A string that
// decodes to text with the key is written again, scrubbed; everything else
// is left byte for byte.
func scrubEscaped(data []byte, acct *Account) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(data); i++ {
		if data[i] != '"' {
			continue
		}
		end, escaped := i+1, false
		for ; end < len(data) && data[end] != '"'; end++ {
			if data[end] == '\\' {
				escaped = true
				end++
			}
		}
		if end >= len(data) {
			break
		}
		if escaped {
			var text string
			if json.Unmarshal(data[i:end+1], &text) == nil {
				if clean := scrub(text, acct); clean != text {
					lit, _ := json.Marshal(clean)
					out = append(append(out, data[last:i]...), lit...)
					last = end + 1
				}
			}
		}
		i = end
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
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
	return RedactUserinfo(u)
}

// redactBaseUserinfo removes from msg the user info of u (as it is, and as
// Go's errors show it: "user:***@"), for transport errors that quote the
// URL.
func redactBaseUserinfo(msg, u string) string {
	parsed, err := url.Parse(u)
	if err != nil || parsed.User == nil {
		return msg
	}
	forms := []string{parsed.User.String()}
	if name := parsed.User.Username(); name != "" {
		forms = append(forms, name+":***", url.User(name).String())
	}
	for _, f := range forms {
		if f != "" {
			msg = strings.ReplaceAll(msg, f+"@", "…@")
		}
	}
	return msg
}

// RedactUserinfo replaces the user info of a URL (the credentials of
// https://user:pass@gateway/v1) with "…", keeping the rest as it is:
// "https://…@gateway/v1". Every place that shows a base URL or a URL made
// from one shows it through RedactUserinfo.
func RedactUserinfo(u string) string {
	j := strings.Index(u, "://")
	if j < 0 {
		return u
	}
	rest := u[j+3:]
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	i := strings.LastIndex(rest, "@")
	if i < 0 {
		return u
	}
	return u[:j+3] + "…" + u[j+3+i:]
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
