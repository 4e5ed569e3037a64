// Package integration is the registry and schema language shared by every
// integration that kosmo exposes to scripts.
//
// An Integration is a value holding an ordered list of Function specs. Each
// Function declares its parameters once (name, type, required flag,
// description, enum, bounds, item schema); validation, the Lua namespace, the
// reference docs and any tool schema all derive from that one declaration.
// A Function turns validated arguments into an HTTP Request and an HTTP
// Response into a Result; Invoke runs that round trip with the shared Client
// and its retry policy.
//
// Nothing in this package knows about Lua.
package integration
