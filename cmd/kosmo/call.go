package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/internal/fileread"
)

type callOptions struct {
	policyFlags
	function string
	fields   []string
	typed    []string
	input    string
	asJSON   bool
	stream   bool
	timeout  *timeoutFlag
}

func (a *app) newCallCmd() *cobra.Command {
	opts := &callOptions{}
	cmd := &cobra.Command{
		Use:   "call INTEGRATION.FUNCTION",
		Short: "Call one function without writing Lua; print the response as JSON",
		Long: `Call one function with arguments from flags, a JSON object on standard input, or --input FILE.

  -f key=value   a string
  -F key=value   typed: a number, true, false, null, a JSON array or object,
                 @path (the file's text) or @path:base64 (the file, base64-encoded: for file_content)

Nested keys use Lua's 1-based indices: -F 'messages[1].role=user'. A JSON object on standard
input (when it is not a terminal) or from --input is read first and the flags are set on top
of it: a flag wins over the same key of the object. Arguments are validated exactly as from
Lua; the response is printed as JSON (indented on a terminal), or with --json as an envelope
{function, account, operation, ok, data, error, duration_ms}. --timeout bounds the whole call,
retries and their waits included (exit code 5).

--stream (openai_chat_completion) sends stream = true and prints the answer's text on standard
error as it arrives, then the whole completion on standard output as usual.`,
		Example: `  kosmo call openai.openai_list_models --fake
  kosmo call openai.chat_completion -f model=gpt-5.1 -f 'messages[1].role=user' -f 'messages[1].content=Hello'
  kosmo call openai.openai_transcribe_audio -f model=whisper-1 -f filename=a.wav -F file_content=@a.wav:base64
  echo '{"model":"text-embedding-3-small","input":"hi"}' | kosmo call openai.openai_create_embedding
  kosmo call openai.chat_completion --input request.json -F temperature=0.2   # the file's object, temperature replaced
  kosmo call --account work --json --timeout 30s openai.openai_list_files
  kosmo call openai.chat_completion --stream -f model=gpt-5.1 -f 'messages[1].role=user' -f 'messages[1].content=Hello'`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.function = args[0]
			return a.call(cmd.Context(), opts)
		},
	}
	opts.policyFlags.register(cmd)
	f := cmd.Flags()
	f.StringArrayVarP(&opts.fields, "field", "f", nil, "string argument key=value (repeatable)")
	f.StringArrayVarP(&opts.typed, "typed-field", "F", nil, "typed argument key=value (repeatable)")
	f.StringVar(&opts.input, "input", "", "read a JSON object of arguments from FILE (- for standard input); -f and -F are set on top of it")
	f.BoolVar(&opts.asJSON, "json", false, "print an envelope {function, account, operation, ok, data, error, duration_ms}")
	f.BoolVar(&opts.stream, "stream", false, "stream the answer (stream = true), printing its text on standard error as it arrives")
	opts.timeout = addTimeoutFlag(cmd, DefaultTimeout, "the whole call, retries and their waits included")
	return cmd
}

// callEnvelope is `kosmo call --json`'s output.
type callEnvelope struct {
	Function   string          `json:"function"`
	Account    string          `json:"account"`
	Operation  string          `json:"operation"`
	OK         bool            `json:"ok"`
	Data       json.RawMessage `json:"data"`
	Error      *errorView      `json:"error"`
	DurationMS int64           `json:"duration_ms"`
}

