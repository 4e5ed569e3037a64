package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/luabridge"
)

// Exit codes, documented in the README.
const (
	ExitOK          = 0
	ExitScript      = 1 // the script raised an error, or a call was refused (validation, policy)
	ExitUsage       = 2 // bad flags or arguments
	ExitConfig      = 3 // the configuration is wrong
	ExitAPI         = 4 // an integration call failed and the script did not catch it
	ExitTimeout     = 5 // --timeout ended the script
	ExitCredentials = 6 // an account's key is missing or cannot be read
	ExitAccount     = 7 // a script, --account or KOSMO_<NAME>_ACCOUNT named an unknown account
	ExitMemory      = 8 // --max-memory ended the script
	ExitInterrupted = 130
)

// errTimeout is the cause of a context ended by --timeout.
var errTimeout = errors.New("time limit (--timeout) reached")

// interrupted is the error of a server (kosmo fake, kosmo mcp serve)
// that stopped because ctx ended (SIGINT or SIGTERM): it exits with
// ExitInterrupted, as every command that a signal stops does, so that
// whatever started it can tell a stop it asked for from a clean end of
// its input. Nothing is printed: the server stopped as asked.
func interrupted(ctx context.Context, what string) error {
	return &reported{fmt.Errorf("%s: stopped by a signal: %w", what, ctx.Err())}
}

// usageError is a wrong command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// exitCode maps an error to the process's exit code. Why a script stopped
// comes from its context's cause, which luabridge.ScriptError carries, never
// from a message a script could forge.
func exitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, luabridge.ErrMemoryLimit):
		return ExitMemory
	case errors.Is(err, errTimeout):
		return ExitTimeout
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.Is(err, accounts.ErrCredentials):
		return ExitCredentials
	case errors.Is(err, accounts.ErrUnknownAccount):
		return ExitAccount
	}
	var (
		ue *usageError
		ce *accounts.ConfigError
		cf *checkFailed
		ae *integration.APIError
	)
	switch {
	case errors.As(err, &ue), errors.Is(err, kosmo.ErrUnknownFunction):
		return ExitUsage
	case errors.As(err, &ae):
		return ExitAPI
	case errors.As(err, &ce):
		return ExitConfig
	case errors.As(err, &cf):
		if cf.onlyMissingKeys() {
			return ExitCredentials
		}
		return ExitAPI
	}
	// A script error that is none of the above (its Go error, when kosmo
	// raised it, was checked above): the fields of an error table are the
	// script's to change, so they never choose the code.
	return ExitScript
}
