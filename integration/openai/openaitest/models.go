package openaitest

import (
	"fmt"
	"net/http"

	"github.com/kosmo-run/kosmo/integration/openai/chatmodels"
	"github.com/kosmo-run/kosmo/integration/openai/retired"
)

type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
	// ShutdownDate is the day the model shuts down (retired.Date: the chat
	// and media tables), null when none is announced.
	ShutdownDate *string `json:"shutdown_date"`
}

type modelList struct {
	Object string        `json:"object"`
	Data   []modelObject `json:"data"`
}

// modelKind is what a model does; it decides which endpoints serve it.
type modelKind int

const (
	textKind          modelKind = iota + 1 // chat completions and responses
	embeddingKind                          // embeddings
	imageKind                              // image generations
	speechKind                             // speech
	transcriptionKind                      // transcriptions
	moderationKind                         // moderations (not served by the fake)
)

// modelInfo is one entry of the model table: what GET /v1/models lists, and
// what each endpoint needs to know to serve the model or refuse it.
type modelInfo struct {
	id      string
	created int64
	owner   string
	kind    modelKind

	// reasoning (text models): refuses max_tokens on chat completions and
	// reasons with medium effort unless told otherwise.
	reasoning bool
	// responsesUnknown: the Responses API answers that it cannot find the
	// model ("The requested model, 'x' was not found.") instead of saying
	// that the model is not supported there, as it does for the other
	// models of the table that it does not serve.
	responsesUnknown bool
	// dims (embedding models): the native vector length; fixedDims: the
	// model refuses "dimensions".
	dims      int
	fixedDims bool
	// image (image models): what the model accepts.
	image imageLimits
	// formats (transcription models): the response formats it accepts.
	formats []string
}

// modelTable is the one list of the models the fake knows, in the order GET
// /v1/models lists them, with the creation times and owners the real API
// shows. Every endpoint that takes a model looks it up here (see
// [modelFor]): a name that is not in the table, or whose kind the endpoint
// does not serve, is refused the way the real endpoint refuses it.
var modelTable = []modelInfo{
	textEntry("gpt-4o", 1715367049, "system"),
	textEntry("gpt-4o-2024-08-06", 1722814719, "system"),
	textEntry("gpt-4o-mini", 1721172741, "system"),
	textEntry("gpt-4o-mini-2024-07-18", 1721172717, "system"),
	textEntry("gpt-4-turbo", 1712361441, "system"),
	textEntry("gpt-4", 1687882411, "openai"),
	textEntry("gpt-3.5-turbo", 1677610602, "openai"),
	textEntry("gpt-4.1", 1744316542, "system"),
	textEntry("gpt-4.1-mini", 1744318173, "system"),
	textEntry("gpt-4.1-nano", 1744321707, "system"),
	reasoningEntry("gpt-5", 1754425777, "system"),
	reasoningEntry("gpt-5-mini", 1754425928, "system"),
	reasoningEntry("gpt-5-nano", 1754426384, "system"),
	reasoningEntry("gpt-5.1", 1762905600, "system"),
	reasoningEntry("gpt-5.1-mini", 1762905600, "system"),
	reasoningEntry("gpt-5.2", 1765411200, "system"),
	reasoningEntry("gpt-5.4", 1773705600, "system"),
	reasoningEntry("gpt-5.4-mini", 1773705600, "system"),
	reasoningEntry("o1", 1734375816, "system"),
	reasoningEntry("o3", 1744225308, "system"),
	reasoningEntry("o3-mini", 1737146383, "system"),
	reasoningEntry("o4-mini", 1744225351, "system"),
	embeddingEntry("text-embedding-3-small", 1705948997, "system", 1536, false),
	embeddingEntry("text-embedding-3-large", 1705953180, "system", 3072, false),
	embeddingEntry("text-embedding-ada-002", 1671217299, "openai-internal", 1536, true),
	imageEntry("dall-e-2", 1698798177, "system", imageLimits{maxN: 10, maxPrompt: 1000}, true),
	imageEntry("dall-e-3", 1698785189, "system", imageLimits{maxN: 1, maxPrompt: 4000, revises: true}, true),
	imageEntry("gpt-image-1", 1745517030, "system", imageLimits{maxN: 10, maxPrompt: 32000, gpt: true}, false),
	imageEntry("gpt-image-1-mini", 1758845821, "system", imageLimits{maxN: 10, maxPrompt: 32000, gpt: true}, false),
	imageEntry("gpt-image-1.5", 1763424000, "system", imageLimits{maxN: 10, maxPrompt: 32000, gpt: true}, true),
	imageEntry("gpt-image-2", 1776729600, "system", imageLimits{maxN: 10, maxPrompt: 32000, gpt: true}, true),
	imageEntry("gpt-image-2-2026-04-21", 1776729600, "system", imageLimits{maxN: 10, maxPrompt: 32000, gpt: true}, true),
	transcriptionEntry("whisper-1", 1677532384, "openai-internal", "json", "text", "srt", "verbose_json", "vtt"),
	transcriptionEntry("gpt-4o-transcribe", 1742068463, "system", "json", "text"),
	transcriptionEntry("gpt-4o-mini-transcribe", 1742068596, "system", "json", "text"),
	transcriptionEntry("gpt-4o-mini-transcribe-2025-12-15", 1765756800, "system", "json", "text"),
	transcriptionEntry("gpt-4o-transcribe-diarize", 1760040000, "system", "json", "text", "diarized_json"),
	speechEntry("tts-1", 1681940951, "openai-internal"),
	speechEntry("tts-1-hd", 1699046015, "system"),
	speechEntry("gpt-4o-mini-tts", 1742403959, "system"),
	speechEntry("gpt-4o-mini-tts-2025-12-15", 1765756800, "system"),
	{id: "omni-moderation-latest", created: 1731689265, owner: "system", kind: moderationKind},
}