func (a *app) call(ctx context.Context, opts *callOptions) (err error) {
	ctx, cancel := opts.timeout.bound(ctx)
	defer cancel()
	args, origins, err := a.callArgs(ctx, opts)
	if err != nil {
		return opts.timeout.explain(ctx, err, "reading the arguments")
	}
	opts.quiet = opts.quiet || opts.stream // the streamed text shows the progress
	host, finish, err := a.newHost(ctx, &opts.policyFlags, false, nil)
	if err != nil {
		return err
	}
	defer func() { err = a.finishWith(err, finish()) }()
	var printer *deltaPrinter
	if opts.stream {
		if printer, err = a.streamArgs(host, opts.function, args); err != nil {
			return err
		}
	}
	res, err := host.CallStream(ctx, opts.function, "", args, printer.chunk())
	printer.end()
	_, fn, ferr := host.Function(opts.function)
	if fn != nil {
		err = opts.timeout.explain(ctx, err, fn.Name)
		err = origins.hint(err, fn)
	}
	if !opts.asJSON {
		if err != nil {
			return err
		}
		return a.writeRawJSON(res.Data)
	}
	env := callEnvelope{OK: err == nil, Error: viewError(err), Data: json.RawMessage("null")}
	if ferr == nil {
		env.Function, env.Operation = fn.Name, string(fn.Operation)
	}
	if res != nil {
		env.Account, env.DurationMS = res.Account, res.Duration.Milliseconds()
		if res.Data != nil {
			env.Data = res.Data
		}
	}
	if werr := a.writeJSON(env); werr != nil {
		return werr
	}
	if err != nil {
		return &reported{err}
	}
	return nil
}

// stdinHintAfter is how long `kosmo call` waits for standard input before
// saying on standard error that it is waiting for it.
var stdinHintAfter = 2 * time.Second

// maxArgumentsFile bounds what kosmo call reads as arguments (--input,
// standard input, -F key=@path): OpenAI's largest upload (512 MB, the
// Files API) fits, /dev/zero through a pipe does not grow without end.
const maxArgumentsFile = 512 << 20

// callArgs reads the JSON object of arguments (from --input, or from
// standard input when it is not a terminal), then sets the -f and -F
// fields on top of it, in order: a flag wins over the same key of the
// object. It also returns where each flag's value came from, for hints.
func (a *app) callArgs(ctx context.Context, opts *callOptions) (map[string]any, fieldOrigins, error) {
	args := map[string]any{}
	var (
		input    io.Reader
		implicit bool
	)
	switch {
	case opts.input == "-":
		input = a.env.Stdin
	case opts.input != "":
		data, err := fileread.File(ctx, opts.input, maxArgumentsFile)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, err
			}
			return nil, nil, usagef("cannot read --input %s: %v", opts.input, err)
		}
		input = bytes.NewReader(data)
	case a.env.Stdin != nil && !a.env.terminal(a.env.Stdin):
		input, implicit = a.env.Stdin, true
	}
	if input != nil {
		data, err := a.readArgs(ctx, input, implicit)
		if err != nil {
			return nil, nil, err
		}
		if strings.TrimSpace(string(data)) != "" {
			if err := json.Unmarshal(data, &args); err != nil {
				if implicit {
					return nil, nil, usagef("standard input is not a JSON object of arguments: %v (kosmo call reads standard input when it is not a terminal; give </dev/null when it holds something else)", err)
				}
				return nil, nil, usagef("the arguments must be one JSON object: %v", err)
			}
		}
	}
	if args == nil { // the input was null
		args = map[string]any{}
	}
	origins := fieldOrigins{}
	for _, f := range opts.fields {
		key, value, ok := strings.Cut(f, "=")
		if !ok {
			return nil, nil, usagef("-f %q: key=value expected", f)
		}
		path, err := setPath(args, key, value)
		if err != nil {
			return nil, nil, err
		}
		origins[path] = fieldOrigin{flag: "-f", key: key, raw: value}
	}
	for _, f := range opts.typed {
		key, raw, ok := strings.Cut(f, "=")
		if !ok {
			return nil, nil, usagef("-F %q: key=value expected", f)
		}
		value, err := typedValue(ctx, raw)
		if err != nil && ctx.Err() != nil {
			return nil, nil, err
		}
		if err != nil {
			return nil, nil, usagef("-F %s: %v", key, err)
		}
		path, err := setPath(args, key, value)
		if err != nil {
			return nil, nil, err
		}
		origins[path] = fieldOrigin{flag: "-F", key: key, raw: raw}
	}
	return args, origins, nil
}

