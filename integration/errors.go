package integration

import (
	"fmt"
	"strings"
)

// APIError is a call that reached no usable answer: the provider answered
// with an error status (Status > 0), or the transport failed (Status == 0,
// Err holds the cause). It never holds a credential: messages are scrubbed of
// the account's key before they are stored.
type APIError struct {
	Function, Account string
	// Status is the HTTP status, or 0 when no response was received.
	Status int
	// Type, Code and Param are the provider's error fields, when given.
	// Invoke sets Type when the provider gave none: "api_error" for an
	// error status, "connection_error" when no answer came,
	// "invalid_response" for an answer that cannot be used.
	Type, Code, Param string
	Message           string
	RequestID         string
	// Retryable says whether the failure is of a kind worth retrying later.
	Retryable bool
	// Attempts is how many HTTP requests were made.
	Attempts int
	// Err is the underlying cause of a transport failure.
	Err error
}

// Error implements error with one line: "fn (account a): 404 not_found: …".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Function)
	if e.Account != "" {
		fmt.Fprintf(&b, " (account %s)", e.Account)
	}
	b.WriteString(": ")
	if e.Status > 0 {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		} else if e.Type != "" {
			b.WriteString(" " + e.Type)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// Unwrap returns the transport cause, if any.
func (e *APIError) Unwrap() error { return e.Err }

// PolicyError is a call refused by the host before anything was sent, for
// example a write in read-only mode.
type PolicyError struct {
	Function, Account string
	Message           string
}

// Error implements error.
func (e *PolicyError) Error() string {
	if e.Account != "" {
		return fmt.Sprintf("%s (account %s): %s", e.Function, e.Account, e.Message)
	}
	return e.Function + ": " + e.Message
}

// ResponseTooLargeError is an answer whose body exceeded the client's
// MaxResponseBytes. Reading stops at the cap, and the call is not retried:
// the same request would get the same answer.
type ResponseTooLargeError struct {
	// Status is the answer's HTTP status.
	Status int
	// Limit is the cap, in bytes.
	Limit int64
	// RequestID is the answer's x-request-id, unscrubbed.
	RequestID string
}

// Error implements error.
func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("response body larger than %d bytes (the client's size cap)", e.Limit)
}