func textEntry(id string, created int64, owner string) modelInfo {
	return modelInfo{id: id, created: created, owner: owner, kind: textKind}
}

func reasoningEntry(id string, created int64, owner string) modelInfo {
	m := textEntry(id, created, owner)
	m.reasoning = true
	return m
}

func embeddingEntry(id string, created int64, owner string, dims int, fixed bool) modelInfo {
	// The Responses API does not find the embedding models at all.
	return modelInfo{id: id, created: created, owner: owner, kind: embeddingKind, dims: dims, fixedDims: fixed, responsesUnknown: true}
}

func imageEntry(id string, created int64, owner string, limits imageLimits, unknownToResponses bool) modelInfo {
	return modelInfo{id: id, created: created, owner: owner, kind: imageKind, image: limits, responsesUnknown: unknownToResponses}
}

func transcriptionEntry(id string, created int64, owner string, formats ...string) modelInfo {
	return modelInfo{id: id, created: created, owner: owner, kind: transcriptionKind, formats: formats}
}

func speechEntry(id string, created int64, owner string) modelInfo {
	return modelInfo{id: id, created: created, owner: owner, kind: speechKind}
}

// modelIndex finds a model of the table by name.
var modelIndex = func() map[string]*modelInfo {
	idx := make(map[string]*modelInfo, len(modelTable))
	for i := range modelTable {
		idx[modelTable[i].id] = &modelTable[i]
	}
	return idx
}()

// lookupModel returns the table's entry for id.
func lookupModel(id string) (*modelInfo, bool) {
	m, ok := modelIndex[id]
	return m, ok
}

// isReasoningModel tells the models that refuse max_tokens, as the real API
// does for its o-series and GPT-5 models.
func isReasoningModel(id string) bool {
	m, ok := lookupModel(id)
	return ok && m.reasoning
}

// chatFamily is the reasoning-model family of a model the table knows, by
// the one table kosmo and the fake share (chatmodels); a model the table
// marks as reasoning counts as one whatever its name.
func chatFamily(id string) chatmodels.Family {
	f := chatmodels.Lookup(id)
	if isReasoningModel(id) && !f.Reasoning {
		f = chatmodels.Every
	}
	return f
}

// endpoint is an endpoint that takes a model.
type endpoint int

const (
	chatEndpoint endpoint = iota + 1
	embeddingsEndpoint
	imagesEndpoint
	speechEndpoint
	transcriptionsEndpoint
	responsesEndpoint
)

