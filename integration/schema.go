package integration

import (
	"context"
	"io"
	"net/http"
	"net/url"
)

// Type is the type of a parameter, named as the reference docs name it.
type Type string

// The parameter types a spec can declare.
const (
	TypeString  Type = "string"
	TypeInteger Type = "integer"
	TypeNumber  Type = "number"
	TypeBoolean Type = "boolean"
	TypeArray   Type = "array"
	TypeObject  Type = "object"
	// TypeAny accepts any JSON value; used inside free-form objects.
	TypeAny Type = "any"
)

// Operation says whether a function only reads or also changes state at the
// provider. Policies (read-only, dry-run) are decided on it.
type Operation string

// The two operations.
const (
	Read  Operation = "read"
	Write Operation = "write"
)

// Param declares one parameter (or one field of an object parameter, or the
// items of an array parameter).
type Param struct {
	// Name is the key in the argument table.
	Name string
	// Type is the documented type.
	Type Type
	// Required parameters must be present and not null.
	Required bool
	// Description is the markdown text of the reference docs.
	Description string
	// Enum, when set, lists the accepted string values.
	Enum []string
	// Min and Max bound numbers (inclusive) when set.
	Min, Max *float64
	// MinLen and MaxLen bound string length in characters, or array length,
	// when non-zero.
	MinLen, MaxLen int
	// Items is the schema of array elements (nil: free-form elements).
	Items *Param
	// Fields are the known fields of an object; other keys are allowed only
	// when Open is set.
	Fields []Param
	// Open allows keys beyond Fields in an object (they are passed through
	// unchecked).
	Open bool
	// Or is an alternative schema tried when the value does not have Type:
	// for example a string parameter that also takes an array of strings.
	Or *Param
	// Base64 marks a string holding base64 data; it is decoded during
	// validation, so invalid base64 fails before anything is sent.
	Base64 bool
}

// Bound returns a pointer to v, for Param.Min and Param.Max.
func Bound(v float64) *float64 { return &v }

// Example is a titled Lua snippet shown in the reference docs.
type Example struct {
	Title string
	Code  string
}

// Args are validated arguments: JSON-shaped Go values (string, float64,
// bool, []any, map[string]any, nil) keyed by parameter name.
type Args map[string]any

// Function is the one declaration of an integration function.
type Function struct {
	// Name is the function's name in the script namespace, e.g.
	// "openai_chat_completion".
	Name string
	// Summary is the one-line description of the reference docs.
	Summary string
	// Description is the longer description.
	Description string
	// Operation is Read or Write.
	Operation Operation
	// Params are the documented parameters, in documentation order.
	Params []Param
	// Check, when set, adds rules across parameters (for example "dall-e-3
	// makes one image"); it runs after every parameter passed on its own.
	Check func(args Args) []Problem
	// Build turns validated arguments into the HTTP request to send. It does
	// no I/O and sees no credentials.
	Build func(args Args) (*Request, error)
	// Decode turns a successful response into the result. Nil means the body
	// is returned as JSON.
	Decode func(resp *Response, args Args) (*Result, error)
	// Stateless marks a write that stores nothing at the provider (a chat
	// completion, an embedding): retrying it after an ambiguous failure
	// cannot create a duplicate.
	Stateless bool
	// Today says, in markdown, which endpoint carries the function on the
	// provider's API as it is now, and why when that changed; the docs
	// append it after the documented reference.
	Today string
	// Run, when set, carries the call itself instead of one request built by
	// Build: it may send several requests, none, or choose by an account
	// setting, and keep objects in the host's store, all through x (which
	// also makes dry runs of it). x.Standard is the call Build and Decode
	// declare. Validation, policy and the call log stay the host's.
	Run func(ctx context.Context, x *Exchange, args Args) (*Result, error)
	// Spec, when set, is the provider's own schema of the whole argument
	// object (taken from its API spec): its properties beyond Params are
	// accepted and validated by it, and the documented Params are checked
	// by it too. Unknown keys stay refused.
	Spec *SpecSchema
	// OnChunk, when set, names the parameter in which a script passes a
	// function to receive each chunk of a streamed answer (Caller.OnChunk).
	// It is taken out of the arguments before validation and never sent.
	OnChunk string
	// Guide is markdown the docs append at the end of the reference and on
	// the function's page: how to use what the provider added since the
	// documented reference (streaming, tool calls, models shut down).
	Guide string
}

