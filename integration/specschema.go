package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SpecSchema is a request schema taken from a provider's own API spec (an
// OpenAPI 3.1 document's JSON Schema): a function whose Spec is set accepts
// every property of it as a parameter, validated by the schema, beyond its
// documented Params. The next spec update is then a data change.
//
// The keywords understood are those provider specs use for requests:
// $ref, type (also a list, and "null"), nullable, enum, minimum, maximum,
// minLength, maxLength, minItems, maxItems, properties, required,
// additionalProperties, items, allOf, anyOf, oneOf and discriminator.
// oneOf is checked as anyOf (the provider checks the rest); a oneOf whose
// branches are objects told apart by one property (role, type) reports
// the problems of the branch that property names.
type SpecSchema struct {
	// Source says where the schema comes from, for docs.
	Source string
	root   *schemaNode
	defs   map[string]*schemaNode
	// rawProps and rawDefs are the document's own text of the root's
	// properties and of the definitions, for JSONSchema.
	rawProps map[string]json.RawMessage
	rawDefs  map[string]json.RawMessage
	// names are the root's properties, sorted.
	names []string
}

// ParseSpecSchema reads a schema document: {"source": text, "root": schema
// of the argument object, "definitions": {name: schema}}, where "$ref"s
// name definitions by their last path segment.
func ParseSpecSchema(data []byte) (*SpecSchema, error) {
	var doc struct {
		Source      string                     `json:"source"`
		Root        json.RawMessage            `json:"root"`
		Definitions map[string]json.RawMessage `json:"definitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("spec schema: %w", err)
	}
	s := &SpecSchema{Source: doc.Source, defs: map[string]*schemaNode{}, rawDefs: doc.Definitions}
	for name, raw := range doc.Definitions {
		n, err := parseNode(raw)
		if err != nil {
			return nil, fmt.Errorf("spec schema %s: %w", name, err)
		}
		s.defs[name] = n
	}
	root, err := parseNode(doc.Root)
	if err != nil {
		return nil, fmt.Errorf("spec schema root: %w", err)
	}
	if root.Properties == nil {
		return nil, errors.New("spec schema: the root declares no properties")
	}
	s.root = root
	var rootDoc struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(doc.Root, &rootDoc); err != nil {
		return nil, fmt.Errorf("spec schema root: %w", err)
	}
	s.rawProps = rootDoc.Properties
	var resolve func(n *schemaNode, depth int) error
	seen := map[*schemaNode]bool{}
	resolve = func(n *schemaNode, depth int) error {
		if n == nil || seen[n] {
			return nil
		}
		seen[n] = true
		if n.Ref != "" {
			name := n.Ref[strings.LastIndex(n.Ref, "/")+1:]
			if n.ref = s.defs[name]; n.ref == nil {
				return fmt.Errorf("spec schema: unresolved $ref %q", n.Ref)
			}
		}
		for _, c := range n.children() {
			if err := resolve(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := resolve(root, 0); err != nil {
		return nil, err
	}
	for _, d := range s.defs {
		if err := resolve(d, 0); err != nil {
			return nil, err
		}
	}
	// What every check would otherwise work out again on every call.
	for n := range seen {
		n.alts = append(append([]*schemaNode(nil), n.AnyOf...), n.OneOf...)
		if len(n.alts) > 0 {
			n.discProp, n.discBranches = discriminate(n, n.alts)
		}
	}
	s.names = sortedProps(root)
	return s, nil
}

// MustParseSpecSchema is ParseSpecSchema for embedded documents.
func MustParseSpecSchema(data []byte) *SpecSchema {
	s, err := ParseSpecSchema(data)
	if err != nil {
		panic(err)
	}
	return s
}

// Names lists the schema's properties, sorted.
func (s *SpecSchema) Names() []string { return slices.Clone(s.names) }

// Has reports whether name is a property of the schema.
func (s *SpecSchema) Has(name string) bool { return s.root.Properties[name] != nil }

// Description returns a property's description, with the spec's relative
// links and line breaks undone.
func (s *SpecSchema) Description(name string) string {
	n := s.root.Properties[name]
	for d := 0; n != nil && d < 8; d++ {
		if n.Description != "" {
			return oneLine(n.Description)
		}
		switch {
		case n.ref != nil:
			n = n.ref
		case len(n.AllOf) > 0:
			n = n.AllOf[len(n.AllOf)-1]
		case len(n.AnyOf) > 0:
			n = n.AnyOf[0]
		default:
			n = nil
		}
	}
	return ""
}

// TypeName names a property's type as the docs name types: "string",
// "integer", "array", "object", or several joined by " or ".
func (s *SpecSchema) TypeName(name string) string {
	var types []string
	collectTypes(s.root.Properties[name], &types, 0)
	return strings.Join(types, " or ")
}

func collectTypes(n *schemaNode, types *[]string, depth int) {
	if n == nil || depth > 8 {
		return
	}
	add := func(t string) {
		if t != "null" && !contains(*types, t) {
			*types = append(*types, t)
		}
	}
	for _, t := range n.Types {
		add(t)
	}
	if len(n.Types) == 0 && len(n.Enum) > 0 {
		add("string")
	}
	collectTypes(n.ref, types, depth+1)
	for _, group := range [][]*schemaNode{n.AllOf, n.AnyOf, n.OneOf} {
		for _, c := range group {
			collectTypes(c, types, depth+1)
		}
	}
}

// Deprecated reports whether the spec marks a property deprecated.
func (s *SpecSchema) Deprecated(name string) bool {
	n := s.root.Properties[name]
	return n != nil && (n.IsDeprecated || (n.ref != nil && n.ref.IsDeprecated))
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	// Links into the provider's site are relative: keep their text.
	for {
		i := strings.Index(s, "](/")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], ")")
		open := strings.LastIndex(s[:i], "[")
		if j < 0 || open < 0 {
			break
		}
		s = s[:open] + s[open+1:i] + s[i+j+1:]
	}
	return s
}

// Check validates val, the value of property name, and returns it
// normalised: an empty object where the schema wants an array becomes an
// empty array (Lua's {} is both), and the other way round.
func (s *SpecSchema) Check(name string, val any, path string) (any, []Problem) {
	// A first pass builds no paths and keeps no order; a value with
	// problems is checked again with both (the check is deterministic, so
	// the second pass finds the same problems, with their paths, in order).
	v := &validator{noPaths: true}
	out := v.spec(s.root.Properties[name], val, path, 0)
	if len(v.problems) == 0 {
		return out, nil
	}
	v = &validator{}
	out = v.spec(s.root.Properties[name], val, path, 0)
	return out, v.problems
}

// schemaNode is one schema of the document.
type schemaNode struct {
	Ref           string                         `json:"$ref"`
	Types         []string                       `json:"-"`
	RawType       json.RawMessage                `json:"type"`
	Nullable      bool                           `json:"nullable"`
	Enum          []any                          `json:"enum"`
	Minimum       *float64                       `json:"minimum"`
	Maximum       *float64                       `json:"maximum"`
	MinLength     *int                           `json:"minLength"`
	MaxLength     *int                           `json:"maxLength"`
	MinItems      *int                           `json:"minItems"`
	MaxItems      *int                           `json:"maxItems"`
	Properties    map[string]*schemaNode         `json:"properties"`
	Required      []string                       `json:"required"`
	RawAdditional json.RawMessage                `json:"additionalProperties"`
	Items         *schemaNode                    `json:"items"`
	AllOf         []*schemaNode                  `json:"allOf"`
	AnyOf         []*schemaNode                  `json:"anyOf"`
	OneOf         []*schemaNode                  `json:"oneOf"`
	Discriminator *struct{ PropertyName string } `json:"discriminator"`
	Description   string                         `json:"description"`
	IsDeprecated  bool                           `json:"deprecated"`
	additional    *schemaNode
	closed        bool
	ref           *schemaNode
	// alts are AnyOf then OneOf; discProp and discBranches tell them apart
	// (see discriminate), when a property does.
	alts         []*schemaNode
	discProp     string
	discBranches map[string]*schemaNode
}

func parseNode(raw json.RawMessage) (*schemaNode, error) {
	var n schemaNode
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, err
	}
	if err := n.init(); err != nil {
		return nil, err
	}
	return &n, nil
}

func (n *schemaNode) init() error {
	if len(n.RawType) > 0 {
		var one string
		if json.Unmarshal(n.RawType, &one) == nil {
			n.Types = []string{one}
		} else if err := json.Unmarshal(n.RawType, &n.Types); err != nil {
			return fmt.Errorf("type: %w", err)
		}
	}
	if len(n.RawAdditional) > 0 {
		var b bool
		if json.Unmarshal(n.RawAdditional, &b) == nil {
			n.closed = !b
		} else {
			var err error
			if n.additional, err = parseNode(n.RawAdditional); err != nil {
				return err
			}
		}
	}
	for _, c := range n.children() {
		if c != n.additional {
			if err := c.init(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (n *schemaNode) children() []*schemaNode {
	var out []*schemaNode
	for _, p := range n.Properties {
		out = append(out, p)
	}
	if n.Items != nil {
		out = append(out, n.Items)
	}
	if n.additional != nil {
		out = append(out, n.additional)
	}
	out = append(out, n.AllOf...)
	out = append(out, n.AnyOf...)
	return append(out, n.OneOf...)
}

// maxSpecDepth bounds how deep a value is followed through the schema.
const maxSpecDepth = 64

// discDepth is more than the depth a branch reaches checking its
// discriminating property (through $refs), so that the property is checked
// in every branch where alternatives goes straight to the branch it names.
const discDepth = 16

// spec checks val against n and returns the normalised value.
func (v *validator) spec(n *schemaNode, val any, path string, depth int) any {
	if n == nil || depth > maxSpecDepth {
		return val
	}
	if n.ref != nil {
		return v.spec(n.ref, val, path, depth+1)
	}
	if val == nil {
		if n.Nullable || n.allows("null") || n.untyped() {
			return nil
		}
		v.add(path, "%s expected, got null", n.describe())
		return nil
	}
	for _, c := range n.AllOf {
		val = v.spec(c, val, path, depth+1)
	}
	if len(n.alts) > 0 {
		val = v.alternatives(n, n.alts, val, path, depth)
	}
	if len(n.Types) > 0 {
		val = coerceEmpty(n, val)
		if !n.matchesType(val) {
			if f, ok := val.(float64); ok && n.allows("integer") {
				v.add(path, "integer expected, got %s", formatNumber(f))
				return val
			}
			v.add(path, "%s expected, got %s", n.describe(), TypeOf(val))
			return val
		}
	}
	if len(n.Enum) > 0 && !enumHas(n.Enum, val) {
		v.enumProblem(n, val, path)
		return val
	}
	switch x := val.(type) {
	case string:
		c := utf8.RuneCountInString(x)
		if n.MinLength != nil && c < *n.MinLength {
			v.add(path, "string of at least %d characters expected, got %d", *n.MinLength, c)
		}
		if n.MaxLength != nil && c > *n.MaxLength {
			v.add(path, "string of at most %d characters expected, got %d", *n.MaxLength, c)
		}
	case float64:
		if n.allows("integer") && !n.allows("number") && x != math.Trunc(x) {
			v.add(path, "integer expected, got %s", formatNumber(x))
		}
		switch {
		case n.Minimum != nil && n.Maximum != nil && (x < *n.Minimum || x > *n.Maximum):
			v.add(path, "number between %s and %s expected, got %s", formatNumber(*n.Minimum), formatNumber(*n.Maximum), formatNumber(x))
		case n.Minimum != nil && x < *n.Minimum:
			v.add(path, "number of at least %s expected, got %s", formatNumber(*n.Minimum), formatNumber(x))
		case n.Maximum != nil && x > *n.Maximum:
			v.add(path, "number of at most %s expected, got %s", formatNumber(*n.Maximum), formatNumber(x))
		}
	case []any:
		if n.MinItems != nil && len(x) < *n.MinItems {
			v.add(path, "array of at least %d element(s) expected, got %d", *n.MinItems, len(x))
		}
		if n.MaxItems != nil && len(x) > *n.MaxItems {
			v.add(path, "array of at most %d elements expected, got %d", *n.MaxItems, len(x))
		}
		if n.Items != nil {
			out := make([]any, len(x))
			for i, el := range x {
				out[i] = v.spec(n.Items, el, v.index(path, i), depth+1)
			}
			return out
		}
	case map[string]any:
		if n.Properties == nil && n.additional == nil && len(n.Required) == 0 {
			return x
		}
		out := make(map[string]any, len(x))
		for k, el := range x {
			out[k] = el
		}
		for _, r := range n.Required {
			if el, ok := x[r]; !ok || el == nil {
				if p := n.Properties[r]; p == nil || !p.nullable() {
					v.add(v.join(path, r), "required %s is missing", n.Properties[r].describe())
				}
			}
		}
		// Problems are reported in the fields' sorted order; a check that
		// builds no paths keeps none of its problems (Check checks again),
		// so it takes the fields in the map's order.
		if v.noPaths {
			for k, el := range x {
				v.field(n, k, el, path, depth, out)
			}
			return out
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v.field(n, k, x[k], path, depth, out)
		}
		return out
	}
	return val
}

// field checks the field k of an object against n, setting out[k] to its
// normalised value.
func (v *validator) field(n *schemaNode, k string, el any, path string, depth int, out map[string]any) {
	if p := n.Properties[k]; p != nil {
		out[k] = v.spec(p, el, v.join(path, k), depth+1)
		return
	}
	switch {
	case n.additional != nil:
		out[k] = v.spec(n.additional, el, v.join(path, k), depth+1)
	case n.closed:
		msg := "unknown field"
		names := sortedProps(n)
		if s := Suggest(k, names); s != "" {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		}
		v.add(v.join(path, k), "%s (known: %s)", msg, strings.Join(names, ", "))
	}
}

// alternatives checks val against the first of alts it satisfies. When it
// satisfies none, the problems reported are those of the branch a
// discriminating property names, else of the one branch of val's type,
// else a list of the types expected.
func (v *validator) alternatives(n *schemaNode, alts []*schemaNode, val any, path string, depth int) any {
	// A value naming its branch by the discriminating property satisfies no
	// other branch (each fixes that property to another value): check it
	// against that branch alone, as the loop below would end up doing.
	if obj, ok := val.(map[string]any); ok && n.discProp != "" && depth+discDepth < maxSpecDepth {
		if tag, ok := obj[n.discProp].(string); ok {
			if b := n.discBranches[tag]; b != nil {
				return v.spec(b, val, path, depth+1)
			}
		}
	}
	for _, a := range alts {
		w := &validator{noPaths: v.noPaths}
		out := w.spec(a, val, path, depth+1)
		if len(w.problems) == 0 {
			return out
		}
	}
	if obj, ok := val.(map[string]any); ok {
		if prop, branches := n.discProp, n.discBranches; prop != "" {
			tag, _ := obj[prop].(string)
			if b := branches[tag]; b != nil {
				return v.spec(b, val, path, depth+1)
			}
			values := make([]string, 0, len(branches))
			for k := range branches {
				values = append(values, k)
			}
			sort.Strings(values)
			p := v.join(path, prop)
			if _, has := obj[prop]; !has {
				v.add(p, "required string is missing (one of %s)", quoteList(values))
				return val
			}
			msg := fmt.Sprintf("expected one of %s, got %s", quoteList(values), describeValue(obj[prop]))
			if s := Suggest(tag, values); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			v.add(p, "%s", msg)
			return val
		}
	}
	var typed []*schemaNode
	for _, a := range alts {
		if a.resolved().matchesType(coerceEmpty(a.resolved(), val)) {
			typed = append(typed, a)
		}
	}
	if len(typed) >= 1 {
		return v.spec(typed[0], val, path, depth+1)
	}
	v.add(path, "%s expected, got %s", n.describe(), TypeOf(val))
	return val
}

// discriminate finds the property that tells alts apart: the declared
// discriminator, or one whose value every branch fixes by a one-value enum.
func discriminate(n *schemaNode, alts []*schemaNode) (string, map[string]*schemaNode) {
	var candidates []string
	if n.Discriminator != nil {
		candidates = []string{n.Discriminator.PropertyName}
	} else {
		candidates = []string{"type", "role"}
	}
	for _, prop := range candidates {
		branches := map[string]*schemaNode{}
		for _, a := range alts {
			r := a.resolved()
			p := r.Properties[prop]
			if p != nil {
				p = p.resolved()
			}
			if p == nil || len(p.Enum) != 1 {
				branches = nil
				break
			}
			tag, _ := p.Enum[0].(string)
			branches[tag] = a
		}
		if len(branches) == len(alts) {
			return prop, branches
		}
	}
	return "", nil
}

func (n *schemaNode) resolved() *schemaNode {
	for i := 0; n != nil && n.ref != nil && i < 8; i++ {
		n = n.ref
	}
	return n
}

func (n *schemaNode) untyped() bool {
	return len(n.Types) == 0 && len(n.Enum) == 0 && len(n.AnyOf) == 0 && len(n.OneOf) == 0 && len(n.AllOf) == 0 && n.ref == nil
}

func (n *schemaNode) nullable() bool {
	n = n.resolved()
	if n == nil {
		return false
	}
	if n.Nullable || n.allows("null") {
		return true
	}
	for _, a := range append(append([]*schemaNode(nil), n.AnyOf...), n.OneOf...) {
		if a.nullable() {
			return true
		}
	}
	return false
}

func (n *schemaNode) allows(t string) bool { return contains(n.Types, t) }

func (n *schemaNode) matchesType(val any) bool {
	if len(n.Types) == 0 {
		if len(n.Enum) > 0 {
			return true
		}
		for _, a := range append(append([]*schemaNode(nil), n.AnyOf...), n.OneOf...) {
			if a.resolved().matchesType(val) {
				return true
			}
		}
		return len(n.AnyOf)+len(n.OneOf) == 0
	}
	switch x := val.(type) {
	case nil:
		return n.Nullable || n.allows("null")
	case string:
		return n.allows("string")
	case float64:
		return n.allows("number") || (n.allows("integer") && x == math.Trunc(x))
	case bool:
		return n.allows("boolean")
	case []any:
		return n.allows("array")
	case map[string]any:
		return n.allows("object")
	}
	return false
}

// coerceEmpty turns an empty object into an empty array where the schema
// wants an array and not an object.
func coerceEmpty(n *schemaNode, val any) any {
	if n == nil {
		return val
	}
	if m, ok := val.(map[string]any); ok && len(m) == 0 && n.allows("array") && !n.allows("object") {
		return []any{}
	}
	return val
}

// describe names what n accepts: "string", "integer or null", "object".
func (n *schemaNode) describe() string {
	if n == nil {
		return "value"
	}
	var types []string
	collectTypes(n, &types, 0)
	if len(types) == 0 {
		return "value"
	}
	return strings.Join(types, " or ")
}

func (v *validator) enumProblem(n *schemaNode, val any, path string) {
	values := make([]string, 0, len(n.Enum))
	for _, e := range n.Enum {
		values = append(values, fmt.Sprint(e))
	}
	msg := fmt.Sprintf("expected one of %s, got %s", quoteList(values), describeValue(val))
	if s, ok := val.(string); ok {
		if sug := Suggest(s, values); sug != "" {
			msg += fmt.Sprintf("; did you mean %q?", sug)
		}
	}
	v.add(path, "%s", msg)
}

func describeValue(val any) string {
	if s, ok := val.(string); ok {
		return strconv.Quote(truncate(s, 40))
	}
	return TypeOf(val)
}

func enumHas(enum []any, val any) bool {
	for _, e := range enum {
		if e == val {
			return true
		}
	}
	return false
}

func sortedProps(n *schemaNode) []string {
	names := make([]string, 0, len(n.Properties))
	for k := range n.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
