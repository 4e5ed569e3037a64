package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	in "github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/store"
)

// The seven assistants, threads and runs functions keep the seed's names,
// parameters and result shapes. OpenAI sunset the Assistants API on
// 2026-08-26, so by default they are carried by today's API: an assistant
// is kept in the host's store, a thread is a conversation, a message a
// conversation item, a run a background response. An account whose server
// still serves Assistants v2 says `assistants: native`.

// Backends of the assistants setting.
const (
	// SettingAssistants is the account setting that picks the backend.
	SettingAssistants = "assistants"
	// AssistantsResponses carries the functions on Conversations and
	// Responses, with assistants in the host's store (the default).
	AssistantsResponses = "responses"
	// AssistantsNative sends them to the Assistants v2 endpoints.
	AssistantsNative = "native"
)

// assistantKind is the store kind of the assistants kosmo keeps.
const assistantKind = "openai.assistant"

// metadataAssistantID is the response metadata key that carries the
// assistant a run was made with.
const metadataAssistantID = "assistant_id"

// maxItemsPerRequest is how many items one conversation request may carry.
const maxItemsPerRequest = 20

// maxItemPages bounds the pages one list_thread_messages reads to collect
// its messages among other items.
const maxItemPages = 50

func settings() []in.Setting {
	return []in.Setting{{
		Name: SettingAssistants,
		Description: "Which API carries the assistants, threads and runs functions: `responses` (the default: " +
			"threads on Conversations, runs on Responses, assistants in kosmo's store) or `native` " +
			"(the Assistants v2 endpoints, for a server that still serves them).",
		Values:  []string{AssistantsResponses, AssistantsNative},
		Default: AssistantsResponses,
	}}
}

// assistantsRun dispatches an assistants function on the account's
// backend: native sends the function's own request (Build), responses runs
// the mapping.
func assistantsRun(mapped func(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error)) func(context.Context, *in.Exchange, in.Args) (*in.Result, error) {
	return func(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
		if x.Setting(SettingAssistants) == AssistantsNative {
			return x.Standard(ctx, args)
		}
		return mapped(ctx, x, args)
	}
}

// value returns a JSON result.
func value(v any) (*in.Result, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding the result: %w", err)
	}
	return &in.Result{JSON: data}, nil
}

func jsonRequest(method, path, endpoint string, body any) (*in.Request, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encoding request body: %w", err)
	}
	return &in.Request{Method: method, Path: path, Endpoint: endpoint, Header: http.Header{},
		ContentType: "application/json", Body: data}, nil
}

// --- assistants, kept in the store ---

// assistant is the Assistants API's assistant object, as kosmo keeps it.
type assistant struct {
	ID             string         `json:"id"`
	Object         string         `json:"object"`
	CreatedAt      int64          `json:"created_at"`
	Name           *string        `json:"name"`
	Description    *string        `json:"description"`
	Model          string         `json:"model"`
	Instructions   *string        `json:"instructions"`
	Tools          []any          `json:"tools"`
	ToolResources  map[string]any `json:"tool_resources"`
	Metadata       map[string]any `json:"metadata"`
	TopP           float64        `json:"top_p"`
	Temperature    float64        `json:"temperature"`
	ResponseFormat string         `json:"response_format"`
}

func optString(args in.Args, name string) *string {
	if s, ok := args[name].(string); ok {
		return &s
	}
	return nil
}

func createAssistant(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	tools, _ := args["tools"].([]any)
	if _, err := responsesTools("openai_create_assistant", tools); err != nil {
		return nil, err
	}
	a := assistant{
		ID: in.NewID("asst_"), Object: "assistant", CreatedAt: time.Now().Unix(),
		Name: optString(args, "name"), Description: optString(args, "description"), Instructions: optString(args, "instructions"),
		Tools: tools, ToolResources: toolResources(tools), Metadata: map[string]any{},
		TopP: 1, Temperature: 1, ResponseFormat: "auto",
	}
	a.Model, _ = args["model"].(string)
	if a.Tools == nil {
		a.Tools = []any{}
	}
	body, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("encoding the assistant: %w", err)
	}
	if err := x.Put(ctx, assistantKind, a.ID, a.CreatedAt, body); err != nil {
		return nil, fmt.Errorf("openai_create_assistant: storing the assistant: %w", err)
	}
	return &in.Result{JSON: body}, nil
}

