// Package mcpgateway serves kosmo to other agents as Model Context Protocol
// tools: execute_lua, which runs a Lua script in a fresh sandboxed VM, the
// reference tools lua_read_doc, lua_list_docs and lua_search_docs, and one
// flat tool per integration function, its input schema derived from the
// function's spec, read or write as tool annotations.
package mcpgateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/luabridge"
)

// AccountArgument is the optional tool argument that picks the account.
const AccountArgument = "account"

// ToolSet chooses which tools a gateway offers.
type ToolSet string

// The tool sets.
const (
	// ToolsAll offers the code tools and the function tools (the default).
	ToolsAll ToolSet = "all"
	// ToolsCode offers execute_lua and the reference tools.
	ToolsCode ToolSet = "code"
	// ToolsFunctions offers one tool per function.
	ToolsFunctions ToolSet = "functions"
)

// ParseToolSet reads a --tools value; "" is ToolsAll.
func ParseToolSet(s string) (ToolSet, error) {
	switch ToolSet(s) {
	case "", ToolsAll:
		return ToolsAll, nil
	case ToolsCode, ToolsFunctions:
		return ToolSet(s), nil
	}
	return "", fmt.Errorf("unknown tool set %q (code: execute_lua and the doc tools; functions: one tool per function; all: both)", s)
}

func (t ToolSet) code() bool      { return t == "" || t == ToolsAll || t == ToolsCode }
func (t ToolSet) functions() bool { return t == "" || t == ToolsAll || t == ToolsFunctions }

// DefaultMaxOutput is how much of a script's printed output execute_lua
// answers with, unless Options.MaxOutput says.
const DefaultMaxOutput = 32 << 10

// Options configure the gateway.
type Options struct {
	// Host makes the calls and runs the scripts, with its accounts and
	// policy.
	Host *kosmo.Host
	// AllowWrite also lists the write functions and lets scripts call
	// them; without it only reads are offered and scripts run read-only.
	AllowWrite bool
	// Version is reported to clients.
	Version string
	// CallTimeout bounds each tool call, retries and their waits included;
	// zero for none. execute_lua's timeout argument may lower it, never
	// raise it.
	CallTimeout time.Duration
	// Tools chooses the tools offered; "" offers them all.
	Tools ToolSet
	// MaxMemory is the memory limit of a script run by execute_lua, in
	// bytes (the whole process is measured; see luabridge.Limits); zero for
	// none. Its memory_limit argument may lower it, never raise it.
	MaxMemory int64
	// MaxOutput is how many bytes of printed output execute_lua answers
	// with; zero takes DefaultMaxOutput.
	MaxOutput int
	// Shutdown, when set and once it ends, cancels every tool call in
	// flight (with its cause) and refuses new ones: a server asked to stop
	// does not wait for scripts and API calls to finish.
	Shutdown context.Context
	// MaxConcurrent is how many tool calls run at once; later ones wait
	// for a free slot (or for their client to cancel them), and their time
	// limit starts once they run. Zero takes DefaultMaxConcurrent.
	MaxConcurrent int
}

// DefaultMaxConcurrent is how many tool calls run at once unless
// Options.MaxConcurrent says.
const DefaultMaxConcurrent = 4

// ResponseCap is the largest API answer a tool call should read when the
// process's memory limit is maxMemory and concurrent calls run at once:
// each answer is held whole and converted (to Go values, then to JSON for
// the client), which takes several times its size, so each call gets a
// quarter of its share of the limit. Zero when there is no limit.
func ResponseCap(maxMemory int64, concurrent int) int64 {
	if maxMemory <= 0 {
		return 0
	}
	if concurrent <= 0 {
		concurrent = DefaultMaxConcurrent
	}
	return maxMemory / int64(4*concurrent)
}

func (o Options) maxOutput() int {
	if o.MaxOutput > 0 {
		return o.MaxOutput
	}
	return DefaultMaxOutput
}

// errCallTimeout is the cause of a tool call's time limit.
var errCallTimeout = errors.New("the time limit per call was reached")

// NewServer returns an MCP server with the tools opts choose.
func NewServer(opts Options) *mcp.Server {
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: "kosmo", Title: "kosmo integrations", Version: version},
		&mcp.ServerOptions{Instructions: instructions(opts)})
	if opts.Tools.code() {
		addCodeTools(srv, opts)
	}
	if opts.Tools.functions() {
		for _, in := range opts.Host.Integrations() {
			for _, fn := range in.Functions {
				if fn.Operation == integration.Write && !opts.AllowWrite {
					continue
				}
				srv.AddTool(Tool(opts.Host, in, fn), handler(opts.Host, in, fn, opts.CallTimeout))
			}
		}
	}
	srv.AddReceivingMiddleware(hiddenTools(opts), limitCalls(opts))
	return srv
}

