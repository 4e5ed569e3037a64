// Package openaitest fakes the OpenAI REST API in memory, on loopback, for
// tests, demos and the "kosmo fake" command.
//
// Its one job is to answer the fifteen OpenAI endpoints that kosmo calls the
// way api.openai.com would: same paths, same authentication, same JSON
// shapes (those of OpenAI's published OpenAPI document), same error bodies,
// but with deterministic, locally computed content and no network access.
//
// The API is shaped like net/http/httptest:
//
//	srv := openaitest.NewServer()
//	defer srv.Close()
//	// point a client at srv.BaseURL() with openaitest.DefaultAPIKey
//
// A [Handler] holds all the state (assistants, threads, runs, files,
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
//   - assistants, threads, messages, runs and files live in memory; a run
//     advances one step (queued, in_progress, completed) each time it is
//     read, and on completion appends an assistant reply to its thread.
//
// Deliberate differences from the published spec, all as the real API
// behaves: first_id and last_id of an empty list are null; speech answers
// audio/* content types rather than application/octet-stream; text, srt and
// vtt transcriptions are text/plain; file purposes "evals" and
// "assistants_output" are accepted although OpenAIFile's enum lacks them.
//
// Faults (status codes with headers, delays, answers that never come,
// connection resets, bodies that are truncated, trickle, are not JSON, are
// oversized or echo the request's headers) can be injected per method, path,
// model and request number; see [Fault].
package openaitest