// toolResources is the assistant's tool_resources: the vector stores its
// file_search tool names.
func toolResources(tools []any) map[string]any {
	res := map[string]any{}
	for _, t := range tools {
		tool, _ := t.(map[string]any)
		if tool["type"] == "file_search" && tool["vector_store_ids"] != nil {
			res["file_search"] = map[string]any{"vector_store_ids": tool["vector_store_ids"]}
		}
	}
	return res
}

func listAssistants(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	limit := 20
	if n, ok := args["limit"].(float64); ok {
		limit = int(n)
	}
	page, err := x.List(ctx, assistantKind, store.ListOptions{Limit: limit, Order: store.Desc})
	if err != nil {
		return nil, fmt.Errorf("openai_list_assistants: reading the store: %w", err)
	}
	data := make([]json.RawMessage, len(page.Records))
	for i, r := range page.Records {
		data[i] = r.Body
	}
	return value(listOf(data, func(i int) string { return page.Records[i].ID }, page.HasMore))
}

// listOf is the Assistants API's list: data, first_id, last_id, has_more.
func listOf[T any](data []T, id func(int) string, hasMore bool) map[string]any {
	out := map[string]any{"object": "list", "data": data, "first_id": nil, "last_id": nil, "has_more": hasMore}
	if len(data) > 0 {
		out["first_id"], out["last_id"] = id(0), id(len(data)-1)
	}
	return out
}

// loadAssistant reads an assistant from the store; one the store does not
// have is a 404, as the Assistants API answered.
func loadAssistant(ctx context.Context, x *in.Exchange, id string) (*assistant, error) {
	r, err := x.Get(ctx, assistantKind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, x.NotFound("assistant_id", fmt.Sprintf("No assistant found with id '%s' (kosmo keeps assistants per account: "+
			"create it with openai_create_assistant through account '%s')", id, x.Account().Name))
	}
	if err != nil {
		return nil, fmt.Errorf("openai_create_run: reading the store: %w", err)
	}
	var a assistant
	if err := json.Unmarshal(r.Body, &a); err != nil {
		return nil, fmt.Errorf("openai_create_run: the stored assistant %s is unreadable: %w", id, err)
	}
	return &a, nil
}

// responsesTools translates an assistant's tools to Responses tools. What
// has no equivalent is a validation error naming the tool, never dropped.
func responsesTools(function string, tools []any) ([]any, error) {
	var out []any
	var problems []in.Problem
	add := func(path, format string, a ...any) {
		problems = append(problems, in.Problem{Path: path, Message: fmt.Sprintf(format, a...)})
	}
	for i, t := range tools {
		tool, _ := t.(map[string]any)
		path := fmt.Sprintf("tools[%d]", i+1)
		extra := func(known ...string) {
			for k := range tool {
				if k != "type" && !contains(known, k) {
					add(path+"."+k, "not carried by today's API (Responses) for a %v tool; remove it, or use an account with assistants: native", tool["type"])
				}
			}
		}
		switch tool["type"] {
		case "code_interpreter":
			extra()
			out = append(out, map[string]any{"type": "code_interpreter", "container": map[string]any{"type": "auto"}})
		case "file_search":
			extra("vector_store_ids", "file_search")
			ids, ok := tool["vector_store_ids"].([]any)
			if !ok || len(ids) == 0 {
				add(path, "file_search needs vector_store_ids = { \"vs_…\" } on today's API (Responses searches the vector stores "+
					"a request names; the Assistants API is gone): add them to the tool, or use an account with assistants: native")
				continue
			}
			rt := map[string]any{"type": "file_search", "vector_store_ids": ids}
			if fs, ok := tool["file_search"].(map[string]any); ok {
				for k, v := range fs {
					rt[k] = v
				}
			}
			out = append(out, rt)
		case "function":
			extra("function")
			fn, _ := tool["function"].(map[string]any)
			name, _ := fn["name"].(string)
			if name == "" {
				add(path+".function.name", "a function name expected")
				continue
			}
			// Responses requires strict and parameters, and makes strict
			// true by default; the Assistants API's default was false.
			rt := map[string]any{"type": "function", "name": name, "strict": false, "parameters": nil}
			for _, k := range []string{"description", "parameters", "strict"} {
				if v, ok := fn[k]; ok {
					rt[k] = v
				}
			}
			out = append(out, rt)
		}
	}
	if len(problems) > 0 {
		return nil, &in.ValidationError{Function: function, Problems: problems}
	}
	return out, nil
}

