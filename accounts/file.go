package accounts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"go.yaml.in/yaml/v3"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/internal/fileread"
)

// The config file is read by kosmo itself, not through a library that folds
// keys to lowercase: such folding turns an account "Work" into "work" and
// merges "work" and "WORK" into one account, so that one account's settings
// (read_only among them) would be lost without a word. Every key is checked
// as written, and every error names the file, the line and the key path.

// value is one value of the config file as written: a map (entries in file
// order), a list, or a scalar (string, int64, float64, bool, nil for no
// value, or a date, kept as its text).
type value struct {
	// line is where the value starts, 1-based; 0 when unknown.
	line    int
	isMap   bool
	entries []entry
	isList  bool
	items   []*value
	scalar  any
}

// entry is one key of a map, with the line the key is written on.
type entry struct {
	key  string
	line int
	val  *value
}

// dateText is a TOML or YAML date or time, kept as written.
type dateText string

// readConfigFile reads and checks the config file: its syntax, every key (as
// written, case included) and every value's type. lines maps each key path
// ("integrations.openai.accounts.work") to its line, for the checks made
// after it.
func readConfigFile(ctx context.Context, file string, integrations []*integration.Integration) (fileConfig, map[string]int, error) {
	data, err := fileread.File(ctx, file, MaxConfigFile)
	if err != nil {
		if ctx.Err() != nil {
			return fileConfig{}, nil, err
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fileConfig{}, nil, &ConfigError{File: file, Err: fmt.Errorf("cannot read the file: %v", err)}
	}
	var root *value
	switch ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(file), ".")); ext {
	case "yaml", "yml":
		root, err = parseYAML(data)
	case "toml":
		root, err = parseTOML(data)
	case "json":
		root, err = parseJSON(data)
	default:
		return fileConfig{}, nil, &ConfigError{File: file, Err: fmt.Errorf("unknown format %q: name the file .yaml, .yml, .toml or .json", "."+ext)}
	}
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.File = file
			return fileConfig{}, nil, ce
		}
		return fileConfig{}, nil, &ConfigError{File: file, Err: err}
	}
	d := &fileDecoder{file: file, lines: map[string]int{}, known: map[string]*integration.Integration{}}
	for _, in := range integrations {
		d.known[in.Name] = in
	}
	fc, err := d.decode(root)
	return fc, d.lines, err
}

// syntaxError is a file that is not valid in its format, at line (0 when
// the parser gives none).
func syntaxError(format string, line int, msg string) error {
	return &ConfigError{Line: line, Err: fmt.Errorf("not valid %s: %s", format, msg)}
}

// maxDepth bounds nesting (and YAML aliases) far beyond what the schema has.
const maxDepth = 64

// yamlLine is the "line N: " that yaml.v3 puts in its messages.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

func parseYAML(data []byte) (*value, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.Join(strings.Fields(err.Error()), " ")
		line := 0
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		}
		return nil, syntaxError("YAML", line, strings.TrimPrefix(msg, "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &value{isMap: true, line: 1}, nil
	}
	budget := maxValues
	return yamlValue(doc.Content[0], 0, &budget)
}

// maxValues bounds the values a YAML file may expand to through aliases
// (each use of an alias copies what it names).
const maxValues = 100_000

