// Package engine opens the store that a host's store setting names: the
// embedded SQLite file (the default: one machine, one user) or a shared
// PostgreSQL database (several hosts).
//
// The setting (the config file's store key, or $KOSMO_STORE) is one of
//
//	""                      the SQLite file at the default place
//	/path/to/kosmo.db       a SQLite file
//	postgres://…            a PostgreSQL database (postgresql:// too)
//	env:NAME                the value of the environment variable NAME
//	file:/path/to/url       the content of a file (trimmed)
//
// env: and file: keep a URL with a password out of the config file. A
// PostgreSQL URL is shown only redacted, in every error.
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/kosmo-run/kosmo/store"
	"github.com/kosmo-run/kosmo/store/postgres"
	"github.com/kosmo-run/kosmo/store/sqlite"
)

// Env is what resolving a setting reads.
type Env struct {
	// Getenv reads the environment (env:NAME).
	Getenv func(string) string
	// ReadFile reads a file (file:PATH); nil uses os.ReadFile.
	ReadFile func(string) ([]byte, error)
	// DefaultPath is the SQLite file of an empty setting.
	DefaultPath string
}

// Names of the engines.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Target is a resolved setting.
type Target struct {
	// Engine is SQLite or Postgres.
	Engine string
	// Location is the file path or the URL; a URL may hold a password,
	// never show it: use Shown.
	Location string
	// Shown is Location as errors and listings show it.
	Shown string
}

// Resolve reads the setting and names its engine and location.
func Resolve(setting string, env Env) (Target, error) {
	value, from, err := Indirect("store", setting, env)
	if err != nil {
		return Target{}, err
	}
	switch {
	case value == "":
		return Target{Engine: SQLite, Location: env.DefaultPath, Shown: env.DefaultPath}, nil
	case postgres.IsURL(value):
		return Target{Engine: Postgres, Location: value, Shown: postgres.Redact(value) + from}, nil
	case strings.Contains(value, "://"):
		scheme, _, _ := strings.Cut(value, "://")
		return Target{}, fmt.Errorf("store: unknown engine %q%s: a file path (SQLite) or postgres://… expected", scheme+"://", from)
	case mistypedURL(value):
		return Target{}, fmt.Errorf("store: the value%s %w", from, ErrMistypedURL)
	}
	return Target{Engine: SQLite, Location: value, Shown: value + from}, nil
}

// ErrMistypedURL is a store setting that reads as a mistyped URL or a
// key=value connection string rather than a SQLite file path: it is
// refused, never shown (it may hold a password) nor used as a file name.
var ErrMistypedURL = errors.New("looks like a mistyped URL or a key=value connection string, not a file path: a PostgreSQL store is written postgres://user:password@host/db (the value is not shown: it may hold a password)")

// urlSchemes are the schemes a store or rate_limit_store URL has.
var urlSchemes = []string{"postgresql", "postgres", "rediss", "redis"}

// dsnKey matches the keys of a libpq key=value connection string.
var dsnKey = regexp.MustCompile(`(?i)(^|\s)(host|hostaddr|port|dbname|user|password|passfile|sslmode|service)\s*=`)

// mistypedURL reports whether value, which has no "://", reads as a URL
// with its separator mistyped (postgres//…, redis:…), a password in a
// URL's user part (user:password@host) or a parameter, or a key=value
// connection string: a SQLite path named after it would keep the
// password in a file name.
func mistypedURL(value string) bool {
	lower := strings.ToLower(value)
	for _, scheme := range urlSchemes {
		if rest, ok := strings.CutPrefix(lower, scheme); ok && (strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "//")) {
			return true
		}
	}
	if at := strings.LastIndex(value, "@"); at > 0 && strings.Contains(value[:at], ":") {
		return true
	}
	return strings.Contains(lower, "password=") || dsnKey.MatchString(value)
}

// Indirect reads a setting named key that may hold its value itself or
// say where it is: env:NAME (an environment variable) or file:PATH (a
// file's content, trimmed). It returns the value and, for those two,
// where it came from (" (from …)"), for messages.
func Indirect(key, setting string, env Env) (value, from string, err error) {
	if name, ok := strings.CutPrefix(setting, "env:"); ok {
		if name == "" {
			return "", "", fmt.Errorf("%s: env: needs the name of an environment variable, e.g. env:KOSMO_STORE_URL", key)
		}
		if env.Getenv != nil {
			value = env.Getenv(name)
		}
		if value == "" {
			return "", "", fmt.Errorf("%s: environment variable %s (%s: env:%s) is not set", key, name, key, name)
		}
		return value, " (from environment variable " + name + ")", nil
	}
	if path, ok := strings.CutPrefix(setting, "file:"); ok {
		read := env.ReadFile
		if read == nil {
			read = os.ReadFile
		}
		data, err := read(path)
		if err != nil {
			if cause := errors.Unwrap(err); cause != nil {
				err = cause
			}
			return "", "", fmt.Errorf("%s: cannot read the file %s (%s: file:%s): %w", key, path, key, path, err)
		}
		value = strings.TrimSpace(string(data))
		if value == "" {
			return "", "", fmt.Errorf("%s: the file %s (%s: file:%s) is empty", key, path, key, path)
		}
		return value, " (from file " + path + ")", nil
	}
	return setting, "", nil
}

// Open resolves setting and opens its store.
func Open(ctx context.Context, setting string, env Env) (store.Store, error) {
	t, err := Resolve(setting, env)
	if err != nil {
		return nil, err
	}
	switch t.Engine {
	case Postgres:
		db, err := postgres.Open(ctx, t.Location)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		return db, nil
	default:
		db, err := sqlite.Open(ctx, t.Location)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", t.Shown, err)
		}
		return db, nil
	}
}