// assistantsTools translates Responses tools back to the assistant shape
// that runs report.
func assistantsTools(tools []any) []any {
	out := []any{}
	for _, t := range tools {
		tool, _ := t.(map[string]any)
		switch tool["type"] {
		case "function":
			fn := map[string]any{}
			for _, k := range []string{"name", "description", "parameters", "strict"} {
				if v, ok := tool[k]; ok && v != nil {
					fn[k] = v
				}
			}
			out = append(out, map[string]any{"type": "function", "function": fn})
		case "code_interpreter", "file_search":
			out = append(out, map[string]any{"type": tool["type"]})
		default:
			out = append(out, tool)
		}
	}
	return out
}

// --- threads on conversations ---

// conversation is ConversationResource.
type conversation struct {
	ID        string         `json:"id"`
	CreatedAt int64          `json:"created_at"`
	Metadata  map[string]any `json:"metadata"`
}

// itemList is ConversationItemList.
type itemList struct {
	Data    []map[string]any `json:"data"`
	HasMore bool             `json:"has_more"`
	LastID  string           `json:"last_id"`
}

func conversationPath(id string) string { return "/conversations/" + url.PathEscape(id) }

func createThread(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	messages, _ := args["messages"].([]any)
	items, err := inputItems("openai_create_thread", messages)
	if err != nil {
		return nil, err
	}
	first := items
	if len(first) > maxItemsPerRequest {
		first = first[:maxItemsPerRequest]
	}
	body := map[string]any{}
	if len(first) > 0 {
		body["items"] = first
	}
	req, err := jsonRequest(http.MethodPost, "/conversations", "/conversations", body)
	if err != nil {
		return nil, err
	}
	var conv conversation
	err = x.SendJSON(ctx, req, &conv)
	switch {
	case errors.Is(err, in.ErrNotSent):
		// A dry run: the rest is planned against the id the first
		// request would return.
		conv.ID = "{conversation_id}"
	case err != nil:
		return nil, err
	case conv.ID == "":
		return nil, fmt.Errorf("openai_create_thread: the conversation created has no id")
	}
	for start := maxItemsPerRequest; start < len(items); start += maxItemsPerRequest {
		chunk := items[start:min(start+maxItemsPerRequest, len(items))]
		path := conversationPath(conv.ID) + "/items"
		if x.DryRun() {
			path = "/conversations/" + conv.ID + "/items"
		}
		req, err := jsonRequest(http.MethodPost, path, "/conversations/{conversation_id}/items", map[string]any{"items": chunk})
		if err != nil {
			return nil, err
		}
		if _, err := x.Send(ctx, req); err != nil && !errors.Is(err, in.ErrNotSent) {
			return nil, err
		}
	}
	if x.DryRun() {
		return nil, in.ErrNotSent
	}
	if conv.Metadata == nil {
		conv.Metadata = map[string]any{}
	}
	return value(map[string]any{"id": conv.ID, "object": "thread", "created_at": conv.CreatedAt,
		"metadata": conv.Metadata, "tool_resources": map[string]any{}})
}