func yamlValue(n *yaml.Node, depth int, budget *int) (*value, error) {
	if depth > maxDepth {
		return nil, syntaxError("YAML", n.Line, "nested too deeply")
	}
	if *budget--; *budget < 0 {
		return nil, syntaxError("YAML", n.Line, fmt.Sprintf("more than %d values once aliases are expanded", maxValues))
	}
	v := &value{line: n.Line}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &value{line: n.Line}, nil
		}
		return yamlValue(n.Content[0], depth+1, budget)
	case yaml.AliasNode:
		target, err := yamlValue(n.Alias, depth+1, budget)
		if err != nil {
			return nil, err
		}
		alias := *target
		alias.line = n.Line
		return &alias, nil
	case yaml.SequenceNode:
		v.isList = true
		for _, item := range n.Content {
			iv, err := yamlValue(item, depth+1, budget)
			if err != nil {
				return nil, err
			}
			v.items = append(v.items, iv)
		}
	case yaml.MappingNode:
		v.isMap = true
		var merged []entry
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, syntaxError("YAML", k.Line, "a key must be a plain name, not a list or a map")
			}
			child, err := yamlValue(val, depth+1, budget)
			if err != nil {
				return nil, err
			}
			if k.Tag == "!!merge" {
				// <<: *base merges the keys of base that the map does
				// not set itself.
				sources := []*value{child}
				if child.isList {
					sources = child.items
				}
				for _, s := range sources {
					if !s.isMap {
						return nil, syntaxError("YAML", k.Line, "'<<' merges a map, or a list of maps")
					}
					merged = append(merged, s.entries...)
				}
				continue
			}
			v.entries = append(v.entries, entry{key: k.Value, line: k.Line, val: child})
		}
		for _, m := range merged {
			if !hasKey(v.entries, m.key) {
				v.entries = append(v.entries, m)
			}
		}
	case yaml.ScalarNode:
		var s any
		if err := n.Decode(&s); err != nil {
			return nil, syntaxError("YAML", n.Line, err.Error())
		}
		v.scalar = normalizeScalar(s, n.Value)
	default:
		return nil, syntaxError("YAML", n.Line, "unexpected node")
	}
	return v, nil
}

func hasKey(entries []entry, key string) bool {
	for _, e := range entries {
		if e.key == key {
			return true
		}
	}
	return false
}

// normalizeScalar gives every format's scalars the same Go types.
func normalizeScalar(s any, text string) any {
	switch x := s.(type) {
	case int:
		return int64(x)
	case int64, float64, bool, string, nil:
		return x
	case uint64:
		return float64(x)
	case time.Time:
		return dateText(text)
	}
	return dateText(fmt.Sprint(s))
}

func parseTOML(data []byte) (*value, error) {
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		line := 0
		if errors.As(err, &de) {
			line, _ = de.Position()
		}
		return nil, syntaxError("TOML", line, strings.TrimPrefix(strings.Join(strings.Fields(err.Error()), " "), "toml: "))
	}
	lines := tomlLines(data)
	return tomlValue(doc, nil, lines, 1), nil
}

// tomlLines maps each key path (parts joined by a NUL byte) to the line it
// is first written on: a table header, a key, a part of a dotted key, a key
// of an inline table.
func tomlLines(data []byte) map[string]int {
	lines := map[string]int{}
	p := unstable.Parser{}
	p.Reset(data)
	record := func(path []string, k *unstable.Node) {
		key := strings.Join(path, "\x00")
		if _, ok := lines[key]; !ok && k.Raw.Length > 0 {
			lines[key] = p.Shape(k.Raw).Start.Line
		}
	}
	var keyValue func(prefix []string, n *unstable.Node)
	keyValue = func(prefix []string, n *unstable.Node) {
		path := append([]string(nil), prefix...)
		for it := n.Key(); it.Next(); {
			path = append(path, string(it.Node().Data))
			record(path, it.Node())
		}
		if v := n.Value(); v != nil && v.Kind == unstable.InlineTable {
			for it := v.Children(); it.Next(); {
				if c := it.Node(); c.Kind == unstable.KeyValue {
					keyValue(path, c)
				}
			}
		}
	}
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = table[:0:0]
			for it := e.Key(); it.Next(); {
				table = append(table, string(it.Node().Data))
				record(table, it.Node())
			}
		case unstable.KeyValue:
			keyValue(table, e)
		}
	}
	return lines
}

