package integration

import (
	"errors"
	"fmt"
	"time"
)

// Secret holds a credential. Its String and GoString methods redact it, so
// that printing an Account, an error or a log line never shows the key; Reveal
// is the only way to read it, used when building the Authorization header.
type Secret struct{ value string }

// NewSecret wraps a credential.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the credential itself.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether no credential is set.
func (s Secret) IsZero() bool { return s.value == "" }

// Redacted shows the shape of the key without revealing it: "sk-…abcd" for
// keys of 12 characters or more, "…" otherwise.
func (s Secret) Redacted() string {
	v := s.value
	if v == "" {
		return ""
	}
	if len(v) < 12 {
		return "…"
	}
	prefix := ""
	if len(v) > 3 && v[:3] == "sk-" {
		prefix = "sk-"
	}
	return prefix + "…" + v[len(v)-4:]
}

// String implements fmt.Stringer with the redacted form.
func (s Secret) String() string { return s.Redacted() }

// GoString implements fmt.GoStringer with the redacted form.
func (s Secret) GoString() string { return fmt.Sprintf("Secret(%q)", s.Redacted()) }

// MarshalText keeps the key out of any encoding of an Account.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Redacted()), nil }

// Account is one set of credentials and settings for an integration.
type Account struct {
	// Name is the account's namespace key (app.integrations.openai.<Name>).
	Name string
	// Key is the API key.
	Key Secret
	// KeySource says where the key came from, for humans ("env OPENAI_API_KEY").
	KeySource string
	// BaseURL overrides the integration's default base URL.
	BaseURL string
	// Organization and Project are sent as headers when set.
	Organization, Project string
	// Timeout bounds one HTTP attempt; zero means the client's default.
	Timeout time.Duration
	// MaxRetries overrides the client's retry count when not nil.
	MaxRetries *int
	// ReadOnly refuses write operations for this account.
	ReadOnly bool
	// RateLimits are the account's budgets per model (rate_limits).
	RateLimits RateLimits
	// Settings hold the account's values of its integration's Settings,
	// by name; a setting not here takes its default.
	Settings map[string]string
	// Clock is the time the account's API goes by, for what depends on the
	// date (whether a model's shutdown is past); nil is the host's clock.
	// kosmo sets it for accounts it points at its fake when the fake runs
	// on another day (--fake with KOSMO_FAKE_DATE).
	Clock func() time.Time
	// KeyError, when set, says why the account has no key: an environment
	// variable that is not set, a key file that cannot be read, no account
	// configured at all. Caller.Call refuses a call through such an account
	// before anything is sent (MissingKeyError), except a dry run's write,
	// which sends nothing.
	KeyError string
}

// ErrCredentials marks an error about an account's key: none given, an
// environment variable that is not set, a key file that cannot be read.
var ErrCredentials = errors.New("credentials")

// TypeCredentials is the error type (APIError.Type, err.type in Lua) of a
// call refused because its account has no key.
const TypeCredentials = "credentials_error"

// MissingKeyError is the error of a call to fn refused because acct has no
// key (acct.KeyError says why): an *APIError of type TypeCredentials that
// sent nothing, is not retryable and wraps ErrCredentials.
func MissingKeyError(fn *Function, acct *Account) *APIError {
	return &APIError{Function: fn.Name, Account: acct.Name, Type: TypeCredentials, Message: acct.KeyError, Err: ErrCredentials}
}
