package mcpgateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/luabridge"
)

// The code tools.
const (
	ExecuteLua    = "execute_lua"
	LuaReadDoc    = "lua_read_doc"
	LuaListDocs   = "lua_list_docs"
	LuaSearchDocs = "lua_search_docs"
)

var codeToolNames = map[string]bool{ExecuteLua: true, LuaReadDoc: true, LuaListDocs: true, LuaSearchDocs: true}

// minMemory is the lowest memory limit a script may ask for: the limit
// measures the whole process, which holds tens of MiB before a script runs.
const minMemory = 64 << 20

// abandonAfter is how long a script stuck in Go code past its limit is
// waited for before its answer is given anyway.
const abandonAfter = time.Second

// addCodeTools adds execute_lua and the reference tools.
func addCodeTools(srv *mcp.Server, opts Options) {
	closed, openWorld := false, true
	srv.AddTool(&mcp.Tool{
		Name:        ExecuteLua,
		Title:       "Run a Lua script that calls the integrations",
		Description: executeDescription(opts),
		InputSchema: executeSchema(opts),
		Annotations: &mcp.ToolAnnotations{
			Title:           "Run a Lua script",
			ReadOnlyHint:    !opts.AllowWrite,
			DestructiveHint: &closed,
			OpenWorldHint:   &openWorld,
		},
	}, executeHandler(opts))
	library := opts.Host.Docs()
	pages := library.Pages()
	srv.AddTool(&mcp.Tool{
		Name:  LuaReadDoc,
		Title: "Read a reference page",
		Description: "Returns a reference page as markdown, the same text as lua_read_doc(page) inside a script. " +
			"\"integrations.openai\" is the whole OpenAI reference (every function, examples, accounts, errors); " +
			"\"integrations.openai.openai_create_image\" (or \"create_image\") one function: its parameters, result and an example.",
		InputSchema: map[string]any{"type": "object", "additionalProperties": false, "required": []string{"page"},
			"properties": map[string]any{"page": map[string]any{"type": "string",
				"description": "The page, e.g. " + strings.Join(pages[:min(3, len(pages))], ", ") + "; lua_list_docs lists them all."}}},
		Annotations: &mcp.ToolAnnotations{Title: "Read a reference page", ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: &closed, OpenWorldHint: &closed},
	}, readDocHandler(library))
	srv.AddTool(&mcp.Tool{
		Name:        LuaListDocs,
		Title:       "List the reference pages",
		Description: "Lists every reference page with a one-line summary and, for a function, its operation (read or write): the same list as lua_list_docs() inside a script, as JSON.",
		InputSchema: map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{}},
		Annotations: &mcp.ToolAnnotations{Title: "List the reference pages", ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: &closed, OpenWorldHint: &closed},
	}, listDocsHandler(library))
	srv.AddTool(&mcp.Tool{
		Name:        LuaSearchDocs,
		Title:       "Search the reference",
		Description: "Ranks the function pages by how well they match a query (words of the function's name count most, then parameter names, summary and description): the same list as lua_search_docs(query) inside a script, as JSON, best first.",
		InputSchema: map[string]any{"type": "object", "additionalProperties": false, "required": []string{"query"},
			"properties": map[string]any{"query": map[string]any{"type": "string", "description": "A few words, e.g. \"transcribe audio\"."}}},
		Annotations: &mcp.ToolAnnotations{Title: "Search the reference", ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: &closed, OpenWorldHint: &closed},
	}, searchDocsHandler(library))
}