// inputItems turns thread messages into conversation items. What an item
// cannot carry (attachments, per-message metadata) is a validation error
// naming the message, never dropped.
func inputItems(function string, messages []any) ([]any, error) {
	var problems []in.Problem
	items := make([]any, 0, len(messages))
	for i, m := range messages {
		msg, _ := m.(map[string]any)
		path := fmt.Sprintf("messages[%d]", i+1)
		for k := range msg {
			if k != "role" && k != "content" {
				problems = append(problems, in.Problem{Path: path + "." + k,
					Message: "not carried by today's API (a conversation item has no " + k + "); remove it, or use an account with assistants: native"})
			}
		}
		role, _ := msg["role"].(string)
		item, p := inputItem(path, role, msg["content"])
		problems = append(problems, p...)
		items = append(items, item)
	}
	if len(problems) > 0 {
		return nil, &in.ValidationError{Function: function, Problems: problems}
	}
	return items, nil
}

// inputItem is one message as a conversation item: text stays a string;
// content parts become input parts (text → input_text, image_url and
// image_file → input_image). An assistant message takes text only.
func inputItem(path, role string, content any) (map[string]any, []in.Problem) {
	item := map[string]any{"type": "message", "role": role}
	parts, isArray := content.([]any)
	if !isArray {
		item["content"] = content
		return item, nil
	}
	var problems []in.Problem
	out := make([]any, 0, len(parts))
	text := ""
	for j, p := range parts {
		part, _ := p.(map[string]any)
		ppath := fmt.Sprintf("%s.content[%d]", path, j+1)
		switch part["type"] {
		case "text":
			s, ok := part["text"].(string)
			if !ok {
				problems = append(problems, in.Problem{Path: ppath + ".text", Message: "a string expected"})
				continue
			}
			out = append(out, map[string]any{"type": "input_text", "text": s})
			text += s
		case "image_url":
			img, _ := part["image_url"].(map[string]any)
			u, _ := img["url"].(string)
			if u == "" {
				problems = append(problems, in.Problem{Path: ppath + ".image_url.url", Message: "an image URL expected"})
				continue
			}
			out = append(out, map[string]any{"type": "input_image", "image_url": u, "detail": detail(img)})
		case "image_file":
			img, _ := part["image_file"].(map[string]any)
			id, _ := img["file_id"].(string)
			if id == "" {
				problems = append(problems, in.Problem{Path: ppath + ".image_file.file_id", Message: "a file id expected"})
				continue
			}
			out = append(out, map[string]any{"type": "input_image", "file_id": id, "detail": detail(img)})
		default:
			problems = append(problems, in.Problem{Path: ppath + ".type", Message: fmt.Sprintf(`"text", "image_url" or "image_file" expected, got %v`, part["type"])})
		}
	}
	if role == "assistant" {
		if len(out) != countText(parts) {
			problems = append(problems, in.Problem{Path: path + ".content", Message: "an assistant message carries text only on today's API"})
		}
		item["content"] = text
		return item, problems
	}
	item["content"] = out
	return item, problems
}

func countText(parts []any) int {
	n := 0
	for _, p := range parts {
		if part, _ := p.(map[string]any); part["type"] == "text" {
			n++
		}
	}
	return n
}

func detail(img map[string]any) string {
	if d, ok := img["detail"].(string); ok && d != "" {
		return d
	}
	return "auto"
}

func addMessage(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	threadID, _ := args["thread_id"].(string)
	role, _ := args["role"].(string)
	item, _ := inputItem("content", role, args["content"])
	req, err := jsonRequest(http.MethodPost, conversationPath(threadID)+"/items", "/conversations/{conversation_id}/items",
		map[string]any{"items": []any{item}})
	if err != nil {
		return nil, err
	}
	var list itemList
	resp, err := sendList(ctx, x, req, &list)
	if err != nil {
		return nil, err
	}
	if len(list.Data) == 0 {
		return nil, x.InvalidResponse(resp, "the conversation answered no item for the message added")
	}
	return value(threadMessage(list.Data[0], threadID))
}

