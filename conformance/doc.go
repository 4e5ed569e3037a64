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
//     violation (the one on requests, in today_test.go). Fields a JSON
//     answer has but its schema does not declare, which Prism lets pass,
//     are checked here against the spec;
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
// The seven assistants functions are checked on both of their backends:
//
//   - today's API, the default ("assistants: responses"): for each a full
//     and a minimal call and more, each a script whose account has the
//     default backend and an in-memory store, through the proxy to the fake
//     as it is by default (no Assistants API). Every request must pass
//     Prism and reach the fake unchanged, and the script's requests, in
//     order, must be the mapping's (Conversations and Responses, none for
//     the assistants kept in the store), each parameter where the mapping
//     puts it. An answer Prism refuses with the documented usage deviation
//     (a background response's usage is null until it completes) is handed
//     to kosmo as the fake gave it, so that a run is polled to its end. A
//     request Prism refuses with the documented InputItem deviation, and
//     nothing else, reaches the fake as kosmo sent it, and the fake's
//     answer is replayed through the proxy for Prism to check: a user,
//     system or developer message with list content (content parts, which
//     is how images are sent) matches two alternatives of the spec's
//     InputItem oneOf, EasyInputMessage and InputMessage, so Prism refuses
//     it, where the real API takes it. That deviation, the only one on a
//     request, is listed with its reason, violation by violation, in
//     today_test.go (inputItemDeviation), for items on POST /conversations
//     and POST /conversations/{id}/items and input on POST /responses; any
//     other violation of the same request is refused, as oracle cases
//     show. The report counts the cases that met it;
//   - the Assistants v2 wire: the request and response cases above, on an
//     account set to "assistants: native", against the fake serving that
//     API (openaitest.WithLegacyAssistants).
//
// Chat completions with tools and streamed ones (stream = true) are among
// the request cases. Prism cannot check a streamed answer (it validates the
// whole text/event-stream body, a string, against the chunk schema), so the
// fake's chunks, for text, tool calls, logprobs and the usage chunk, are
// validated one by one against the spec's CreateChatCompletionStreamResponse
// with a JSON Schema validator (chunks_test.go, which needs no Prism and
// runs with the other tests too).
//
// Headers, multipart bodies byte for byte and query strings, which the spec
// does not pin down, are tested in integration/openai.
package conformance
