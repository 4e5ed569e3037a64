package openaitest

import "net/http"

// The Conversations API, which replaced threads: a conversation is a list of
// items (messages, function calls and their outputs) that responses read
// and append to.

// conversationObject is ConversationResource.
type conversationObject struct {
	ID        string            `json:"id"`
	Object    string            `json:"object"`
	CreatedAt int64             `json:"created_at"`
	Metadata  map[string]string `json:"metadata"`
}

// conversation is a conversation with its items, oldest first.
type conversation struct {
	obj   conversationObject
	items []item
}

// maxItemsPerCall is how many items one request may add to a conversation.
const maxItemsPerCall = 20

func (h *Handler) createConversation(w http.ResponseWriter, r *http.Request) error {
	c := &checker{}
	o := readJSONBody(r, c, "items", "metadata")
	raws, _ := o.arr("items", 0, maxItemsPerCall)
	items := parseInputItems(c, "items", raws)
	md := o.metadata("metadata")
	if c.failed() {
		return c.Err()
	}
	h.mu.Lock()
	conv := &conversation{obj: conversationObject{
		ID:        newID("conv_"),
		Object:    "conversation",
		CreatedAt: h.cfg.now().Unix(),
		Metadata:  md,
	}}
	h.state.conversations[conv.obj.ID] = conv
	h.state.appendItems(conv, items)
	out := conv.obj
	h.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
	return nil
}

// appendItems stores items at the end of conv and returns them as stored;
// h.mu must be held.
func (s *state) appendItems(conv *conversation, items []item) []item {
	out := make([]item, 0, len(items))
	for _, it := range items {
		it = s.stored(it)
		conv.items = append(conv.items, it)
		out = append(out, it)
	}
	return out
}

// conversationNotFound is the real API's 404 for an unknown conversation.
func conversationNotFound(id string) *apiError {
	return notFound("Conversation with id '%s' not found.", id)
}

// lookupConversation returns the conversation named in the path; h.mu must
// be held.
func (h *Handler) lookupConversation(r *http.Request) (*conversation, error) {
	id := r.PathValue("conversation_id")
	conv, ok := h.state.conversations[id]
	if !ok {
		return nil, conversationNotFound(id)
	}
	return conv, nil
}

func (h *Handler) getConversation(w http.ResponseWriter, r *http.Request) error {
	h.mu.Lock()
	conv, err := h.lookupConversation(r)
	var out conversationObject
	if err == nil {
		out = conv.obj
	}
	h.mu.Unlock()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createConversationItems adds 1 to 20 items and answers them as a list
// page, in the order given.
func (h *Handler) createConversationItems(w http.ResponseWriter, r *http.Request) error {
	if err := parseInclude(r.URL.Query()); err != nil {
		return err
	}
	c := &checker{}
	o := readJSONBody(r, c, "items")
	o.require("items")
	raws, _ := o.arr("items", 1, maxItemsPerCall)
	items := parseInputItems(c, "items", raws)
	if c.failed() {
		return c.Err()
	}
	h.mu.Lock()
	conv, err := h.lookupConversation(r)
	var added []item
	if err == nil {
		added = h.state.appendItems(conv, items)
	}
	h.mu.Unlock()
	if err != nil {
		return err
	}
	resp := listResponse[any]{Object: "list", Data: wires(added)}
	first, last := added[0].id, added[len(added)-1].id
	resp.FirstID, resp.LastID = &first, &last
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// listConversationItems pages through the items: limit 1 to 100 (default
// 20), order desc (newest first, the default) or asc, after an item id.
func (h *Handler) listConversationItems(w http.ResponseWriter, r *http.Request) error {
	q, err := parseListQuery(r, 20, 100, false)
	if err != nil {
		return err
	}
	if err := parseInclude(r.URL.Query()); err != nil {
		return err
	}
	h.mu.Lock()
	conv, err := h.lookupConversation(r)
	var items []item
	if err == nil {
		items = append(items, conv.items...)
	}
	h.mu.Unlock()
	if err != nil {
		return err
	}
	page, err := paginate(items, func(it item) string { return it.id }, func(it item) int64 { return it.seq }, q)
	if err != nil {
		return err
	}
	resp := listResponse[any]{Object: "list", Data: wires(page.Data), FirstID: page.FirstID, LastID: page.LastID, HasMore: page.HasMore}
	writeJSON(w, http.StatusOK, resp)
	return nil
}