// Idempotent reports whether a retry after an ambiguous failure is safe:
// reads, and writes that store nothing.
func (f *Function) Idempotent() bool { return f.Operation == Read || f.Stateless }

// Param returns the parameter named name, or nil.
func (f *Function) Param(name string) *Param {
	for i := range f.Params {
		if f.Params[i].Name == name {
			return &f.Params[i]
		}
	}
	return nil
}

// Integration is one provider with its ordered functions.
type Integration struct {
	// Name is the namespace key: app.integrations.<Name>.
	Name string
	// Title is the human name used in docs ("OpenAI").
	Title string
	// DefaultBaseURL is used when an account sets no base URL.
	DefaultBaseURL string
	// Env names the environment variables that make the default account
	// when no config file names one.
	Env EnvNames
	// Functions in documentation order.
	Functions []*Function
	// Examples shown at the end of the reference docs.
	Examples []Example
	// Authorize adds the account's credentials to an outgoing request.
	Authorize func(h http.Header, acct *Account)
	// ParseError turns a failed response into an API error; nil uses a
	// generic one.
	ParseError func(resp *Response) *APIError
	// Today is markdown the docs append after the documented reference:
	// what changed at the provider since, and how the host follows.
	Today string
	// Settings are the account settings the integration understands beyond
	// the common ones (key, base URL, organization, project, timeout,
	// retries, read-only).
	Settings []Setting
	// Appendix is markdown that ends the docs: reference the integration
	// renders from its own tables (which model takes what).
	Appendix string
}

// Setting declares one account setting of an integration: a config key
// under the account that takes one of a few values.
type Setting struct {
	// Name is the config key, e.g. "assistants".
	Name string
	// Description is the markdown text of the docs.
	Description string
	// Values are the accepted values; Default is used when none is set.
	Values  []string
	Default string
}

// Setting returns the setting named name, or nil.
func (in *Integration) Setting(name string) *Setting {
	for i := range in.Settings {
		if in.Settings[i].Name == name {
			return &in.Settings[i]
		}
	}
	return nil
}

// AccountSetting returns acct's value of the setting named name, or the
// setting's default when acct sets none ("" for an unknown setting).
func (in *Integration) AccountSetting(acct *Account, name string) string {
	if v, ok := acct.Settings[name]; ok && v != "" {
		return v
	}
	if s := in.Setting(name); s != nil {
		return s.Default
	}
	return ""
}

// EnvNames are the environment variables an integration reads for its
// default account.
type EnvNames struct {
	APIKey, BaseURL, Organization, Project string
}

// Function returns the function named name, or nil.
func (in *Integration) Function(name string) *Function {
	for _, f := range in.Functions {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// FunctionNames lists the function names in documentation order.
func (in *Integration) FunctionNames() []string {
	names := make([]string, len(in.Functions))
	for i, f := range in.Functions {
		names[i] = f.Name
	}
	return names
}

// Request is an HTTP request described without credentials or base URL.
type Request struct {
	Method string
	// Path is relative to the account's base URL and already escaped,
	// e.g. "/threads/thread_1/messages".
	Path string
	// Endpoint is the path's template, e.g. "/threads/{thread_id}/messages":
	// call logs name requests by it, so they hold no ids. Empty means Path.
	Endpoint    string
	Query       url.Values
	Header      http.Header
	ContentType string
	Body        []byte
	// Stream, when set, reads a successful answer's body as it arrives
	// instead of the body being read whole (see StreamStopped). It
	// returns the answer assembled, as a body read whole would be: the
	// Response's Body, from which the rate limiter reads the usage.
	Stream func(body io.Reader) ([]byte, error)
}

// Response is a complete HTTP response with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Attempts is how many HTTP requests were made.
	Attempts int
}

// Result is what a call returns to the script: either a JSON document, or
// a Go value of JSON shape when the integration builds the result itself.
type Result struct {
	JSON  []byte
	Value any
}