func executeDescription(opts Options) string {
	var b strings.Builder
	b.WriteString("Runs a Lua 5.1 script in a fresh sandboxed VM and answers with what it printed, its return values as JSON, " +
		"its error if it failed, every API call it made (function, account, status, attempts, duration) and its duration. " +
		"A script calls the APIs through app.integrations.<integration>.<function>{...} with one table argument, " +
		"e.g. local r = app.integrations.openai.openai_chat_completion({ model = \"gpt-5.1\", messages = { { role = \"user\", content = \"Hi\" } } }); " +
		"return r.choices[1].message.content. Responses come back whole as Lua tables (arrays 1-based). " +
		"Chain calls, loop, filter and return only what you need. Bad arguments are refused before anything is sent, with the parameter and what was expected; " +
		"a failed call raises an error table {message, function, account, type, status, code, param, request_id, retryable, attempts} that pcall catches. " +
		"Inside the script lua_read_doc(page), lua_list_docs() and lua_search_docs(query) read the reference (the lua_* tools give the same text); " +
		"json.encode/json.decode and base64 help; print writes output (the first ")
	fmt.Fprintf(&b, "%d KiB are kept). ", opts.maxOutput()>>10)
	for _, in := range opts.Host.Integrations() {
		names, def := opts.Host.AccountNames(in.Name)
		if len(names) > 0 {
			fmt.Fprintf(&b, "%s accounts: %s; the default is %s (app.integrations.%s.<account>.<function> picks another). ", in.Title, strings.Join(names, ", "), orNone(def), in.Name)
		}
	}
	if opts.AllowWrite {
		b.WriteString("Write functions are allowed. ")
	} else {
		b.WriteString("Scripts run read-only: write functions (chat completions, embeddings, images, …) are refused (kosmo mcp serve --allow-write allows them). ")
	}
	b.WriteString("No files, network or environment except through app.integrations.")
	return b.String()
}

func executeSchema(opts Options) map[string]any {
	timeout := map[string]any{"type": "number", "exclusiveMinimum": 0,
		"description": "Wall-clock limit for this script in seconds, its calls included."}
	if opts.CallTimeout > 0 {
		timeout["description"] = fmt.Sprintf("Wall-clock limit for this script in seconds, its calls included; at most and by default %g (the server's limit).", opts.CallTimeout.Seconds())
		timeout["maximum"] = opts.CallTimeout.Seconds()
	}
	memory := map[string]any{"type": "integer", "minimum": minMemory >> 20,
		"description": "Memory limit for this script in MiB (kosmo's whole memory is measured, so at least 64)."}
	if opts.MaxMemory > 0 {
		memory["description"] = fmt.Sprintf("Memory limit for this script in MiB (kosmo's whole memory is measured, so at least 64); at most and by default %d (the server's limit).", opts.MaxMemory>>20)
		memory["maximum"] = opts.MaxMemory >> 20
	}
	return map[string]any{
		"type":                 "object",
		"additionalProperties": false,
		"required":             []string{"code"},
		"properties": map[string]any{
			"code":         map[string]any{"type": "string", "description": "The Lua source. Its return values come back as JSON."},
			"timeout":      timeout,
			"memory_limit": memory,
		},
	}
}

// executeArgs are execute_lua's arguments.
type executeArgs struct {
	Code        *string  `json:"code"`
	Timeout     *float64 `json:"timeout"`
	MemoryLimit *float64 `json:"memory_limit"`
}

// Answer is execute_lua's structured content.
type Answer struct {
	OK bool `json:"ok"`
	// Output is what the script printed, its first Options.MaxOutput bytes.
	Output string `json:"output"`
	// OutputTruncated is how many bytes of output were left out.
	OutputTruncated int `json:"output_truncated,omitempty"`
	// Result holds the script's return values.
	Result []any `json:"result"`
	// Error is the error table of a failed script.
	Error map[string]any `json:"error,omitempty"`
	Calls []CallLine     `json:"calls"`
	// DurationMS is the script's wall-clock time.
	DurationMS int64 `json:"duration_ms"`
	// Limits are those the script ran under.
	Limits Limits `json:"limits"`
}

// CallLine is one API call of a script.
type CallLine struct {
	Function   string `json:"function"`
	Account    string `json:"account"`
	Status     int    `json:"status,omitempty"`
	Attempts   int    `json:"attempts"`
	DurationMS int64  `json:"duration_ms"`
	RequestID  string `json:"request_id,omitempty"`
	DryRun     bool   `json:"dry_run,omitempty"`
	Error      string `json:"error,omitempty"`
}