// sendList sends req and decodes an item list.
func sendList(ctx context.Context, x *in.Exchange, req *in.Request, list *itemList) (*in.Response, error) {
	resp, err := x.Send(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(resp.Body, list); err != nil {
		return nil, x.InvalidResponse(resp, "the response is not a list of conversation items")
	}
	return resp, nil
}

// threadMessage maps a conversation message item to a thread.message. The
// item carries no time: created_at is absent. Assistant messages do not say
// which run made them: assistant_id and run_id are absent too.
func threadMessage(item map[string]any, threadID string) map[string]any {
	status, _ := item["status"].(string)
	if status == "" {
		status = "completed"
	}
	parts, _ := item["content"].([]any)
	content := make([]any, 0, len(parts))
	for _, p := range parts {
		content = append(content, messagePart(p))
	}
	return map[string]any{
		"id": item["id"], "object": "thread.message", "thread_id": threadID, "role": item["role"],
		"content": content, "status": status, "attachments": []any{}, "metadata": map[string]any{},
		"assistant_id": nil, "run_id": nil, "incomplete_details": nil,
	}
}

// messagePart maps a conversation content part to a thread message part.
func messagePart(p any) any {
	part, _ := p.(map[string]any)
	switch part["type"] {
	case "input_text", "output_text", "text":
		annotations, _ := part["annotations"].([]any)
		if annotations == nil {
			annotations = []any{}
		}
		return map[string]any{"type": "text", "text": map[string]any{"value": part["text"], "annotations": annotations}}
	case "refusal":
		return map[string]any{"type": "refusal", "refusal": part["refusal"]}
	case "input_image":
		if id, ok := part["file_id"].(string); ok && id != "" {
			return map[string]any{"type": "image_file", "image_file": map[string]any{"file_id": id, "detail": part["detail"]}}
		}
		return map[string]any{"type": "image_url", "image_url": map[string]any{"url": part["image_url"], "detail": part["detail"]}}
	}
	return part
}

func listMessages(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	threadID, _ := args["thread_id"].(string)
	limit := 20
	if n, ok := args["limit"].(float64); ok {
		limit = int(n)
	}
	var (
		data    = []map[string]any{}
		hasMore bool
		after   string
	)
pages:
	for page := 0; page < maxItemPages; page++ {
		q := url.Values{"limit": {strconv.Itoa(limit)}, "order": {"desc"}}
		if after != "" {
			q.Set("after", after)
		}
		req := &in.Request{Method: http.MethodGet, Path: conversationPath(threadID) + "/items", Endpoint: "/conversations/{conversation_id}/items",
			Query: q, Header: http.Header{}}
		var list itemList
		if _, err := sendList(ctx, x, req, &list); err != nil {
			return nil, err
		}
		for _, item := range list.Data {
			if item["type"] != "message" || (item["role"] != "user" && item["role"] != "assistant") {
				continue
			}
			if len(data) == limit {
				hasMore = true
				break pages
			}
			data = append(data, threadMessage(item, threadID))
		}
		// A full page with more items behind it may have more messages
		// behind it: say so rather than read on.
		hasMore = list.HasMore
		if !list.HasMore || list.LastID == "" || len(data) == limit {
			break
		}
		after = list.LastID
	}
	return value(listOf(data, func(i int) string { s, _ := data[i]["id"].(string); return s }, hasMore))
}

// --- runs on background responses ---

// response is the part of a Response that a run reports.
type response struct {
	ID                string         `json:"id"`
	CreatedAt         float64        `json:"created_at"`
	CompletedAt       *float64       `json:"completed_at"`
	Status            string         `json:"status"`
	Error             *responseError `json:"error"`
	IncompleteDetails any            `json:"incomplete_details"`
	Instructions      any            `json:"instructions"`
	Model             string         `json:"model"`
	Metadata          map[string]any `json:"metadata"`
	Output            []outputItem   `json:"output"`
	Tools             []any          `json:"tools"`
	ToolChoice        any            `json:"tool_choice"`
	ParallelToolCalls *bool          `json:"parallel_tool_calls"`
	Temperature       *float64       `json:"temperature"`
	TopP              *float64       `json:"top_p"`
	MaxOutputTokens   *float64       `json:"max_output_tokens"`
	Conversation      *struct {
		ID string `json:"id"`
	} `json:"conversation"`
	Usage *struct {
		InputTokens  float64 `json:"input_tokens"`
		OutputTokens float64 `json:"output_tokens"`
		TotalTokens  float64 `json:"total_tokens"`
	} `json:"usage"`
}

type responseError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type outputItem struct {
	Type      string `json:"type"`
	CallID    string `json:"call_id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

func createRun(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	threadID, _ := args["thread_id"].(string)
	assistantID, _ := args["assistant_id"].(string)
	a, err := loadAssistant(ctx, x, assistantID)
	if err != nil {
		return nil, err
	}
	tools, err := responsesTools("openai_create_run", a.Tools)
	if err != nil {
		return nil, err
	}
	body := map[string]any{
		"model": a.Model, "conversation": threadID, "background": true, "store": true,
		"metadata": map[string]any{metadataAssistantID: a.ID},
	}
	if s, ok := args["instructions"].(string); ok {
		body["instructions"] = s
	} else if a.Instructions != nil {
		body["instructions"] = *a.Instructions
	}
	if len(tools) > 0 {
		body["tools"] = tools
	}
	req, err := jsonRequest(http.MethodPost, "/responses", "/responses", body)
	if err != nil {
		return nil, err
	}
	var r response
	resp, err := x.Send(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(resp.Body, &r); err != nil || r.ID == "" {
		return nil, x.InvalidResponse(resp, "the response is not a Response object")
	}
	return value(threadRun(&r, threadID, a.ID))
}

func getRun(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	threadID, _ := args["thread_id"].(string)
	runID, _ := args["run_id"].(string)
	req := &in.Request{Method: http.MethodGet, Path: "/responses/" + url.PathEscape(runID), Endpoint: "/responses/{response_id}", Header: http.Header{}}
	resp, err := x.Send(ctx, req)
	if err != nil {
		return nil, err
	}
	var r response
	if err := json.Unmarshal(resp.Body, &r); err != nil || r.ID == "" {
		return nil, x.InvalidResponse(resp, "the response is not a Response object")
	}
	if r.Conversation == nil || r.Conversation.ID != threadID {
		return nil, x.NotFound("run_id", fmt.Sprintf("No run found with id '%s' in thread '%s'", runID, threadID))
	}
	assistantID, _ := r.Metadata[metadataAssistantID].(string)
	return value(threadRun(&r, threadID, assistantID))
}

// threadRun maps a Response to a thread.run. A response that completed by
// calling functions is requires_action, with the calls as tool_calls: the
// Assistants API's run waited for their outputs there.
func threadRun(r *response, threadID, assistantID string) map[string]any {
	status := r.Status
	var required any
	var calls []any
	for _, o := range r.Output {
		if o.Type == "function_call" {
			calls = append(calls, map[string]any{"id": o.CallID, "type": "function",
				"function": map[string]any{"name": o.Name, "arguments": o.Arguments}})
		}
	}
	if status == "completed" && len(calls) > 0 {
		status = "requires_action"
		required = map[string]any{"type": "submit_tool_outputs", "submit_tool_outputs": map[string]any{"tool_calls": calls}}
	}
	var startedAt, completedAt, failedAt, cancelledAt any
	if status != "queued" {
		startedAt = r.CreatedAt
	}
	end := any(nil)
	if r.CompletedAt != nil {
		end = *r.CompletedAt
	}
	switch status {
	case "completed":
		completedAt = end
	case "failed":
		failedAt = end
	case "cancelled":
		cancelledAt = end
	}
	var lastError any
	if r.Error != nil {
		lastError = map[string]any{"code": r.Error.Code, "message": r.Error.Message}
	}
	var usage any
	if r.Usage != nil && status != "queued" && status != "in_progress" {
		usage = map[string]any{"prompt_tokens": r.Usage.InputTokens, "completion_tokens": r.Usage.OutputTokens, "total_tokens": r.Usage.TotalTokens}
	}
	metadata := map[string]any{}
	for k, v := range r.Metadata {
		if k != metadataAssistantID {
			metadata[k] = v
		}
	}
	return map[string]any{
		"id": r.ID, "object": "thread.run", "created_at": r.CreatedAt, "assistant_id": assistantID, "thread_id": threadID,
		"status": status, "started_at": startedAt, "expires_at": nil, "cancelled_at": cancelledAt, "failed_at": failedAt,
		"completed_at": completedAt, "required_action": required, "last_error": lastError, "model": r.Model,
		"instructions": r.Instructions, "tools": assistantsTools(r.Tools), "metadata": metadata,
		"incomplete_details": r.IncompleteDetails, "usage": usage, "temperature": r.Temperature, "top_p": r.TopP,
		"max_prompt_tokens": nil, "max_completion_tokens": r.MaxOutputTokens,
		"truncation_strategy": map[string]any{"type": "auto", "last_messages": nil},
		"response_format":     "auto", "tool_choice": r.ToolChoice, "parallel_tool_calls": r.ParallelToolCalls,
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// todayNote is the integration's note in the docs, after the reference.
const todayNote = `The functions keep the names, parameters and result shapes documented above, and run
against OpenAI's API as it is today. OpenAI sunset the Assistants API on 2026-08-26
(/v1/assistants and /v1/threads answer 404 since), so the seven assistants, threads and runs
functions are carried by its successors: a thread is a **conversation**, a message a
conversation **item**, a run a **background response** (polled with openai_get_run as before),
and an assistant (model, name, description, instructions, tools) is kept by kosmo in its store,
because OpenAI's replacement, Prompts, can only be made in its dashboard. An account whose
server still serves Assistants v2 sets ` + "`assistants: native`" + `. What cannot be carried is an
error naming the parameter, never dropped.

kosmo's store is a SQLite file, by default ` + "`$XDG_DATA_HOME/kosmo/kosmo.db`" + ` (else
` + "`~/.local/share/kosmo/kosmo.db`" + `), shared by every kosmo process of the user; the config file's
` + "`store:`" + ` key or ` + "`KOSMO_STORE`" + ` names another, or a PostgreSQL database (` + "`postgres://…`" + `) that
several kosmo hosts share. With ` + "`--fake`" + ` assistants live in memory for the run.`

// today says which endpoint carries each function now, by function name.
var today = map[string]string{
	"openai_chat_completion":  "`POST /v1/chat/completions`.",
	"openai_create_embedding": "`POST /v1/embeddings`.",
	"openai_create_image": "`POST /v1/images/generations`. DALL·E is gone (removed 2026-05-12): the gpt-image-2 family makes images, " +
		"and a call without `model` uses gpt-image-2 (see \"Media models today\").",
	"openai_transcribe_audio": "`POST /v1/audio/transcriptions` (multipart); the response formats depend on the model.",
	"openai_text_to_speech":   "`POST /v1/audio/speech`; tts-1, tts-1-hd and gpt-4o-mini-tts go on 2027-01-06.",
	"openai_create_assistant": "Kept in kosmo's store, no request (OpenAI no longer keeps assistants). It belongs to the account " +
		"(its name, base URL, organization and project). A `file_search` tool needs `vector_store_ids = {\"vs_…\"}` on the tool itself.",
	"openai_list_assistants": "kosmo's store, newest first: the assistants made through the same account.",
	"openai_create_thread": "`POST /v1/conversations`; the messages become items (20 per request, more through " +
		"`POST /v1/conversations/{id}/items`). Messages carry role and content only.",
	"openai_add_message_to_thread": "`POST /v1/conversations/{id}/items`.",
	"openai_list_thread_messages": "`GET /v1/conversations/{id}/items`, newest first, the user and assistant messages only. " +
		"`created_at`, `assistant_id` and `run_id` are absent: conversation items carry none.",
	"openai_create_run": "`POST /v1/responses` with the assistant's model, instructions (or the run's), tools, " +
		"`conversation = thread_id`, `background = true`, `store = true`; the run's id is the response's.",
	"openai_get_run": "`GET /v1/responses/{id}`, as a `thread.run`; once completed, the reply is in the thread. A run whose " +
		"model called a function tool reports `requires_action` with the calls (no function submits tool outputs).",
	"openai_upload_file": "`POST /v1/files` (multipart).",
	"openai_list_files":  "`GET /v1/files`.",
	"openai_list_models": "`GET /v1/models`.",
}