func tomlValue(x any, path []string, lines map[string]int, line int) *value {
	v := &value{line: line}
	switch t := x.(type) {
	case map[string]any:
		v.isMap = true
		for k, c := range t {
			p := append(append([]string(nil), path...), k)
			l := lines[strings.Join(p, "\x00")]
			v.entries = append(v.entries, entry{key: k, line: l, val: tomlValue(c, p, lines, l)})
		}
		sort.Slice(v.entries, func(i, j int) bool {
			a, b := v.entries[i], v.entries[j]
			if a.line != b.line {
				return a.line < b.line
			}
			return a.key < b.key
		})
	case []any:
		v.isList = true
		for _, c := range t {
			v.items = append(v.items, tomlValue(c, path, lines, line))
		}
	case []map[string]any:
		v.isList = true
		for _, c := range t {
			v.items = append(v.items, tomlValue(c, path, lines, line))
		}
	default:
		v.scalar = normalizeScalar(x, fmt.Sprint(x))
	}
	return v
}

func parseJSON(data []byte) (*value, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return &value{isMap: true, line: 1}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	lineAt := func(off int64) int {
		off = min(max(off, 0), int64(len(data)))
		return 1 + bytes.Count(data[:off], []byte("\n"))
	}
	fail := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return syntaxError("JSON", lineAt(se.Offset), se.Error())
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return syntaxError("JSON", lineAt(dec.InputOffset()), err.Error())
	}
	var read func(depth int) (*value, error)
	read = func(depth int) (*value, error) {
		if depth > maxDepth {
			return nil, syntaxError("JSON", lineAt(dec.InputOffset()), "nested too deeply")
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, fail(err)
		}
		v := &value{line: lineAt(dec.InputOffset())}
		switch t := tok.(type) {
		case json.Delim:
			if t == '[' {
				v.isList = true
				for dec.More() {
					item, err := read(depth + 1)
					if err != nil {
						return nil, err
					}
					v.items = append(v.items, item)
				}
			} else {
				v.isMap = true
				for dec.More() {
					k, err := dec.Token()
					if err != nil {
						return nil, fail(err)
					}
					key, _ := k.(string)
					line := lineAt(dec.InputOffset())
					val, err := read(depth + 1)
					if err != nil {
						return nil, err
					}
					v.entries = append(v.entries, entry{key: key, line: line, val: val})
				}
			}
			if _, err := dec.Token(); err != nil { // the closing ] or }
				return nil, fail(err)
			}
		case json.Number:
			if n, err := t.Int64(); err == nil {
				v.scalar = n
			} else {
				f, _ := t.Float64()
				v.scalar = f
			}
		default:
			v.scalar = t
		}
		return v, nil
	}
	root, err := read(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, syntaxError("JSON", lineAt(dec.InputOffset()), "more than one value in the file")
	}
	return root, nil
}

// fileDecoder turns the file's values into a fileConfig, checking every key
// and type as it goes.
type fileDecoder struct {
	file  string
	known map[string]*integration.Integration
	lines map[string]int
}

// errorf is a problem with the key at path, written on line.
func (d *fileDecoder) errorf(path string, line int, format string, a ...any) error {
	return &ConfigError{File: d.file, Line: line, Path: path, Err: fmt.Errorf(format, a...)}
}

func joinKey(path, key string) string {
	switch {
	case path == "":
		return key
	case key == "":
		return path
	}
	return path + "." + key
}

// keysRule is why two keys that differ only in case are refused.
const keysRule = "keys are lowercase: remove one"

// Keys of the top level and of an integration.
var (
	topKeys         = []string{"integrations", "store", "rate_limit_store"}
	integrationKeys = []string{"default", "accounts"}
)

func (d *fileDecoder) decode(root *value) (fileConfig, error) {
	fc := fileConfig{Integrations: map[string]integrationConfig{}}
	entries, err := d.mapOf("", root, "a map with the keys integrations and store", keysRule)
	if err != nil {
		return fc, err
	}
	for _, e := range entries {
		switch e.key {
		case "integrations":
			ins, err := d.mapOf("integrations", e.val, "a map from integration names to their settings", "integration names are lowercase: remove one")
			if err != nil {
				return fc, err
			}
			for _, ie := range ins {
				path := joinKey("integrations", ie.key)
				in := d.known[ie.key]
				if in == nil {
					return fc, d.errorf(path, ie.line, "unknown integration%s (known: %s)", suggestion(ie.key, sortedKeys(d.known)), strings.Join(sortedKeys(d.known), ", "))
				}
				ic, err := d.integration(path, ie.val, in)
				if err != nil {
					return fc, err
				}
				fc.Integrations[ie.key] = ic
			}
		case "store":
			s, err := d.str("store", e, false)
			if err != nil {
				return fc, err
			}
			fc.Store = s
		case "rate_limit_store":
			s, err := d.str("rate_limit_store", e, false)
			if err != nil {
				return fc, err
			}
			fc.RateLimitStore = s
		default:
			return fc, d.unknownKey("", e, topKeys)
		}
	}
	return fc, nil
}

