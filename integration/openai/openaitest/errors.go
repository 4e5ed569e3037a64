package openaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// apiError is an error answered to the client in OpenAI's error shape:
// {"error":{"message":...,"type":...,"param":...,"code":...}}.
type apiError struct {
	status  int
	message string
	typ     string
	param   string // "" → null
	code    string // "" → null
	header  map[string]string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.typ, e.message) }

// errorBody is the wire form of an apiError.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (e *apiError) body() errorBody {
	return errorBody{Error: errorDetail{
		Message: e.message,
		Type:    e.typ,
		Param:   nullable(e.param),
		Code:    nullable(e.code),
	}}
}

// invalidRequest is the 400 invalid_request_error of the real API.
func invalidRequest(param, code, format string, args ...any) *apiError {
	return &apiError{
		status:  http.StatusBadRequest,
		message: fmt.Sprintf(format, args...),
		typ:     "invalid_request_error",
		param:   param,
		code:    code,
	}
}

// notFound is the 404 the real API gives for an unknown object id.
func notFound(format string, args ...any) *apiError {
	return &apiError{
		status:  http.StatusNotFound,
		message: fmt.Sprintf(format, args...),
		typ:     "invalid_request_error",
	}
}

// modelNotFound is the 404 the real API gives for a model name it does not
// know (param null, as the real answer has it); see [modelFor].
func modelNotFound(model string) *apiError {
	return &apiError{
		status:  http.StatusNotFound,
		message: fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model),
		typ:     "invalid_request_error",
		code:    "model_not_found",
	}
}

// unsupported reports a valid OpenAI feature that this fake does not
// implement, as a 400 naming the parameter.
func unsupported(param, what string) *apiError {
	return invalidRequest(param, "unsupported_by_fake", "%s is not supported by the kosmo OpenAI fake.", what)
}

func invalidURL(r *http.Request) *apiError { return invalidURLOf(r.Method, r.URL.Path) }

// invalidURLOf is the real API's 404 for a path it does not serve, which is
// also its answer when no route of a path serves the request's model.
func invalidURLOf(method, path string) *apiError {
	return &apiError{
		status:  http.StatusNotFound,
		message: fmt.Sprintf("Invalid URL (%s %s)", method, path),
		typ:     "invalid_request_error",
	}
}

func bodyTooLarge(limit int64) *apiError {
	return &apiError{
		status:  http.StatusRequestEntityTooLarge,
		message: fmt.Sprintf("Request body too large: the limit is %d bytes.", limit),
		typ:     "invalid_request_error",
		code:    "request_too_large",
	}
}

// bodyTimeout is the answer to a request whose body stalled.
func bodyTimeout() *apiError {
	return &apiError{
		status:  http.StatusRequestTimeout,
		message: "The request body was not received in time.",
		typ:     "invalid_request_error",
		code:    "request_timeout",
	}
}

// faultError returns the error body answered by a fault that sets a status
// but no body: the wording the real API uses for that status.
func faultError(status int) *apiError {
	e := &apiError{status: status, typ: "server_error"}
	switch {
	case status == http.StatusTooManyRequests:
		e.message = "Rate limit reached for requests. Please try again later."
		e.typ = "requests"
		e.code = "rate_limit_exceeded"
	case status == http.StatusServiceUnavailable:
		e.message = "The engine is currently overloaded, please try again later."
	case status >= 500:
		e.message = "The server had an error while processing your request. Sorry about that!"
	case status == http.StatusUnauthorized:
		e.message = "Invalid authorization."
		e.typ = "invalid_request_error"
		e.code = "invalid_api_key"
	case status == http.StatusNotFound:
		e.message = "Not found."
		e.typ = "invalid_request_error"
	case status >= 400:
		e.message = http.StatusText(status)
		if e.message == "" {
			e.message = "Error " + strconv.Itoa(status)
		}
		e.typ = "invalid_request_error"
	default:
		e.message = http.StatusText(status)
	}
	return e
}

// writeError answers err in OpenAI's error shape. Errors that are not
// *apiError become a 500 server_error without their text.
func writeError(w http.ResponseWriter, err error) {
	e, ok := err.(*apiError)
	if !ok {
		e = faultError(http.StatusInternalServerError)
	}
	for k, v := range e.header {
		w.Header().Set(k, v)
	}
	writeJSON(w, e.status, e.body())
}

// writeJSON answers v as JSON with the given status. HTML characters are not
// escaped, like the real API.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only values built by this package reach here; a failure is a bug
		// of ours, answered as the real API answers its own failures.
		buf.Reset()
		_ = json.NewEncoder(&buf).Encode(faultError(http.StatusInternalServerError).body())
		status = http.StatusInternalServerError
	}
	writeBytes(w, status, "application/json", buf.Bytes())
}

// writeBytes answers body with a status and content type.
func writeBytes(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// redactKey shows a key the way the real API does in its 401 message: the
// first 6 and last 4 characters around "***", or only "***" for a key too
// short to show any of it safely.
func redactKey(key string) string {
	if len(key) < 12 {
		return "***"
	}
	return key[:6] + "***" + key[len(key)-4:]
}

// quoteList renders allowed values as the real API does: 'a', 'b', and 'c'.
func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "'" + v + "'"
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	case 2:
		return q[0] + " and " + q[1]
	}
	return strings.Join(q[:len(q)-1], ", ") + ", and " + q[len(q)-1]
}
