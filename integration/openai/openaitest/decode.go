package openaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"
)

// checker validates a decoded JSON request. It keeps the first problem found
// (later checks become no-ops returning zero values), so a handler reads its
// parameters in a straight line and tests c.err once at the end. Every
// problem is an *apiError naming the parameter, as the real API does.
type checker struct {
	err *apiError
}

func (c *checker) fail(e *apiError) {
	if c.err == nil {
		c.err = e
	}
}

// failed reports whether a problem was already found.
func (c *checker) failed() bool { return c.err != nil }

// Err returns the first problem as an error, or nil.
func (c *checker) Err() error {
	if c.err == nil {
		return nil
	}
	return c.err
}

// object is one JSON object of a request, with its parameter path ("" at the
// top, "messages[2]" inside).
type object struct {
	c      *checker
	path   string
	fields map[string]json.RawMessage
}

// jsonKind names the JSON type of a raw value, in the words of the real
// API's messages.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "null"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "decimal"
	}
	return "integer"
}

func article(kind string) string {
	switch kind {
	case "integer", "array", "object":
		return "an " + kind
	case "null":
		return "null"
	}
	return "a " + kind
}

func (c *checker) typeError(param, want string, raw json.RawMessage) {
	c.fail(invalidRequest(param, "invalid_type",
		"Invalid type for '%s': expected %s, but got %s instead.", param, article(want), article(jsonKind(raw))))
}

// parseBody decodes a request body that must be one JSON object.
func (c *checker) parseBody(body []byte) object {
	o := object{c: c}
	if len(bytes.TrimSpace(body)) == 0 {
		c.fail(invalidRequest("", "",
			"You must provide a JSON body with Content-Type: application/json (HINT: the request body was empty)."))
		return o
	}
	if err := json.Unmarshal(body, &o.fields); err != nil || o.fields == nil {
		if json.Valid(body) {
			c.fail(invalidRequest("", "invalid_type",
				"Invalid type for the request body: expected an object, but got %s instead.", article(jsonKind(body))))
			return o
		}
		c.fail(invalidRequest("", "",
			"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. "+
				"The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, "+
				"please contact us through our help center at help.openai.com.)"))
	}
	return o
}

// objectAt decodes raw as the object at path.
func (c *checker) objectAt(path string, raw json.RawMessage) (object, bool) {
	o := object{c: c, path: path}
	if c.failed() {
		return o, false
	}
	if jsonKind(raw) != "object" || json.Unmarshal(raw, &o.fields) != nil {
		c.typeError(path, "object", raw)
		return o, false
	}
	return o, true
}

// param returns the full parameter name of a field of o.
func (o object) param(name string) string {
	if o.path == "" {
		return name
	}
	return o.path + "." + name
}

// raw returns the field's raw value; JSON null counts as absent.
func (o object) raw(name string) (json.RawMessage, bool) {
	if o.c.failed() {
		return nil, false
	}
	v, ok := o.fields[name]
	if !ok || jsonKind(v) == "null" {
		return nil, false
	}
	return v, true
}

// has reports whether the field is present and not null.
func (o object) has(name string) bool {
	_, ok := o.raw(name)
	return ok
}

// only rejects fields that are not in known, as the real API does.
func (o object) only(known ...string) {
	if o.c.failed() {
		return
	}
	keys := make([]string, 0, len(o.fields))
	for k := range o.fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) {
			p := o.param(k)
			o.c.fail(invalidRequest(p, "unknown_parameter", "Unknown parameter: '%s'.", p))
			return
		}
	}
}

func (o object) missing(name string) {
	p := o.param(name)
	o.c.fail(invalidRequest(p, "missing_required_parameter", "Missing required parameter: '%s'.", p))
}

// require fails if the field is absent or null.
func (o object) require(names ...string) {
	for _, n := range names {
		if !o.c.failed() && !o.has(n) {
			o.missing(n)
		}
	}
}

// stringAt decodes raw as a string parameter.
func (c *checker) stringAt(param string, raw json.RawMessage) (string, bool) {
	if c.failed() {
		return "", false
	}
	var s string
	if jsonKind(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		c.typeError(param, "string", raw)
		return "", false
	}
	return s, true
}

// str returns an optional string field.
func (o object) str(name string) (string, bool) {
	raw, ok := o.raw(name)
	if !ok {
		return "", false
	}
	return o.c.stringAt(o.param(name), raw)
}