func (d *fileDecoder) integration(path string, v *value, in *integration.Integration) (integrationConfig, error) {
	ic := integrationConfig{Accounts: map[string]accountConfig{}}
	entries, err := d.mapOf(path, v, "a map with the keys default and accounts", keysRule)
	if err != nil {
		return ic, err
	}
	for _, e := range entries {
		switch e.key {
		case "default":
			s, err := d.str(joinKey(path, "default"), e, false)
			if err != nil {
				return ic, err
			}
			ic.Default = s
		case "accounts":
			accountsPath := joinKey(path, "accounts")
			accts, err := d.mapOf(accountsPath, e.val, "a map from account names to their settings", "account names are lowercase identifiers: rename or remove one")
			if err != nil {
				return ic, err
			}
			for _, ae := range accts {
				ac, err := d.account(joinKey(accountsPath, ae.key), ae.val, in)
				if err != nil {
					return ic, err
				}
				ic.Accounts[ae.key] = ac
				ic.order = append(ic.order, ae.key)
			}
		default:
			return ic, d.unknownKey(path, e, integrationKeys)
		}
	}
	return ic, nil
}

func (d *fileDecoder) account(path string, v *value, in *integration.Integration) (accountConfig, error) {
	ac := accountConfig{}
	entries, err := d.mapOf(path, v, "a map of account settings (api_key_env, base_url, …)", keysRule)
	if err != nil {
		return ac, err
	}
	known := append([]string(nil), commonKeys...)
	for _, s := range in.Settings {
		known = append(known, s.Name)
	}
	text := map[string]*string{
		"api_key": &ac.APIKey, "api_key_env": &ac.APIKeyEnv, "api_key_file": &ac.APIKeyFile, "base_url": &ac.BaseURL,
		"organization": &ac.Organization, "project": &ac.Project, "timeout": &ac.Timeout,
	}
	for _, e := range entries {
		keyPath := joinKey(path, e.key)
		if field, ok := text[e.key]; ok {
			s, err := d.str(keyPath, e, e.key == "api_key")
			if err != nil {
				return ac, err
			}
			*field = s
			continue
		}
		switch e.key {
		case "max_retries":
			n, ok := wholeNumber(e.val.scalar)
			if !ok || e.val.isMap || e.val.isList {
				return ac, d.errorf(keyPath, e.line, "an integer from 0 to 10 expected, got %s", describeValue(e.val, false))
			}
			ac.MaxRetries = &n
		case "read_only":
			b, ok := e.val.scalar.(bool)
			if !ok || e.val.isMap || e.val.isList {
				return ac, d.errorf(keyPath, e.line, "true or false expected, got %s", describeValue(e.val, false))
			}
			ac.ReadOnly = b
		case "rate_limits":
			if ac.RateLimits, err = d.rateLimits(keyPath, e.val); err != nil {
				return ac, err
			}
		default:
			if in.Setting(e.key) == nil {
				return ac, d.unknownKey(path, e, known)
			}
			s, err := d.str(keyPath, e, false)
			if b, isBool := e.val.scalar.(bool); isBool && settingTakes(in.Setting(e.key), "true", "false") {
				s, err = fmt.Sprint(b), nil // drop_params: true, as YAML writes a flag
			}
			if err != nil {
				return ac, err
			}
			if ac.Settings == nil {
				ac.Settings = map[string]string{}
			}
			ac.Settings[e.key] = s
		}
	}
	return ac, nil
}

