// Package audit writes the audit log: one JSON line per integration call,
// saying who called what and how it ended, and never what was sent.
//
// A line holds time, integration, account, function, operation, outcome,
// status, attempts, duration_ms and request_id. It never holds parameter
// values, results or credentials: it is built from
// [integration.CallInfo], which carries none.
package audit