// limitCalls lets Options.MaxConcurrent tool calls run at once; the others
// wait for a slot, or for their client to cancel them. Options.Shutdown
// cancels them all.
func limitCalls(opts Options) mcp.Middleware {
	n := opts.MaxConcurrent
	if n <= 0 {
		n = DefaultMaxConcurrent
	}
	slots := make(chan struct{}, n)
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if method != "tools/call" {
				return next(ctx, method, req)
			}
			if opts.Shutdown != nil {
				var cancel context.CancelCauseFunc
				ctx, cancel = context.WithCancelCause(ctx)
				defer cancel(nil)
				stop := context.AfterFunc(opts.Shutdown, func() { cancel(context.Cause(opts.Shutdown)) })
				defer stop()
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return nil, fmt.Errorf("cancelled while waiting for one of the %d tool call slots: %w", n, context.Cause(ctx))
			}
			defer func() { <-slots }()
			return next(ctx, method, req)
		}
	}
}

// instructions tell a client what the server is for.
func instructions(opts Options) string {
	var b strings.Builder
	b.WriteString("kosmo calls third-party APIs (OpenAI) for you. ")
	if opts.Tools.code() {
		b.WriteString("Write a Lua script against app.integrations.openai.* and run it with execute_lua: " +
			"one script can chain many calls and return only what you need. Read the reference first: " +
			"lua_search_docs to find a function, lua_read_doc for its parameters and result. ")
	}
	if opts.Tools.functions() {
		b.WriteString("Each openai_* tool calls one function directly. ")
	}
	if !opts.AllowWrite {
		b.WriteString("This server is read-only: write functions are refused (kosmo mcp serve --allow-write allows them).")
	}
	return strings.TrimSpace(b.String())
}

// hiddenTools answers a call of a tool this server does not offer but
// could (a write function without --allow-write, a function tool with
// --tools code, execute_lua with --tools functions) with a tool error
// naming the flag that offers it, instead of "unknown tool".
func hiddenTools(opts Options) mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if method != "tools/call" {
				return next(ctx, method, req)
			}
			call, ok := req.(*mcp.CallToolRequest)
			if !ok || call.Params == nil {
				return next(ctx, method, req)
			}
			if msg := hiddenReason(opts, call.Params.Name); msg != "" {
				return &mcp.CallToolResult{IsError: true,
					Content:           []mcp.Content{&mcp.TextContent{Text: msg}},
					StructuredContent: map[string]any{"message": msg, "type": "policy_error", "function": call.Params.Name, "retryable": false},
				}, nil
			}
			return next(ctx, method, req)
		}
	}
}

// hiddenReason says why name, a tool this server knows, is not offered, or
// "" when it is offered or unknown.
func hiddenReason(opts Options, name string) string {
	if codeToolNames[name] {
		if opts.Tools.code() {
			return ""
		}
		return fmt.Sprintf("%s is not offered by this server: kosmo mcp serve offers it with --tools code or --tools all", name)
	}
	in, fn, err := opts.Host.Function(name)
	if err != nil || fn.Name != name {
		return ""
	}
	var missing []string
	if !opts.Tools.functions() {
		missing = append(missing, "--tools functions (or all)")
	}
	if fn.Operation == integration.Write && !opts.AllowWrite {
		missing = append(missing, "--allow-write")
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("%s is a %s function of %s that this server does not offer: kosmo mcp serve offers it with %s",
		name, fn.Operation, in.Title, strings.Join(missing, " and "))
}

// Tool describes fn as an MCP tool.
func Tool(host *kosmo.Host, in *integration.Integration, fn *integration.Function) *mcp.Tool {
	schema := fn.InputSchema()
	props := schema["properties"].(map[string]any)
	props[AccountArgument] = accountSchema(host, in)
	read := fn.Operation == integration.Read
	openWorld := true
	destructive := false
	return &mcp.Tool{
		Name:        fn.Name,
		Title:       fn.Summary,
		Description: integration.PlainText(fn.Description) + " (" + string(fn.Operation) + " operation; the result is the API's whole JSON response)",
		InputSchema: schema,
		Annotations: &mcp.ToolAnnotations{
			Title:           fn.Summary,
			ReadOnlyHint:    read,
			IdempotentHint:  read,
			DestructiveHint: &destructive,
			OpenWorldHint:   &openWorld,
		},
	}
}

// accountSchema is the account argument: the configured names, each once.
func accountSchema(host *kosmo.Host, in *integration.Integration) map[string]any {
	names, def := host.AccountNames(in.Name)
	account := map[string]any{"type": "string",
		"description": fmt.Sprintf("The %s account to use (default: %s).", in.Title, orNone(def))}
	if len(names) > 0 {
		account["enum"] = slices.Compact(slices.Sorted(slices.Values(names)))
	}
	return account
}

func orNone(s string) string {
	if s == "" {
		return "none configured"
	}
	return s
}

// handler calls fn through the host: validation, policy and client as for
// a script. Failures are tool errors carrying the same fields as Lua error
// tables.
func handler(host *kosmo.Host, in *integration.Integration, fn *integration.Function, timeout time.Duration) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args := map[string]any{}
		if raw := req.Params.Arguments; len(raw) > 0 && string(raw) != "null" {
			if err := json.Unmarshal(raw, &args); err != nil {
				return usageError(fn.Name, "", fmt.Sprintf("the arguments must be a JSON object: %v", err)), nil
			}
		}
		account := ""
		if v, ok := args[AccountArgument]; ok {
			s, isString := v.(string)
			if !isString {
				return usageError(fn.Name, "", fmt.Sprintf("parameter '%s': string expected", AccountArgument)), nil
			}
			account = s
			delete(args, AccountArgument)
		}
		if timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeoutCause(ctx, timeout, errCallTimeout)
			defer cancel()
		}
		res, err := host.Call(ctx, in.Name+"."+fn.Name, account, args)
		if err != nil {
			if errors.Is(context.Cause(ctx), errCallTimeout) {
				err = fmt.Errorf("%s: %w (%v; kosmo mcp serve --timeout): %w", fn.Name, errCallTimeout, timeout, err)
			}
			acct := account
			if res != nil {
				acct = res.Account
			}
			return toolError(err, fn.Name, acct), nil
		}
		return functionResult(res.Data), nil
	}
}