// mapOf checks that v is a map (no value counts as an empty one) whose keys
// are all distinct even when case is ignored, and records their lines.
func (d *fileDecoder) mapOf(path string, v *value, want, rule string) ([]entry, error) {
	if v.scalar == nil && !v.isMap && !v.isList {
		return nil, nil
	}
	if !v.isMap {
		return nil, d.errorf(path, v.line, "%s expected, got %s", want, describeValue(v, false))
	}
	seen := map[string]entry{}
	for _, e := range v.entries {
		folded := strings.ToLower(e.key)
		if first, ok := seen[folded]; ok {
			if first.key == e.key {
				return nil, d.errorf(joinKey(path, e.key), e.line, "the key is given twice (%s and %s)", lineOf(first.line), lineOf(e.line))
			}
			return nil, d.errorf(path, e.line, "'%s' (%s) and '%s' (%s) differ only in case; %s",
				first.key, lineOf(first.line), e.key, lineOf(e.line), rule)
		}
		seen[folded] = e
		d.lines[joinKey(path, e.key)] = e.line
	}
	return v.entries, nil
}

func lineOf(line int) string {
	if line <= 0 {
		return "line unknown"
	}
	return "line " + strconv.Itoa(line)
}

// str reads a string; secret hides the value in errors.
func (d *fileDecoder) str(path string, e entry, secret bool) (string, error) {
	s, ok := e.val.scalar.(string)
	if !ok || e.val.isMap || e.val.isList {
		want := "a string"
		if strings.HasSuffix(path, ".timeout") {
			want = `a duration such as "30s"`
		}
		return "", d.errorf(path, e.line, "%s expected, got %s", want, describeValue(e.val, secret))
	}
	return s, nil
}

func (d *fileDecoder) unknownKey(path string, e entry, known []string) error {
	return d.errorf(joinKey(path, e.key), e.line, "unknown key%s (known: %s)", suggestion(e.key, known), strings.Join(known, ", "))
}

// suggestion is "; did you mean 'x'?" for the candidate s most likely
// stands for (the same name in another case first), or "".
func suggestion(s string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(s, c) {
			return fmt.Sprintf("; did you mean '%s'?", c)
		}
	}
	if len(s) < 3 {
		return "" // any short name is "close" to another
	}
	if c := integration.Suggest(strings.ToLower(s), candidates); c != "" {
		return fmt.Sprintf("; did you mean '%s'?", c)
	}
	return ""
}

// wholeNumber reads an integer, also one written as a float with no
// fraction (3.0), as the Lua side accepts.
func wholeNumber(x any) (int, bool) {
	switch n := x.(type) {
	case int64:
		if n < -1<<31 || n > 1<<31-1 {
			return 0, false
		}
		return int(n), true
	case float64:
		if n != float64(int64(n)) || n < -1<<31 || n > 1<<31-1 {
			return 0, false
		}
		return int(n), true
	}
	return 0, false
}

// describeValue says what a value is, for "… expected, got …"; secret
// names only its kind (an api_key is never echoed).
func describeValue(v *value, secret bool) string {
	switch {
	case v.isMap:
		return "a map"
	case v.isList:
		return "a list"
	}
	switch x := v.scalar.(type) {
	case nil:
		return "no value"
	case string:
		if secret {
			return "a string"
		}
		return fmt.Sprintf("the string %q", x)
	case bool:
		if secret {
			return "a boolean"
		}
		return strconv.FormatBool(x)
	case int64, float64:
		if secret {
			return "a number"
		}
		if n, ok := x.(int64); ok {
			return "the number " + strconv.FormatInt(n, 10)
		}
		return "the number " + strconv.FormatFloat(x.(float64), 'g', -1, 64)
	case dateText:
		if secret {
			return "a date"
		}
		return "the date " + string(x)
	}
	return "a value"
}

// settingTakes reports whether a setting's values include every one of vals.
func settingTakes(s *integration.Setting, vals ...string) bool {
	for _, v := range vals {
		if !slices.Contains(s.Values, v) {
			return false
		}
	}
	return true
}