// Limits are the limits of one script: 0 means none.
type Limits struct {
	TimeoutSeconds float64 `json:"timeout_seconds"`
	MemoryMiB      int64   `json:"memory_mib"`
	ReadOnly       bool    `json:"read_only"`
}

func executeHandler(opts Options) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var args executeArgs
		if raw := req.Params.Arguments; len(raw) > 0 && string(raw) != "null" {
			dec := json.NewDecoder(strings.NewReader(string(raw)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&args); err != nil {
				return usageError(ExecuteLua, "", fmt.Sprintf("the arguments must be an object {code, timeout?, memory_limit?}: %v", err)), nil
			}
		}
		if args.Code == nil {
			return usageError(ExecuteLua, "", "parameter 'code' is required: the Lua source to run"), nil
		}
		lim := Limits{TimeoutSeconds: opts.CallTimeout.Seconds(), MemoryMiB: opts.MaxMemory >> 20, ReadOnly: !opts.AllowWrite}
		timeout := opts.CallTimeout
		if args.Timeout != nil {
			t := *args.Timeout
			if !(t > 0) || math.IsInf(t, 0) {
				return usageError(ExecuteLua, "", "parameter 'timeout': a number of seconds above 0 expected"), nil
			}
			if d := time.Duration(t * float64(time.Second)); timeout <= 0 || d < timeout {
				timeout, lim.TimeoutSeconds = d, t
			}
		}
		memory := opts.MaxMemory
		if args.MemoryLimit != nil {
			m := *args.MemoryLimit
			if m != math.Trunc(m) || m < minMemory>>20 || m > 1<<40 {
				return usageError(ExecuteLua, "", fmt.Sprintf("parameter 'memory_limit': a whole number of MiB, at least %d, expected", minMemory>>20)), nil
			}
			if b := int64(m) << 20; memory <= 0 || b < memory {
				memory, lim.MemoryMiB = b, int64(m)
			}
		}
		if timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeoutCause(ctx, timeout, errCallTimeout)
			defer cancel()
		}
		out := &cappedWriter{limit: opts.maxOutput()}
		progress := newProgress(ctx, req)
		res, err := opts.Host.RunWith(ctx, "execute_lua", *args.Code, func(o *luabridge.Options) {
			o.Stdout = out
			o.ReadOnly = o.ReadOnly || !opts.AllowWrite
			o.Limits.MaxMemory = memory
			if o.Limits.AbandonAfter <= 0 {
				o.Limits.AbandonAfter = abandonAfter
			}
			next := o.OnCall
			o.OnCall = func(c luabridge.CallRecord) {
				if next != nil {
					next(c)
				}
				progress.call(c)
			}
		})
		return answer(opts, res, err, out, lim, timeout), nil
	}
}

// answer renders a finished script as text and structured content.
func answer(opts Options, res *kosmo.Result, err error, out *cappedWriter, lim Limits, timeout time.Duration) *mcp.CallToolResult {
	a := Answer{OK: err == nil, Result: []any{}, Calls: []CallLine{}, Limits: lim}
	if res != nil {
		a.DurationMS = res.Duration.Milliseconds()
		if res.Values != nil {
			a.Result = res.Values
		}
		for _, c := range res.Calls {
			line := CallLine{Function: c.Function, Account: c.Account, Status: c.Status, Attempts: c.Attempts,
				DurationMS: c.Duration.Milliseconds(), RequestID: c.RequestID, DryRun: c.DryRun}
			if c.Err != nil {
				line.Error = c.Err.Error()
			}
			a.Calls = append(a.Calls, line)
		}
	}
	a.Output, a.OutputTruncated = out.kept()
	if err != nil {
		a.Error = scriptError(opts, err, timeout)
	}
	var media []mcp.Content
	for i, v := range a.Result {
		a.Result[i], media = extractMedia(v, len(media)+1, media...)
	}
	return &mcp.CallToolResult{
		IsError:           err != nil,
		Content:           append([]mcp.Content{&mcp.TextContent{Text: a.text(opts)}}, media...),
		StructuredContent: a,
	}
}

