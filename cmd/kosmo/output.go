package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/luabridge"
)

// reported is an error already written to standard output (in a --json
// envelope): Main maps its exit code and prints nothing more.
type reported struct{ err error }

func (r *reported) Error() string { return r.err.Error() }
func (r *reported) Unwrap() error { return r.err }

// writeJSON writes v as JSON: indented on a terminal, compact otherwise, and
// without HTML escaping.
func (a *app) writeJSON(v any) error {
	return writeJSONTo(a.env.Stdout, v, a.env.terminal(a.env.Stdout))
}

func writeJSONTo(w io.Writer, v any, pretty bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// rawJSON re-indents a JSON document for a terminal, or compacts it.
func (a *app) writeRawJSON(data []byte) error {
	var buf bytes.Buffer
	var err error
	if a.env.terminal(a.env.Stdout) {
		err = json.Indent(&buf, data, "", "  ")
	} else {
		err = json.Compact(&buf, data)
	}
	if err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = a.env.Stdout.Write(buf.Bytes())
	return err
}

// errorView is an error as JSON envelopes show it: the fields of a Lua
// error table.
type errorView struct {
	Message   string `json:"message"`
	Type      string `json:"type,omitempty"`
	Status    int    `json:"status,omitempty"`
	Code      string `json:"code,omitempty"`
	Param     string `json:"param,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	Retryable bool   `json:"retryable"`
	Attempts  int    `json:"attempts,omitempty"`
}

func viewError(err error) *errorView {
	if err == nil {
		return nil
	}
	v := &errorView{Message: err.Error()}
	var (
		ve *integration.ValidationError
		ae *integration.APIError
		pe *integration.PolicyError
		se *luabridge.ScriptError
	)
	switch {
	case errors.As(err, &ve):
		v.Type, v.Param = "validation_error", ve.Param()
	case errors.As(err, &ae):
		v.Type, v.Status, v.Code, v.Param, v.RequestID, v.Retryable, v.Attempts = ae.Type, ae.Status, ae.Code, ae.Param, ae.RequestID, ae.Retryable, ae.Attempts
		if v.Type == "" {
			v.Type = "connection_error"
		}
	case errors.As(err, &pe):
		v.Type = "policy_error"
	case errors.As(err, &se):
		f := se.Fields
		v.Type, _ = f["type"].(string)
		v.Code, _ = f["code"].(string)
		v.Param, _ = f["param"].(string)
		v.RequestID, _ = f["request_id"].(string)
		v.Retryable, _ = f["retryable"].(bool)
		if s, ok := f["status"].(float64); ok {
			v.Status = int(s)
		}
		if n, ok := f["attempts"].(float64); ok {
			v.Attempts = int(n)
		}
		if v.Type == "" {
			v.Type = "script_error"
		}
	}
	var limit *timeLimitError
	if errors.As(err, &limit) {
		v.Type = "cancelled" // as a Lua error table says of a call its script's limit stopped
	}
	return v
}

// oneLine makes text from servers and scripts safe to print as one line
// on a terminal: C0 control characters (newlines and escape sequences
// among them), DEL and C1 control characters are written as Go escapes
// (\n, \r, \t, \x1b, \u009b), and bytes that are not UTF-8 as \xNN.
func oneLine(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
