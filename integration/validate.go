package integration

import (
	"encoding/base64"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one reason a value does not fit its schema.
type Problem struct {
	// Path names the parameter: "messages[2].role" (Lua's 1-based indices).
	Path string
	// Message says what was expected.
	Message string
}

// ValidationError lists every problem found in a call's arguments. It never
// holds argument values beyond short type descriptions.
type ValidationError struct {
	Function string
	Problems []Problem
}

// Error implements error: "fn: parameter 'p': expected …; parameter 'q': …".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Function)
	b.WriteString(": ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Path == "" {
			b.WriteString(p.Message)
			continue
		}
		fmt.Fprintf(&b, "parameter '%s': %s", p.Path, p.Message)
	}
	return b.String()
}

// Param returns the path of the first problem, or "".
func (e *ValidationError) Param() string {
	if len(e.Problems) == 0 {
		return ""
	}
	return e.Problems[0].Path
}

// NewValidationError builds a ValidationError with one problem.
func NewValidationError(function, path, format string, a ...any) *ValidationError {
	return &ValidationError{Function: function, Problems: []Problem{{Path: path, Message: fmt.Sprintf(format, a...)}}}
}

// Validate checks args against f's parameters and returns them normalised:
// base64 parameters decoded to []byte, null treated as absent. The input is
// not modified. Every
// problem is reported, in parameter order, then unknown keys in sorted order.
func (f *Function) Validate(args map[string]any) (Args, error) {
	v := validator{}
	out := make(Args, len(args))
	for i := range f.Params {
		p := &f.Params[i]
		val, present := args[p.Name]
		if !present || val == nil {
			if p.Required {
				v.add(p.Name, "required %s is missing", p.describeType())
			}
			continue
		}
		before := len(v.problems)
		out[p.Name] = v.check(p, val, p.Name)
		if f.Spec != nil && f.Spec.Has(p.Name) && len(v.problems) == before {
			var problems []Problem
			out[p.Name], problems = f.Spec.Check(p.Name, out[p.Name], p.Name)
			v.problems = append(v.problems, problems...)
		}
	}
	v.specKeys(f, args, out)
	if len(v.problems) == 0 && f.Check != nil {
		v.problems = f.Check(out)
	}
	if len(v.problems) > 0 {
		return nil, &ValidationError{Function: f.Name, Problems: v.problems}
	}
	return out, nil
}

type validator struct {
	problems []Problem
	// noPaths skips building the paths of problems (they are then "").
	noPaths bool
}

// join is joinPath, unless v builds no paths.
func (v *validator) join(prefix, key string) string {
	if v.noPaths {
		return ""
	}
	return joinPath(prefix, key)
}

// index is the path of element i (0-based) of the array at path, unless v
// builds no paths.
func (v *validator) index(path string, i int) string {
	if v.noPaths {
		return ""
	}
	return path + "[" + strconv.Itoa(i+1) + "]"
}

// specKeys checks the keys that are not documented parameters: those of
// f.Spec are validated by it, in sorted order; the others are unknown, with
// a suggestion over every parameter the function takes.
func (v *validator) specKeys(f *Function, args map[string]any, out Args) {
	if f.Spec == nil {
		v.unknownKeys(args, f.Params, "", "parameter")
		return
	}
	keys := make([]string, 0, len(args))
	for k := range args {
		if !hasParam(f.Params, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var unknown map[string]any
	for _, k := range keys {
		val := args[k]
		switch {
		case !f.Spec.Has(k):
			if unknown == nil {
				unknown = map[string]any{}
			}
			unknown[k] = val
		case val != nil:
			var problems []Problem
			out[k], problems = f.Spec.Check(k, val, k)
			v.problems = append(v.problems, problems...)
		}
	}
	if len(unknown) == 0 {
		return
	}
	known := append([]Param(nil), f.Params...)
	for _, name := range f.Spec.names {
		if !hasParam(f.Params, name) {
			known = append(known, Param{Name: name})
		}
	}
	v.unknownKeys(unknown, known, "", "parameter")
}

func (v *validator) add(path, format string, a ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, a...)})
}