// readArgs reads the JSON input until its end or until ctx ends (a pipe
// that is never closed would otherwise hold the call forever). When the
// input is standard input that nobody named, it says on standard error
// that it is waiting, once stdinHintAfter has passed.
func (a *app) readArgs(ctx context.Context, r io.Reader, implicit bool) ([]byte, error) {
	type read struct {
		data []byte
		err  error
	}
	done := make(chan read, 1)
	go func() {
		data, err := fileread.All(context.Background(), r, maxArgumentsFile)
		done <- read{data, err}
	}()
	var hint <-chan time.Time
	if implicit {
		t := time.NewTimer(stdinHintAfter)
		defer t.Stop()
		hint = t.C
	}
	for {
		select {
		case r := <-done:
			if r.err != nil {
				return nil, usagef("cannot read the arguments: %v", r.err)
			}
			return r.data, nil
		case <-hint:
			fmt.Fprintln(a.env.Stderr, "kosmo: waiting for a JSON object of arguments on standard input (close it, or run with </dev/null, to send none)")
		case <-ctx.Done():
			return nil, fmt.Errorf("reading the arguments from standard input: %w", context.Cause(ctx))
		}
	}
}

// fieldOrigin is the flag that set one argument, as typed.
type fieldOrigin struct {
	flag string // "-f" or "-F"
	key  string
	raw  string
}

// fieldOrigins maps an argument's path, as validation errors name it
// ("messages[1].content"), to the flag that set it.
type fieldOrigins map[string]fieldOrigin

// hint adds to a validation error what the flags that set the refused
// arguments probably meant: -F for a number given with -f, @path:base64
// for a file given with -F @path to a base64 parameter.
func (o fieldOrigins) hint(err error, fn *integration.Function) error {
	var ve *integration.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var hints []string
	seen := map[string]bool{}
	for _, p := range ve.Problems {
		origin, ok := o[p.Path]
		if !ok || seen[p.Path] {
			continue
		}
		seen[p.Path] = true
		if h := origin.hint(fn); h != "" {
			hints = append(hints, h)
		}
	}
	if len(hints) == 0 {
		return err
	}
	return &hintedError{err: err, hints: hints}
}

func (o fieldOrigin) hint(fn *integration.Function) string {
	steps, err := parsePath(o.key)
	if err != nil {
		return ""
	}
	p := paramAt(fn, steps)
	if p == nil {
		return "" // an unknown parameter: the error says so
	}
	switch o.flag {
	case "-f":
		if kind := typedKind(o.raw); kind != "" && !takesString(p) {
			return fmt.Sprintf("-f always sends a string; -F %s=%s sends %s", o.key, o.raw, kind)
		}
	case "-F":
		path, ok := strings.CutPrefix(o.raw, "@")
		if ok && !strings.HasSuffix(path, ":base64") && p.Base64 {
			return fmt.Sprintf("-F %s=@%s sends the file as text; -F %s=@%s:base64 sends it base64-encoded, as %s wants", o.key, path, o.key, path, o.key)
		}
	}
	return ""
}

// paramAt returns the parameter that steps lead to in fn's parameters, or
// nil when they name none.
func paramAt(fn *integration.Function, steps []pathStep) *integration.Param {
	var p *integration.Param
	for i, st := range steps {
		switch {
		case i == 0:
			p = fn.Param(st.name)
		case st.index > 0:
			if p.Type != integration.TypeArray {
				return nil
			}
			p = p.Items
		default:
			var field *integration.Param
			for j := range p.Fields {
				if p.Fields[j].Name == st.name {
					field = &p.Fields[j]
				}
			}
			p = field
		}
		if p == nil {
			return nil
		}
	}
	return p
}

// takesString reports whether p accepts a string (or anything).
func takesString(p *integration.Param) bool {
	for ; p != nil; p = p.Or {
		if p.Type == integration.TypeString || p.Type == integration.TypeAny || p.Type == "" {
			return true
		}
	}
	return false
}

// typedKind names what -F would make of raw when it is not a string: "a
// number", "true", "null", "a JSON array"; "" for a string.
func typedKind(raw string) string {
	switch raw {
	case "true", "false":
		return "a boolean"
	case "null":
		return "null"
	}
	if _, err := strconv.ParseFloat(raw, 64); err == nil {
		return "a number"
	}
	if strings.HasPrefix(raw, "[") || strings.HasPrefix(raw, "{") {
		var v any
		if json.Unmarshal([]byte(raw), &v) == nil {
			if strings.HasPrefix(raw, "[") {
				return "a JSON array"
			}
			return "a JSON object"
		}
	}
	return ""
}