// reqStr returns a required string field.
func (o object) reqStr(name string) string {
	o.require(name)
	s, _ := o.str(name)
	return s
}

// strMax checks a string's length in characters.
func (o object) strLen(name, s string, minLen, maxLen int) {
	if o.c.failed() {
		return
	}
	n := utf8.RuneCountInString(s)
	p := o.param(name)
	switch {
	case n < minLen && n == 0:
		o.c.fail(invalidRequest(p, "empty_string",
			"Invalid '%s': empty string. Expected a string with minimum length %d, but got an empty string instead.", p, minLen))
	case n < minLen:
		o.c.fail(invalidRequest(p, "string_below_min_length",
			"Invalid '%s': string too short. Expected a string with minimum length %d, but got a string with length %d instead.", p, minLen, n))
	case maxLen > 0 && n > maxLen:
		o.c.fail(invalidRequest(p, "string_above_max_length",
			"Invalid '%s': string too long. Expected a string with maximum length %d, but got a string with length %d instead.", p, maxLen, n))
	}
}

// enumAt checks that s is one of allowed.
func (c *checker) enumAt(param, s string, allowed []string) bool {
	if c.failed() {
		return false
	}
	if !slices.Contains(allowed, s) {
		c.fail(invalidRequest(param, "invalid_value",
			"Invalid value: '%s'. Supported values are: %s.", s, quoteList(allowed)))
		return false
	}
	return true
}

// enum returns an optional string field restricted to allowed, or def.
func (o object) enum(name, def string, allowed ...string) string {
	s, ok := o.str(name)
	if !ok {
		return def
	}
	if !o.c.enumAt(o.param(name), s, allowed) {
		return def
	}
	return s
}

// intAt decodes raw as an integer: 3 and 3.0 are accepted, 3.5 and "3" are
// not. Values beyond the int64 range saturate, so that range checks report
// them instead of wrapping around.
func (c *checker) intAt(param string, raw json.RawMessage) (int64, bool) {
	if c.failed() {
		return 0, false
	}
	kind := jsonKind(raw)
	if kind != "integer" && kind != "decimal" {
		c.typeError(param, "integer", raw)
		return 0, false
	}
	text := string(bytes.TrimSpace(raw))
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !math.IsInf(f, 0) {
		c.typeError(param, "integer", raw)
		return 0, false
	}
	if f != math.Trunc(f) {
		c.typeError(param, "integer", raw)
		return 0, false
	}
	switch {
	case f >= math.MaxInt64:
		return math.MaxInt64, true
	case f <= math.MinInt64:
		return math.MinInt64, true
	}
	return int64(f), true
}

// intIn returns an optional integer field within [lo, hi], or def.
func (o object) intIn(name string, def, lo, hi int64) int64 {
	raw, ok := o.raw(name)
	if !ok {
		return def
	}
	p := o.param(name)
	n, ok := o.c.intAt(p, raw)
	if !ok {
		return def
	}
	if !o.c.intRange(p, n, lo, hi) {
		return def
	}
	return n
}

// intRange checks lo <= n <= hi.
func (c *checker) intRange(param string, n, lo, hi int64) bool {
	if c.failed() {
		return false
	}
	switch {
	case n < lo:
		c.fail(invalidRequest(param, "integer_below_min_value",
			"Invalid '%s': integer below minimum value. Expected a value >= %d, but got %d instead.", param, lo, n))
		return false
	case n > hi:
		c.fail(invalidRequest(param, "integer_above_max_value",
			"Invalid '%s': integer above maximum value. Expected a value <= %d, but got %d instead.", param, hi, n))
		return false
	}
	return true
}