// functionResult is a function's JSON answer as text and structured
// content; images and audio in it become image and audio content, and the
// text and structured content say where they went instead of holding their
// base64.
func functionResult(data json.RawMessage) *mcp.CallToolResult {
	var value any
	if json.Unmarshal(data, &value) != nil {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(data)}},
			StructuredContent: map[string]any{"result": data}}
	}
	value, media := extractMedia(value, 1)
	text := string(data)
	if len(media) > 0 {
		if b, err := json.Marshal(value); err == nil {
			text = string(b)
		}
	}
	structured, isObject := value.(map[string]any)
	if !isObject {
		structured = map[string]any{"result": value}
	}
	return &mcp.CallToolResult{
		Content:           append([]mcp.Content{&mcp.TextContent{Text: text}}, media...),
		StructuredContent: structured,
	}
}

// ErrorFields are the fields of the Lua error table for err, a failed call
// of function through account: message, function, account, type, and when
// known status, code, param, request_id, attempts and retryable.
func ErrorFields(err error, function, account string) map[string]any {
	f := map[string]any{"message": err.Error(), "retryable": false}
	set := func(k, v string) {
		if v != "" {
			f[k] = v
		}
	}
	set("function", function)
	set("account", account)
	var (
		ve *integration.ValidationError
		ae *integration.APIError
		pe *integration.PolicyError
	)
	switch {
	case errors.As(err, &ve):
		f["type"], f["param"] = "validation_error", ve.Param()
	case errors.As(err, &ae):
		set("type", ae.Type)
		if ae.Type == "" {
			f["type"] = "connection_error"
		}
		set("code", ae.Code)
		set("param", ae.Param)
		set("request_id", ae.RequestID)
		set("account", ae.Account)
		if ae.Status > 0 {
			f["status"] = ae.Status
		}
		if ae.Attempts > 0 {
			f["attempts"] = ae.Attempts
		}
		f["retryable"] = ae.Retryable
	case errors.As(err, &pe):
		f["type"] = "policy_error"
		set("account", pe.Account)
	case errors.Is(err, accounts.ErrUnknownAccount):
		f["type"] = "unknown_account"
	case errors.Is(err, integration.ErrCredentials):
		f["type"] = integration.TypeCredentials
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, errCallTimeout):
		f["type"] = "cancelled"
	default:
		f["type"] = "usage_error"
	}
	return f
}

// toolError reports a failed call as a tool result with isError set: the
// message as text, and the error's fields as structured content.
func toolError(err error, function, account string) *mcp.CallToolResult {
	fields := ErrorFields(err, function, account)
	msg := err.Error()
	if function != "" && !strings.HasPrefix(msg, function) {
		msg = function + ": " + msg
		fields["message"] = msg
	}
	return &mcp.CallToolResult{
		IsError:           true,
		Content:           []mcp.Content{&mcp.TextContent{Text: msg}},
		StructuredContent: fields,
	}
}

// usageError is a tool called the wrong way.
func usageError(function, account, msg string) *mcp.CallToolResult {
	res := toolError(errors.New(msg), function, account)
	res.StructuredContent.(map[string]any)["type"] = "usage_error"
	return res
}

// ToolNames lists the tools a gateway with opts offers, sorted.
func ToolNames(opts Options) []string {
	var names []string
	if opts.Tools.code() {
		for name := range codeToolNames {
			names = append(names, name)
		}
	}
	if opts.Tools.functions() {
		for _, in := range opts.Host.Integrations() {
			for _, fn := range in.Functions {
				if fn.Operation == integration.Read || opts.AllowWrite {
					names = append(names, fn.Name)
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

// stopReason says which limit stopped a script, from its context's cause.
func stopReason(err error) string {
	switch {
	case errors.Is(err, errCallTimeout):
		return "timeout"
	case errors.Is(err, luabridge.ErrMemoryLimit):
		return "memory_limit"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	}
	return ""
}
