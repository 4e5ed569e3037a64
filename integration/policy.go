package integration

import (
	"encoding/json"
	"fmt"
)

// Policy gates calls before anything is sent.
type Policy struct {
	// ReadOnly refuses every write operation.
	ReadOnly bool
	// DryRun answers write operations with what would have been sent.
	DryRun bool
}

// Check returns a *PolicyError when fn may not be sent with acct: a write in
// read-only mode, or a write with a read-only account.
func (p Policy) Check(fn *Function, acct *Account) error {
	if fn.Operation != Write {
		return nil
	}
	msg := ""
	switch {
	case p.ReadOnly:
		msg = "refused: this is a write operation and the script runs read-only (--read-only)"
	case acct.ReadOnly:
		msg = fmt.Sprintf("refused: this is a write operation and account '%s' is read-only", acct.Name)
	default:
		return nil
	}
	return &PolicyError{Function: fn.Name, Account: acct.Name, Message: msg}
}

// Intercepts reports whether the policy answers fn itself (a dry-run write)
// instead of sending it.
func (p Policy) Intercepts(fn *Function) bool { return p.DryRun && fn.Operation == Write }

// DryRun describes, without credentials, the request fn would send: dry_run,
// function, account, operation, method, url, content_type, body_bytes, and
// body when it is JSON.
func DryRun(in *Integration, fn *Function, acct *Account, args Args) (map[string]any, error) {
	plan, err := PlanCall(in, fn, acct, args)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"dry_run": true, "function": fn.Name, "account": acct.Name, "operation": string(fn.Operation),
		"method": plan.Method, "url": RedactUserinfo(plan.URL), "content_type": plan.ContentType, "body_bytes": float64(len(plan.Body)),
	}
	if plan.ContentType == "application/json" {
		var body any
		if json.Unmarshal(plan.Body, &body) == nil {
			out["body"] = body
		}
	}
	return out, nil
}