// scriptError is the error table of a failed script: the one it raised,
// or one made for a syntax error, a runtime error with a plain message, or
// a limit that stopped it (type timeout, memory_limit or cancelled).
func scriptError(opts Options, err error, timeout time.Duration) map[string]any {
	fields := map[string]any{}
	var se *luabridge.ScriptError
	if errors.As(err, &se) {
		for k, v := range se.Fields {
			fields[k] = v
		}
		if se.Traceback != "" {
			fields["traceback"] = se.Traceback
		}
	}
	fields["message"] = err.Error()
	if _, ok := fields["type"]; !ok {
		fields["type"] = "script_error"
	}
	switch reason := stopReason(err); reason {
	case "timeout":
		fields["type"] = reason
		fields["message"] = fmt.Sprintf("execute_lua: the script was stopped at its time limit of %v (the timeout argument lowers the server's limit; kosmo mcp serve --timeout sets it)", timeout)
	case "memory_limit":
		fields["type"] = reason
		fields["message"] = "execute_lua: the script was stopped at its memory limit: " + err.Error()
	case "cancelled":
		fields["type"] = reason
	}
	if fields["type"] == "policy_error" && !opts.AllowWrite {
		fields["hint"] = "this server runs scripts read-only; kosmo mcp serve --allow-write allows write functions"
	}
	return fields
}