// hintedError is an error with what the command line probably meant.
type hintedError struct {
	err   error
	hints []string
}

func (e *hintedError) Error() string {
	return e.err.Error() + " (hint: " + strings.Join(e.hints, "; ") + ")"
}

func (e *hintedError) Unwrap() error { return e.err }

// typedValue reads -F's value: number, boolean, null, JSON array or object,
// @path or @path:base64; anything else is a string.
func typedValue(ctx context.Context, raw string) (any, error) {
	switch raw {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if path, ok := strings.CutPrefix(raw, "@"); ok {
		encode := false
		if p, ok := strings.CutSuffix(path, ":base64"); ok {
			path, encode = p, true
		}
		data, err := fileread.File(ctx, path, maxArgumentsFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", path, err)
		}
		if encode {
			return base64.StdEncoding.EncodeToString(data), nil
		}
		return string(data), nil
	}
	if n, err := strconv.ParseFloat(raw, 64); err == nil {
		return n, nil
	}
	if strings.HasPrefix(raw, "[") || strings.HasPrefix(raw, "{") {
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		return v, nil
	}
	return raw, nil
}

// setPath sets a key such as "messages[2].role" in args; indices are
// 1-based (as in Lua) and must not leave gaps. It returns the key as
// validation errors write it.
func setPath(args map[string]any, key string, value any) (string, error) {
	steps, err := parsePath(key)
	if err != nil {
		return "", err
	}
	if _, err = assign(args, steps, value, key); err != nil {
		return "", err
	}
	var b strings.Builder
	for i, st := range steps {
		if st.index == 0 && i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(st.describe())
	}
	return b.String(), nil
}

// assign returns container with value stored at steps below it, creating
// objects and arrays on the way.
func assign(container any, steps []pathStep, value any, key string) (any, error) {
	if len(steps) == 0 {
		return value, nil
	}
	st := steps[0]
	if st.index > 0 {
		arr, ok := container.([]any)
		if container != nil && !ok {
			return nil, usagef("field %q: %s indexes something that is not an array", key, st.describe())
		}
		switch {
		case st.index > len(arr)+1:
			return nil, usagef("field %q: index %d leaves a gap (the next index is %d)", key, st.index, len(arr)+1)
		case st.index == len(arr)+1:
			arr = append(arr, nil)
		}
		v, err := assign(arr[st.index-1], steps[1:], value, key)
		if err != nil {
			return nil, err
		}
		arr[st.index-1] = v
		return arr, nil
	}
	obj, ok := container.(map[string]any)
	if container != nil && !ok {
		return nil, usagef("field %q: %s names a field of something that is not an object", key, st.describe())
	}
	if obj == nil {
		obj = map[string]any{}
	}
	v, err := assign(obj[st.name], steps[1:], value, key)
	if err != nil {
		return nil, err
	}
	obj[st.name] = v
	return obj, nil
}

type pathStep struct {
	name  string
	index int // 1-based; 0 for a name
}

func (s pathStep) describe() string {
	if s.index > 0 {
		return "[" + strconv.Itoa(s.index) + "]"
	}
	return s.name
}

// parsePath splits "a.b[2].c" into steps.
func parsePath(key string) ([]pathStep, error) {
	var steps []pathStep
	rest := key
	for rest != "" {
		switch {
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, usagef("field %q: missing ']'", key)
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil || n < 1 {
				return nil, usagef("field %q: index %q must be a whole number from 1", key, rest[1:end])
			}
			if len(steps) == 0 {
				return nil, usagef("field %q: starts with an index", key)
			}
			steps = append(steps, pathStep{index: n})
			rest = rest[end+1:]
			rest = strings.TrimPrefix(rest, ".")
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				return nil, usagef("field %q: empty name", key)
			}
			steps = append(steps, pathStep{name: rest[:end]})
			rest = rest[end:]
			rest = strings.TrimPrefix(rest, ".")
		}
	}
	if len(steps) == 0 {
		return nil, usagef("field %q: empty key", key)
	}
	return steps, nil
}
