// Package mcpgateway serves kosmo's integration functions to other agents
// as Model Context Protocol tools: one tool per function, its input schema
// derived from the function's spec, read or write as tool annotations.
package mcpgateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/integration"
)

// AccountArgument is the optional tool argument that picks the account.
const AccountArgument = "account"

// Options configure the gateway.
type Options struct {
	// Host makes the calls, with its accounts and policy.
	Host *kosmo.Host
	// AllowWrite also lists the write functions; without it only reads are
	// offered.
	AllowWrite bool
	// Version is reported to clients.
	Version string
	// CallTimeout bounds each tool call, retries and their waits included;
	// zero for none.
	CallTimeout time.Duration
}

// errCallTimeout is the cause of a tool call's time limit.
var errCallTimeout = errors.New("the time limit per call was reached")

// NewServer returns an MCP server with one tool per allowed function.
func NewServer(opts Options) *mcp.Server {
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: "kosmo", Title: "kosmo integrations", Version: version}, nil)
	for _, in := range opts.Host.Integrations() {
		for _, fn := range in.Functions {
			if fn.Operation == integration.Write && !opts.AllowWrite {
				continue
			}
			srv.AddTool(Tool(opts.Host, in, fn), handler(opts.Host, in, fn, opts.CallTimeout))
		}
	}
	return srv
}

// Tool describes fn as an MCP tool.
func Tool(host *kosmo.Host, in *integration.Integration, fn *integration.Function) *mcp.Tool {
	schema := fn.InputSchema()
	props := schema["properties"].(map[string]any)
	names, def := host.AccountNames(in.Name)
	account := map[string]any{"type": "string",
		"description": fmt.Sprintf("The %s account to use (default: %s).", in.Title, orNone(def))}
	if len(names) > 0 {
		account["enum"] = append(names, "default")
	}
	props[AccountArgument] = account
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
				return toolError(fmt.Errorf("%s: the arguments must be a JSON object: %v", fn.Name, err)), nil
			}
		}
		account := ""
		if v, ok := args[AccountArgument]; ok {
			s, isString := v.(string)
			if !isString {
				return toolError(fmt.Errorf("%s: parameter '%s': string expected", fn.Name, AccountArgument)), nil
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
			return toolError(err), nil
		}
		var structured map[string]any
		if json.Unmarshal(res.Data, &structured) != nil {
			structured = map[string]any{"result": json.RawMessage(res.Data)}
		}
		return &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: string(res.Data)}},
			StructuredContent: structured,
		}, nil
	}
}

// toolError reports a failed call as a tool result with isError set: the
// message as text, and the error's fields as structured content.
func toolError(err error) *mcp.CallToolResult {
	fields := map[string]any{"message": err.Error()}
	var (
		ve *integration.ValidationError
		ae *integration.APIError
		pe *integration.PolicyError
	)
	switch {
	case errors.As(err, &ve):
		fields["type"], fields["param"] = "validation_error", ve.Param()
	case errors.As(err, &ae):
		fields["type"], fields["status"], fields["code"], fields["retryable"] = ae.Type, ae.Status, ae.Code, ae.Retryable
		if ae.RequestID != "" {
			fields["request_id"] = ae.RequestID
		}
	case errors.As(err, &pe):
		fields["type"] = "policy_error"
	}
	return &mcp.CallToolResult{
		IsError:           true,
		Content:           []mcp.Content{&mcp.TextContent{Text: err.Error()}},
		StructuredContent: fields,
	}
}

// ToolNames lists the tools a gateway with opts offers, sorted.
func ToolNames(opts Options) []string {
	var names []string
	for _, in := range opts.Host.Integrations() {
		for _, fn := range in.Functions {
			if fn.Operation == integration.Read || opts.AllowWrite {
				names = append(names, fn.Name)
			}
		}
	}
	sort.Strings(names)
	return names
}