// modelFor returns the table's entry for name if the endpoint serves it.
// Otherwise it returns the error the real endpoint answers, which differs
// between endpoints because the real API refuses models in different
// layers:
//
//   - chat completions, embeddings, speech and transcriptions look the name
//     up in the account's models first: a name that is not there is a 404
//     model_not_found ("The model `x` does not exist or you do not have
//     access to it.", param null);
//   - a model that exists but is of another kind is then refused by each
//     endpoint in its own words: chat completions with a 404 "This is not a
//     chat model …" (param "model"), embeddings with a 403 "You are not
//     allowed to generate embeddings from this model", speech and
//     transcriptions with the 404 "Invalid URL (POST /v1/audio/…)" of an
//     unknown path, as no route there serves the model;
//   - image generations check the name against their own list of image
//     models, so a name that is not an image model, whether it exists or
//     not, is a 400 "Invalid model x. The model argument should be left
//     blank." (param and code null);
//   - the Responses API answers every refusal with a 400 of param "model"
//     and code model_not_found: "The requested model 'x' does not exist."
//     for a name it does not know, "The requested model 'x' is not
//     supported with the Responses API." for a model of another kind, and
//     "The requested model, 'x' was not found." for the models it does not
//     find at all (responsesUnknown).
//
// A model OpenAI has shut down by the handler's clock (retired.Gone; the
// dates are chatmodels' and mediamodels') is refused as the API refuses a
// name it does not know, at every endpoint: a 404 model_not_found ("The
// model `x` does not exist or you do not have access to it."), and from the
// Responses API its 400 "The requested model 'x' does not exist.", unless
// [WithRetiredModels] serves it.
func (h *Handler) modelFor(e endpoint, name string) (*modelInfo, error) {
	if h.gone(name) {
		if e == responsesEndpoint {
			return nil, invalidRequest("model", "model_not_found", "The requested model '%s' does not exist.", name)
		}
		return nil, modelNotFound(name)
	}
	m, known := lookupModel(name)
	switch e {
	case chatEndpoint:
		switch {
		case !known:
			return nil, modelNotFound(name)
		case m.kind != textKind:
			return nil, &apiError{status: http.StatusNotFound, typ: "invalid_request_error", param: "model",
				message: "This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?"}
		}
	case embeddingsEndpoint:
		switch {
		case !known:
			return nil, modelNotFound(name)
		case m.kind != embeddingKind:
			return nil, &apiError{status: http.StatusForbidden, typ: "invalid_request_error",
				message: "You are not allowed to generate embeddings from this model"}
		}
	case imagesEndpoint:
		if !known || m.kind != imageKind {
			return nil, &apiError{status: http.StatusBadRequest, typ: "invalid_request_error",
				message: fmt.Sprintf("Invalid model %s. The model argument should be left blank.", name)}
		}
	case speechEndpoint, transcriptionsEndpoint:
		kind, path := speechKind, "/v1/audio/speech"
		if e == transcriptionsEndpoint {
			kind, path = transcriptionKind, "/v1/audio/transcriptions"
		}
		switch {
		case !known:
			return nil, modelNotFound(name)
		case m.kind != kind:
			return nil, invalidURLOf(http.MethodPost, path)
		}
	case responsesEndpoint:
		switch {
		case !known:
			return nil, invalidRequest("model", "model_not_found", "The requested model '%s' does not exist.", name)
		case m.kind == textKind:
		case m.responsesUnknown:
			return nil, invalidRequest("model", "model_not_found", "The requested model, '%s' was not found.", name)
		default:
			return nil, invalidRequest("model", "model_not_found", "The requested model '%s' is not supported with the Responses API.", name)
		}
	}
	return m, nil
}

// models is what GET /v1/models lists: the whole table.
func models() []modelObject {
	out := make([]modelObject, len(modelTable))
	for i, m := range modelTable {
		out[i] = m.object()
	}
	return out
}

// object is the model as GET /v1/models shows it.
func (m *modelInfo) object() modelObject {
	o := modelObject{ID: m.id, Object: "model", Created: m.created, OwnedBy: m.owner}
	if d, ok := retired.Date(m.id); ok {
		o.ShutdownDate = &d
	}
	return o
}

func (h *Handler) listModels(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, modelList{Object: "list", Data: models()})
	return nil
}

// getModel answers GET /v1/models/{model} (not one of the fifteen, but
// cheap and what clients probe).
func (h *Handler) getModel(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("model")
	m, ok := lookupModel(id)
	if !ok {
		e := modelNotFound(id)
		e.param = "model"
		return e
	}
	writeJSON(w, http.StatusOK, m.object())
	return nil
}
