package openaitest

import "net/http"

type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

type modelList struct {
	Object string        `json:"object"`
	Data   []modelObject `json:"data"`
}

// models is what GET /v1/models lists: every model the other endpoints
// accept by name, with the creation times and owners the real API shows.
// Chat completions accept any model name; the other endpoints only these.
func models() []modelObject {
	m := func(id string, created int64, owner string) modelObject {
		return modelObject{ID: id, Object: "model", Created: created, OwnedBy: owner}
	}
	return []modelObject{
		m("gpt-4o", 1715367049, "system"),
		m("gpt-4o-2024-08-06", 1722814719, "system"),
		m("gpt-4o-mini", 1721172741, "system"),
		m("gpt-4o-mini-2024-07-18", 1721172717, "system"),
		m("gpt-4-turbo", 1712361441, "system"),
		m("gpt-4", 1687882411, "openai"),
		m("gpt-3.5-turbo", 1677610602, "openai"),
		m("gpt-4.1", 1744316542, "system"),
		m("gpt-4.1-mini", 1744318173, "system"),
		m("gpt-4.1-nano", 1744321707, "system"),
		m("gpt-5", 1754425777, "system"),
		m("gpt-5-mini", 1754425928, "system"),
		m("gpt-5-nano", 1754426384, "system"),
		m("o1", 1734375816, "system"),
		m("o3", 1744225308, "system"),
		m("o3-mini", 1737146383, "system"),
		m("o4-mini", 1744225351, "system"),
		m("text-embedding-3-small", 1705948997, "system"),
		m("text-embedding-3-large", 1705953180, "system"),
		m("text-embedding-ada-002", 1671217299, "openai-internal"),
		m("dall-e-2", 1698798177, "system"),
		m("dall-e-3", 1698785189, "system"),
		m("gpt-image-1", 1745517030, "system"),
		m("gpt-image-1-mini", 1758845821, "system"),
		m("gpt-image-1.5", 1763424000, "system"),
		m("whisper-1", 1677532384, "openai-internal"),
		m("gpt-4o-transcribe", 1742068463, "system"),
		m("gpt-4o-mini-transcribe", 1742068596, "system"),
		m("gpt-4o-mini-transcribe-2025-12-15", 1765756800, "system"),
		m("gpt-4o-transcribe-diarize", 1760040000, "system"),
		m("tts-1", 1681940951, "openai-internal"),
		m("tts-1-hd", 1699046015, "system"),
		m("gpt-4o-mini-tts", 1742403959, "system"),
		m("gpt-4o-mini-tts-2025-12-15", 1765756800, "system"),
		m("omni-moderation-latest", 1731689265, "system"),
	}
}

func (h *Handler) listModels(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, modelList{Object: "list", Data: models()})
	return nil
}

// getModel answers GET /v1/models/{model} (not one of the fifteen, but
// cheap and what clients probe).
func (h *Handler) getModel(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("model")
	for _, m := range models() {
		if m.ID == id {
			writeJSON(w, http.StatusOK, m)
			return nil
		}
	}
	return modelNotFound(id)
}