func (v *validator) unknownKeys(obj map[string]any, known []Param, prefix, what string) {
	var unknown []string
	for k := range obj {
		if !hasParam(known, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return
	}
	sort.Strings(unknown)
	names := make([]string, len(known))
	for i, p := range known {
		names[i] = p.Name
	}
	for _, k := range unknown {
		msg := "unknown " + what
		if s := Suggest(k, names); s != "" {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		}
		if len(names) == 0 {
			msg += " (this function takes no parameters)"
		} else {
			msg += " (known: " + strings.Join(names, ", ") + ")"
		}
		v.add(joinPath(prefix, k), "%s", msg)
	}
}

func hasParam(ps []Param, name string) bool {
	for i := range ps {
		if ps[i].Name == name {
			return true
		}
	}
	return false
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// check validates val against p and returns the normalised value.
func (v *validator) check(p *Param, val any, path string) any {
	if p.Or != nil && !p.hasType(val) && p.Or.hasType(val) {
		return v.check(p.Or, val, path)
	}
	switch p.Type {
	case TypeAny, "":
		return val
	case TypeString:
		s, ok := val.(string)
		if !ok {
			v.mismatch(p, val, path)
			return val
		}
		return v.checkString(p, s, path)
	case TypeInteger:
		n, ok := val.(float64)
		if !ok {
			v.mismatch(p, val, path)
			return val
		}
		if n != math.Trunc(n) || math.IsInf(n, 0) {
			v.add(path, "integer expected, got %s", formatNumber(n))
			return val
		}
		v.checkBounds(p, n, path)
	case TypeNumber:
		n, ok := val.(float64)
		if !ok {
			v.mismatch(p, val, path)
			return val
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			v.add(path, "finite number expected, got %s", formatNumber(n))
			return val
		}
		v.checkBounds(p, n, path)
	case TypeBoolean:
		if _, ok := val.(bool); !ok {
			v.mismatch(p, val, path)
		}
	case TypeArray:
		arr, ok := val.([]any)
		if !ok {
			v.mismatch(p, val, path)
			return val
		}
		return v.checkArray(p, arr, path)
	case TypeObject:
		obj, ok := val.(map[string]any)
		if !ok {
			v.mismatch(p, val, path)
			return val
		}
		return v.checkObject(p, obj, path)
	}
	return val
}

func (v *validator) checkString(p *Param, s, path string) any {
	if len(p.Enum) > 0 && !contains(p.Enum, s) {
		msg := fmt.Sprintf("expected one of %s, got %q", quoteList(p.Enum), truncate(s, 40))
		if sug := Suggest(s, p.Enum); sug != "" {
			msg += fmt.Sprintf("; did you mean %q?", sug)
		}
		v.add(path, "%s", msg)
		return s
	}
	n := utf8.RuneCountInString(s)
	if p.MinLen > 0 && n < p.MinLen {
		v.add(path, "string of at least %d characters expected, got %d", p.MinLen, n)
	}
	if p.MaxLen > 0 && n > p.MaxLen {
		v.add(path, "string of at most %d characters expected, got %d", p.MaxLen, n)
	}
	if p.Base64 {
		b, err := DecodeBase64(s)
		if err != nil {
			v.add(path, "base64 expected: %v", err)
			return s
		}
		return b
	}
	return s
}

func (v *validator) checkBounds(p *Param, n float64, path string) {
	switch {
	case p.Min != nil && p.Max != nil && (n < *p.Min || n > *p.Max):
		v.add(path, "%s between %s and %s expected, got %s", p.Type, formatNumber(*p.Min), formatNumber(*p.Max), formatNumber(n))
	case p.Min != nil && n < *p.Min:
		v.add(path, "%s of at least %s expected, got %s", p.Type, formatNumber(*p.Min), formatNumber(n))
	case p.Max != nil && n > *p.Max:
		v.add(path, "%s of at most %s expected, got %s", p.Type, formatNumber(*p.Max), formatNumber(n))
	}
}

func (v *validator) checkArray(p *Param, arr []any, path string) any {
	if p.MinLen > 0 && len(arr) < p.MinLen {
		v.add(path, "array of at least %d element(s) expected, got %d", p.MinLen, len(arr))
	}
	if p.MaxLen > 0 && len(arr) > p.MaxLen {
		v.add(path, "array of at most %d elements expected, got %d", p.MaxLen, len(arr))
	}
	if p.Items == nil {
		return arr
	}
	out := make([]any, len(arr))
	for i, el := range arr {
		elPath := path + "[" + strconv.Itoa(i+1) + "]"
		if el == nil {
			v.add(elPath, "%s expected, got null", p.Items.describeType())
			continue
		}
		out[i] = v.check(p.Items, el, elPath)
	}
	return out
}

func (v *validator) checkObject(p *Param, obj map[string]any, path string) any {
	if len(p.Fields) == 0 {
		return obj
	}
	out := make(map[string]any, len(obj))
	for k, val := range obj {
		out[k] = val
	}
	for i := range p.Fields {
		fp := &p.Fields[i]
		val, present := obj[fp.Name]
		fpath := joinPath(path, fp.Name)
		if !present || val == nil {
			if fp.Required {
				v.add(fpath, "required %s is missing", fp.describeType())
			}
			continue
		}
		out[fp.Name] = v.check(fp, val, fpath)
	}
	if !p.Open {
		v.unknownKeys(obj, p.Fields, path, "field")
	}
	return out
}

func (v *validator) mismatch(p *Param, val any, path string) {
	v.add(path, "%s expected, got %s", p.describeType(), TypeOf(val))
}

// hasType reports whether val has p's JSON type (not checking contents).
func (p *Param) hasType(val any) bool {
	switch val.(type) {
	case string:
		return p.Type == TypeString
	case float64:
		return p.Type == TypeNumber || p.Type == TypeInteger
	case bool:
		return p.Type == TypeBoolean
	case []any:
		return p.Type == TypeArray
	case map[string]any:
		return p.Type == TypeObject
	}
	return p.Type == TypeAny
}

// describeType names the accepted types: "string or array of strings".
func (p *Param) describeType() string {
	s := string(p.Type)
	if p.Type == TypeArray && p.Items != nil && p.Items.Type != TypeObject {
		s = "array of " + string(p.Items.Type) + "s"
	}
	if p.Or != nil {
		s += " or " + p.Or.describeType()
	}
	return s
}

// TypeOf names a JSON-shaped Go value's type as a script author knows it.
func TypeOf(val any) string {
	switch x := val.(type) {
	case nil:
		return "nil"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		if len(x) == 0 {
			return "empty table"
		}
		return "table"
	case []byte:
		return "binary"
	}
	return fmt.Sprintf("%T", val)
}

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'g', -1, 64) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// DecodeBase64 accepts standard or URL alphabets, padded or not, with line
// breaks and spaces ignored.
func DecodeBase64(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\r', ' ', '\t':
			return -1
		}
		return r
	}, s)
	enc := base64.StdEncoding
	if strings.ContainsAny(clean, "-_") {
		enc = base64.URLEncoding
	}
	if !strings.HasSuffix(clean, "=") && len(clean)%4 != 0 {
		enc = enc.WithPadding(base64.NoPadding)
	}
	b, err := enc.DecodeString(clean)
	if err != nil {
		return nil, fmt.Errorf("invalid data at byte %s", strings.TrimPrefix(err.Error(), "illegal base64 data at input byte "))
	}
	return b, nil
}