// text is the answer as an LLM reads it best: a status line, then each
// part under its own heading.
func (a *Answer) text(opts Options) string {
	var b strings.Builder
	calls := fmt.Sprintf("%d calls", len(a.Calls))
	if len(a.Calls) == 1 {
		calls = "1 call"
	}
	if a.OK {
		fmt.Fprintf(&b, "ok: the script finished in %d ms (%s)\n", a.DurationMS, calls)
	} else {
		fmt.Fprintf(&b, "error: the script failed after %d ms (%s)\n", a.DurationMS, calls)
		fmt.Fprintf(&b, "\n## error\n%v\n", a.Error["message"])
		if hint, ok := a.Error["hint"]; ok {
			fmt.Fprintf(&b, "hint: %v\n", hint)
		}
		if fields := errorDetails(a.Error); fields != "" {
			fmt.Fprintf(&b, "error table: %s\n", fields)
		}
	}
	if a.Output != "" || a.OutputTruncated > 0 {
		b.WriteString("\n## output\n")
		b.WriteString(a.Output)
		if !strings.HasSuffix(a.Output, "\n") {
			b.WriteString("\n")
		}
		if a.OutputTruncated > 0 {
			fmt.Fprintf(&b, "[… output truncated: %d more bytes not shown (the first %d bytes are kept); print less, or return the data you need …]\n", a.OutputTruncated, opts.maxOutput())
		}
	}
	if a.OK {
		b.WriteString("\n## result (JSON)\n")
		switch len(a.Result) {
		case 0:
			b.WriteString("(no return values)\n")
		case 1:
			b.WriteString(jsonText(a.Result[0]) + "\n")
		default:
			b.WriteString(jsonText(a.Result) + "\n")
		}
	}
	if len(a.Calls) > 0 {
		b.WriteString("\n## calls\n")
		for i, c := range a.Calls {
			status := "no HTTP status"
			switch {
			case c.DryRun:
				status = "dry run, not sent"
			case c.Status > 0:
				status = fmt.Sprintf("HTTP %d", c.Status)
			}
			fmt.Fprintf(&b, "%d. %s (account %s): %s, %d attempt(s), %d ms", i+1, c.Function, c.Account, status, c.Attempts, c.DurationMS)
			if c.Error != "" {
				b.WriteString(" — " + c.Error)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// errorDetails lists an error table's fields but its message, traceback and
// where, as JSON.
func errorDetails(f map[string]any) string {
	rest := map[string]any{}
	for k, v := range f {
		switch k {
		case "message", "traceback", "hint":
		default:
			rest[k] = v
		}
	}
	if len(rest) == 0 {
		return ""
	}
	return jsonText(rest)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// cappedWriter keeps the first limit bytes written to it, cut at a UTF-8
// boundary, and counts the rest.
type cappedWriter struct {
	mu    sync.Mutex
	limit int
	buf   []byte
	rest  int
}

func (w *cappedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	room := w.limit - len(w.buf)
	if w.rest > 0 || room <= 0 {
		w.rest += len(p)
		return len(p), nil
	}
	if len(p) <= room {
		w.buf = append(w.buf, p...)
		return len(p), nil
	}
	cut := room
	for cut > 0 && cut > room-utf8.UTFMax && !utf8.RuneStart(p[cut]) {
		cut--
	}
	w.buf = append(w.buf, p[:cut]...)
	w.rest += len(p) - cut
	return len(p), nil
}

// kept returns what was kept and how many bytes were left out.
func (w *cappedWriter) kept() (string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf), w.rest
}

// progress sends a progress notification after each call of a script when
// the client asked for progress (gave a progress token).
type progress struct {
	ctx   context.Context
	req   *mcp.CallToolRequest
	token any
	mu    sync.Mutex
	n     int
}

func newProgress(ctx context.Context, req *mcp.CallToolRequest) *progress {
	return &progress{ctx: ctx, req: req, token: req.Params.GetProgressToken()}
}

func (p *progress) call(c luabridge.CallRecord) {
	if p.token == nil || p.req.Session == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	status := "failed"
	switch {
	case c.DryRun:
		status = "dry run"
	case c.Status > 0:
		status = fmt.Sprintf("HTTP %d", c.Status)
	}
	msg := fmt.Sprintf("%d call(s) made; the last: %s (account %s): %s in %d ms", p.n, c.Function, c.Account, status, c.Duration.Milliseconds())
	_ = p.req.Session.NotifyProgress(p.ctx, &mcp.ProgressNotificationParams{ProgressToken: p.token, Progress: float64(p.n), Message: msg})
}

func readDocHandler(library *docs.Library) mcp.ToolHandler {
	return func(_ context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var args struct {
			Page *string `json:"page"`
		}
		if err := unmarshalArgs(req, &args); err != nil || args.Page == nil {
			return usageError(LuaReadDoc, "", "parameter 'page' (a string) is required; lua_list_docs lists the pages"), nil
		}
		text, err := library.Read(*args.Page)
		if err != nil {
			return usageError(LuaReadDoc, "", err.Error()), nil
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}, nil
	}
}

func listDocsHandler(library *docs.Library) mcp.ToolHandler {
	return func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		list := library.List()
		if list == nil {
			list = []docs.PageInfo{}
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: jsonText(list)}},
			StructuredContent: map[string]any{"pages": list}}, nil
	}
}

func searchDocsHandler(library *docs.Library) mcp.ToolHandler {
	return func(_ context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var args struct {
			Query *string `json:"query"`
		}
		if err := unmarshalArgs(req, &args); err != nil || args.Query == nil {
			return usageError(LuaSearchDocs, "", "parameter 'query' (a string) is required"), nil
		}
		matches := library.Search(*args.Query)
		if matches == nil {
			matches = []docs.Match{}
		}
		// As in Lua: a function page always has its operation.
		type match struct {
			Page      string  `json:"page"`
			Summary   string  `json:"summary"`
			Operation string  `json:"operation"`
			Score     float64 `json:"score"`
		}
		out := make([]match, len(matches))
		for i, m := range matches {
			out[i] = match{m.Page, m.Summary, m.Operation, m.Score}
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: jsonText(out)}},
			StructuredContent: map[string]any{"matches": out}}, nil
	}
}

func unmarshalArgs(req *mcp.CallToolRequest, v any) error {
	raw := req.Params.Arguments
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return json.Unmarshal(raw, v)
}
