package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

type callOptions struct {
	policyFlags
	function string
	fields   []string
	typed    []string
	input    string
	asJSON   bool
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

Nested keys use Lua's 1-based indices: -F 'messages[1].role=user'. Arguments are validated
exactly as from Lua; the response is printed as JSON (indented on a terminal), or with --json
as an envelope {function, account, operation, ok, data, error, duration_ms}.`,
		Example: `  kosmo call openai.openai_list_models --fake
  kosmo call openai.chat_completion -f model=gpt-4o-mini -f 'messages[1].role=user' -f 'messages[1].content=Hello'
  kosmo call openai.openai_transcribe_audio -f model=whisper-1 -f filename=a.wav -F file_content=@a.wav:base64
  echo '{"model":"text-embedding-3-small","input":"hi"}' | kosmo call openai.openai_create_embedding
  kosmo call --account work --json openai.openai_list_files`,
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
	f.StringVar(&opts.input, "input", "", "read a JSON object of arguments from FILE (- for standard input)")
	f.BoolVar(&opts.asJSON, "json", false, "print an envelope {function, account, operation, ok, data, error, duration_ms}")
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

func (a *app) call(ctx context.Context, opts *callOptions) error {
	args, err := a.callArgs(opts)
	if err != nil {
		return err
	}
	host, cleanup, err := a.newHost(&opts.policyFlags, false, nil)
	if err != nil {
		return err
	}
	defer cleanup()
	res, err := host.Call(ctx, opts.function, "", args)
	if !opts.asJSON {
		if err != nil {
			return err
		}
		return a.writeRawJSON(res.Data)
	}
	env := callEnvelope{OK: err == nil, Error: viewError(err), Data: json.RawMessage("null")}
	if _, fn, ferr := host.Function(opts.function); ferr == nil {
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

// callArgs merges the JSON input (if any) and the -f/-F fields, in order.
func (a *app) callArgs(opts *callOptions) (map[string]any, error) {
	args := map[string]any{}
	var input io.Reader
	switch {
	case opts.input == "-":
		input = a.env.Stdin
	case opts.input != "":
		f, err := os.Open(opts.input)
		if err != nil {
			return nil, usagef("cannot read --input: %v", err)
		}
		defer f.Close()
		input = f
	case len(opts.fields) == 0 && len(opts.typed) == 0 && a.env.Stdin != nil && !a.env.terminal(a.env.Stdin):
		input = a.env.Stdin
	}
	if input != nil {
		data, err := io.ReadAll(input)
		if err != nil {
			return nil, usagef("cannot read the arguments: %v", err)
		}
		if strings.TrimSpace(string(data)) != "" {
			if err := json.Unmarshal(data, &args); err != nil {
				return nil, usagef("the arguments must be one JSON object: %v", err)
			}
		}
	}
	for _, f := range opts.fields {
		key, value, ok := strings.Cut(f, "=")
		if !ok {
			return nil, usagef("-f %q: key=value expected", f)
		}
		if err := setPath(args, key, value); err != nil {
			return nil, err
		}
	}
	for _, f := range opts.typed {
		key, raw, ok := strings.Cut(f, "=")
		if !ok {
			return nil, usagef("-F %q: key=value expected", f)
		}
		value, err := typedValue(raw)
		if err != nil {
			return nil, usagef("-F %s: %v", key, err)
		}
		if err := setPath(args, key, value); err != nil {
			return nil, err
		}
	}
	if args == nil {
		args = map[string]any{}
	}
	return args, nil
}

// typedValue reads -F's value: number, boolean, null, JSON array or object,
// @path or @path:base64; anything else is a string.
func typedValue(raw string) (any, error) {
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
		data, err := os.ReadFile(path)
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
// 1-based (as in Lua) and must not leave gaps.
func setPath(args map[string]any, key string, value any) error {
	steps, err := parsePath(key)
	if err != nil {
		return err
	}
	_, err = assign(args, steps, value, key)
	return err
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
