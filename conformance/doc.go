// Package conformance checks kosmo's OpenAI requests and the answers of its
// fake (integration/openai/openaitest) against OpenAI's official OpenAPI
// spec, with Stoplight Prism as the oracle.
//
// Its tests carry the build tag "conformance" and need Prism running: run
// them with `make conformance` (conformance/run.sh), which installs Prism
// pinned, starts it on loopback, runs the tests and prints, per function
// (and per operation for those checked with plain HTTP), whether every
// request was accepted and every response valid. The spec is
// testdata/openapi/openapi.json, made by conformance/trimspec.
//
// What the tests check, each case a Lua script run by kosmo unless said
// otherwise:
//
//   - requests: for each of the 15 functions a full call (every documented
//     parameter, checked on the wire), a minimal one (the required
//     parameters only) and one call per value of each enum kosmo accepts.
//     JSON calls go through a Prism proxy (--errors) in front of the fake,
//     which must receive them unchanged; binary uploads and speech go to a
//     Prism mock, as the proxy re-encodes binary bodies;
//   - responses: every answer of the fake through the proxy, list pages,
//     runs in each status, the declared 429 errors, and the undeclared
//     400, 401 and 404 bodies replayed as 429s so that Prism checks their
//     shape. Known differences between the spec and the real API, which
//     the fake follows, are pinned in responses_test.go, violation by
//     violation. Fields a JSON answer has but its schema does not declare,
//     which Prism lets pass, are checked here against the spec;
//   - operations: the fake's Conversations and Responses operations (which
//     replaced the Assistants API, retired on 2026-08-26), called with plain
//     HTTP through the proxy: conversations and their item pages, responses
//     in every status (synchronous, queued, in_progress, completed,
//     incomplete, cancelled), tool calls and their outputs, and their
//     errors, replayed like the functions' own;
//   - the oracle bites: requests that kosmo's validation would refuse, sent
//     with it switched off, and answers broken on purpose must be refused,
//     for the functions and for those operations.
//
// The seven assistants functions are checked on the Assistants v2 wire:
// their account sets the "assistants: native" setting, and the fake serves
// that API (openaitest.WithLegacyAssistants).
//
// Headers, multipart bodies byte for byte and query strings, which the spec
// does not pin down, are tested in integration/openai.
package conformance