// numIn returns an optional number field within [lo, hi], or def.
func (o object) numIn(name string, def, lo, hi float64) float64 {
	raw, ok := o.raw(name)
	if !ok {
		return def
	}
	p := o.param(name)
	kind := jsonKind(raw)
	if kind != "integer" && kind != "decimal" {
		o.c.typeError(p, "decimal", raw)
		return def
	}
	text := string(bytes.TrimSpace(raw))
	f, err := strconv.ParseFloat(text, 64)
	if (err != nil && !math.IsInf(f, 0)) || math.IsNaN(f) {
		o.c.typeError(p, "decimal", raw)
		return def
	}
	switch {
	case f < lo:
		o.c.fail(invalidRequest(p, "decimal_below_min_value",
			"Invalid '%s': decimal below minimum value. Expected a value >= %s, but got %s instead.", p, fmtNum(lo), text))
		return def
	case f > hi:
		o.c.fail(invalidRequest(p, "decimal_above_max_value",
			"Invalid '%s': decimal above maximum value. Expected a value <= %s, but got %s instead.", p, fmtNum(hi), text))
		return def
	}
	return f
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// boolean returns an optional boolean field, or def.
func (o object) boolean(name string, def bool) bool {
	raw, ok := o.raw(name)
	if !ok {
		return def
	}
	var b bool
	if jsonKind(raw) != "boolean" || json.Unmarshal(raw, &b) != nil {
		o.c.typeError(o.param(name), "boolean", raw)
		return def
	}
	return b
}

// obj returns an optional object field.
func (o object) obj(name string) (object, bool) {
	raw, ok := o.raw(name)
	if !ok {
		return object{c: o.c, path: o.param(name)}, false
	}
	return o.c.objectAt(o.param(name), raw)
}

// arr returns an optional array field, checking its length.
func (o object) arr(name string, minLen, maxLen int) ([]json.RawMessage, bool) {
	raw, ok := o.raw(name)
	if !ok {
		return nil, false
	}
	return o.c.arrayAt(o.param(name), raw, minLen, maxLen)
}

// arrayAt decodes raw as an array whose length is within [minLen, maxLen]
// (maxLen <= 0: unbounded).
func (c *checker) arrayAt(param string, raw json.RawMessage, minLen, maxLen int) ([]json.RawMessage, bool) {
	if c.failed() {
		return nil, false
	}
	var items []json.RawMessage
	if jsonKind(raw) != "array" || json.Unmarshal(raw, &items) != nil {
		c.typeError(param, "array", raw)
		return nil, false
	}
	switch {
	case len(items) < minLen && len(items) == 0:
		c.fail(invalidRequest(param, "empty_array",
			"Invalid '%s': empty array. Expected an array with minimum length %d, but got an empty array instead.", param, minLen))
		return nil, false
	case len(items) < minLen:
		c.fail(invalidRequest(param, "array_below_min_length",
			"Invalid '%s': array too short. Expected an array with minimum length %d, but got an array with length %d instead.", param, minLen, len(items)))
		return nil, false
	case maxLen > 0 && len(items) > maxLen:
		c.fail(invalidRequest(param, "array_above_max_length",
			"Invalid '%s': array too long. Expected an array with maximum length %d, but got an array with length %d instead.", param, maxLen, len(items)))
		return nil, false
	}
	return items, true
}

// metadata returns an optional metadata field: at most 16 string values,
// keys up to 64 and values up to 512 characters. Absent, it is {}.
func (o object) metadata(name string) map[string]string {
	md := map[string]string{}
	m, ok := o.obj(name)
	if !ok {
		return md
	}
	p := o.param(name)
	if len(m.fields) > 16 {
		o.c.fail(invalidRequest(p, "object_above_max_properties",
			"Invalid '%s': too many properties. Expected an object with at most 16 properties, but got an object with %d properties instead.", p, len(m.fields)))
		return md
	}
	for k, raw := range m.fields {
		kp := p + "." + k
		v, ok := o.c.stringAt(kp, raw)
		if !ok {
			return md
		}
		if utf8.RuneCountInString(k) > 64 {
			o.c.fail(invalidRequest(p, "invalid_value", "Invalid '%s': metadata keys must be at most 64 characters long.", p))
			return md
		}
		if utf8.RuneCountInString(v) > 512 {
			o.c.fail(invalidRequest(kp, "string_above_max_length",
				"Invalid '%s': string too long. Expected a string with maximum length 512, but got a string with length %d instead.", kp, utf8.RuneCountInString(v)))
			return md
		}
		md[k] = v
	}
	return md
}

// indexed returns the parameter path of an array element.
func indexed(param string, i int) string { return fmt.Sprintf("%s[%d]", param, i) }

// namePattern is what tool, function and schema names must match.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// checkName requires a tool or schema name: 1 to 64 of [a-zA-Z0-9_-].
func checkName(o object, field string) string {
	name := o.reqStr(field)
	if !o.c.failed() && !namePattern.MatchString(name) {
		p := o.param(field)
		o.c.fail(invalidRequest(p, "invalid_value",
			"Invalid '%s': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' (at most 64 characters).", p))
	}
	return name
}
