// Package openaitest fakes the OpenAI REST API in memory, on loopback, for
// tests, demos and the "kosmo fake" command.
//
// Its one job is to answer the OpenAI endpoints that kosmo calls the way
// api.openai.com answers them today: same paths, same authentication, same
// JSON shapes (those of OpenAI's published OpenAPI document), same error
// bodies, but with deterministic, locally computed content and no network
// access.
//
// The API is shaped like net/http/httptest:
//
//	srv := openaitest.NewServer()
//	defer srv.Close()
//	// point a client at srv.BaseURL() with openaitest.DefaultAPIKey
//
// A [Handler] holds all the state (conversations, responses, files,
// generated images, recorded requests, injected faults) and can also be
// mounted on any http.Server, as "kosmo fake --addr" is meant to do.
//
// What the fake computes:
//
//   - chat completions reply "This is a fake reply to: <last user text>",
//     with token counts from [CountTokens], max_tokens, stop, n, JSON modes,
//     forced tool calls and streaming (server-sent events);
//   - embeddings are unit float32 vectors from a hashing trick over words,
//     so texts that share words are measurably more similar;
//   - images are real PNG (or JPEG) pictures of the requested size, served
//     without a key at http://HOST/v1/_fake/images/img-….png (HOST as the
//     client addressed the fake) or inline as base64;
//   - speech is real audio: a playable 24 kHz WAV of tones, silent MP3 and
//     AAC frames, an Ogg Opus stream of silent packets, a FLAC stream of the
//     same tones, or raw PCM; every container except PCM carries the input
//     text, so transcribing the file returns that text exactly (Content-Type
//     audio/mpeg, audio/wav, audio/ogg for Opus, audio/aac, audio/flac,
//     audio/pcm);
//   - conversations and their items (messages, function calls and their
//     outputs) live in memory, listed newest first by default;
//   - responses (POST /v1/responses) reply like chat completions, to the
//     last user message among the conversation's items (or those of the
//     previous_response_id chain) and the request's input; when tool_choice
//     forces a function or custom tool, the output is a call of it instead
//     of a message. The request's input items are appended to the
//     conversation when the response is created, its output when it
//     completes. A synchronous response completes at once; a background one
//     advances one step (queued, in_progress, completed) each time it is
//     read, can be cancelled until it completes (its output is then never
//     made), and cancelling it again, or once it has completed, returns it
//     unchanged. A response created with store false cannot be read back.
//     Built-in tools (file search, code interpreter, web search, …) are
//     checked and listed but never called; input items other than messages,
//     function calls and function call outputs are refused as not supported
//     by the fake;
//   - transcriptions return the text a file made by the speech endpoint
//     carries, in every response format; verbose_json carries segments by
//     default, and the words, the segments or both that
//     timestamp_granularities[] asks for (one form part per element, as
//     clients send arrays);
//   - files live in memory.
//
// Models come from one table, the list that GET /v1/models returns: its
// text models serve chat completions and responses, and its embedding,
// image, speech and transcription models their own endpoint. Every endpoint
// refuses a name that is not in the table, and a model of another kind, as
// the real endpoint does, and these answers differ between endpoints as
// they do at OpenAI: chat completions, embeddings, speech and
// transcriptions answer an unknown name with 404 model_not_found; a model of
// another kind gets 404 "This is not a chat model …" from chat
// completions, 403 "You are not allowed to generate embeddings from this
// model" from embeddings and 404 "Invalid URL (POST /v1/audio/…)" from
// speech and transcriptions; image generations answer both with 400
// "Invalid model x. The model argument should be left blank."; the
// Responses API answers both with 400 model_not_found, worded by case. The
// request is validated before the model is looked up.
//
// A model past its shutdown date (the dates of the chat and media tables,
// read through package retired) is refused at every endpoint as a name the
// API does not know, by the fake's clock: [WithDate] or [WithClock] set its
// day (by default today, or the day of the environment variable
// KOSMO_FAKE_DATE, see [DateEnv]); [WithRetiredModels] serves those models
// as before. GET /v1/models gives each model's shutdown_date.
//
// OpenAI sunset the Assistants API on 2026-08-26: by default /v1/assistants
// and /v1/threads/... answer 404 "Invalid URL", as the real API does now.
// [WithLegacyAssistants] serves them as OpenAI did: assistants, threads,
// messages and runs in memory, a run advancing one step (queued,
// in_progress, completed) each time it is read and on completion appending
// an assistant reply to its thread.
//
// Deliberate differences from the published spec, all as the real API
// behaves: first_id and last_id of an empty list are null; speech answers
// audio/* content types rather than application/octet-stream; text, srt and
// vtt transcriptions are text/plain; file purposes "evals" and
// "assistants_output" are accepted although OpenAIFile's enum lacks them; a
// response's usage is null until it completes (and stays null when it is
// cancelled); error bodies are {"error": {...}} even where the spec declares
// a bare Error (POST /v1/responses/{id}/cancel). Where the real API sends
// fields the spec does not declare (a response's store and billing, user as
// null), the fake follows the spec and leaves them out.
//
// [WithRequestLog] logs one line per request (time, method, path, status,
// duration, request id; never a key, a query or a body), as "kosmo fake"
// does on standard error.
//
// Faults (status codes with headers, delays, answers that never come,
// connection resets, bodies that are truncated, trickle, are not JSON, are
// oversized or echo the request's headers) can be injected per method, path,
// model and request number; see [Fault].
package openaitest
