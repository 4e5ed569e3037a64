// Package chatmodels is the one table of which chat models are reasoning
// models and what they refuse. kosmo's openai_chat_completion (renaming
// max_tokens, dropping refused parameters on request) and the fake OpenAI
// (refusing them as the API does) both read it, so a test against the fake
// sees what a script sees against the API.
package chatmodels

import (
	"fmt"
	"path"
	"strconv"
)

// Family is one row of the table: the models whose name matches Pattern.
type Family struct {
	// Pattern is a glob over model names (path.Match: * and [a-z]).
	Pattern string
	// Reasoning models take max_completion_tokens, not max_tokens, and
	// refuse the sampling parameters (Sampling) at other than their
	// defaults.
	Reasoning bool
	// SamplingEffort, when set, is the reasoning_effort with which the
	// family accepts temperature, top_p and logprobs (gpt-5.1 and later:
	// "none"). It must be given explicitly.
	SamplingEffort string
}

// Families is the table, first match wins. OpenAI names reasoning models
// gpt-5… and o<digit>…; the gpt-5 chat models (gpt-5-chat-latest,
// gpt-5.1-chat-latest) are not reasoning models.
var Families = []Family{
	{Pattern: "gpt-5*-chat*"},
	{Pattern: "gpt-5.*", Reasoning: true, SamplingEffort: "none"},
	{Pattern: "gpt-5*", Reasoning: true},
	{Pattern: "o[1-9]*", Reasoning: true},
}

// Plain is the family of every model the table does not name.
var Plain = Family{Pattern: "*"}

// Every is the family an account that says all its models reason uses.
var Every = Family{Pattern: "*", Reasoning: true}

// Lookup returns the family of model.
func Lookup(model string) Family {
	for _, f := range Families {
		if ok, _ := path.Match(f.Pattern, model); ok {
			return f
		}
	}
	return Plain
}

// Sampled is a parameter reasoning models refuse at other than its default.
type Sampled struct {
	Name    string
	Default float64
	// WithEffort: accepted with the family's SamplingEffort.
	WithEffort bool
	// Value: refused as "Unsupported value" (a number at other than its
	// default); else as "Unsupported parameter".
	Value bool
}

// Sampling lists what reasoning models refuse, in the order the API checks.
var Sampling = []Sampled{
	{Name: "temperature", Default: 1, WithEffort: true, Value: true},
	{Name: "top_p", Default: 1, WithEffort: true, Value: true},
	{Name: "presence_penalty", Default: 0, Value: true},
	{Name: "frequency_penalty", Default: 0, Value: true},
	{Name: "logprobs", WithEffort: true},
	{Name: "top_logprobs"},
	{Name: "logit_bias"},
}

// Refusal is the API's answer to a parameter a model refuses: a 400
// invalid_request_error with this param, code and message.
type Refusal struct {
	Param, Code, Message string
}

// MaxTokensRefusal is what reasoning models answer max_tokens.
var MaxTokensRefusal = Refusal{Param: "max_tokens", Code: "unsupported_parameter",
	Message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."}

// Refusals lists what a model of family f refuses in a request body, in
// the order the API checks (max_tokens first).
func (f Family) Refusals(body map[string]any) []Refusal {
	if !f.Reasoning {
		return nil
	}
	var out []Refusal
	if v, ok := body["max_tokens"]; ok && v != nil {
		out = append(out, MaxTokensRefusal)
	}
	effort, _ := body["reasoning_effort"].(string)
	for _, s := range Sampling {
		v, ok := body[s.Name]
		if !ok || v == nil {
			continue
		}
		if s.WithEffort && f.SamplingEffort != "" && effort == f.SamplingEffort {
			continue
		}
		switch x := v.(type) {
		case float64:
			if s.Value {
				if x == s.Default {
					continue
				}
				out = append(out, Refusal{Param: s.Name, Code: "unsupported_value", Message: fmt.Sprintf(
					"Unsupported value: '%s' does not support %s with this model. Only the default (%s) value is supported.",
					s.Name, strconv.FormatFloat(x, 'g', -1, 64), strconv.FormatFloat(s.Default, 'g', -1, 64))})
				continue
			}
		case bool:
			if !x {
				continue
			}
		}
		out = append(out, Refusal{Param: s.Name, Code: "unsupported_parameter",
			Message: fmt.Sprintf("Unsupported parameter: '%s' is not supported with this model.", s.Name)})
	}
	return out
}
