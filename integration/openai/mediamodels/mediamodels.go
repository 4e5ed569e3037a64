// Package mediamodels is the one table per family of OpenAI's media models
// (image generation, transcription, speech): what each model takes, and the
// date OpenAI removes it from its API. kosmo's functions check a call
// against it before sending, and the fake OpenAI answers by it, so a test
// against the fake sees what a script sees against the API.
//
// Rows match model names by glob (path.Match), first match wins; a name no
// row matches has no rules (the server's own answer decides).
package mediamodels

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Image is one row of the image-generation table.
type Image struct {
	// Pattern is a glob over model names; Name is the family's name in
	// messages ("gpt-image-2").
	Pattern, Name string
	// Shutdown is the date (YYYY-MM-DD) OpenAI removes the model from its
	// API, "" when none is announced.
	Shutdown string
	// GPT: a GPT image model (always answers base64, takes output_format,
	// output_compression, background and moderation).
	GPT bool
	// Qualities, Sizes, Styles and ResponseFormats are the values taken;
	// nil refuses the parameter.
	Qualities, Sizes, Styles, ResponseFormats []string
	// CustomSizes: any WIDTHxHEIGHT within CustomSizeRule is taken too.
	CustomSizes bool
	// MaxN is the most images per request; MaxPrompt the longest prompt.
	MaxN, MaxPrompt int
}

// The values of GPT image models.
var (
	gptQualities   = []string{"low", "medium", "high", "auto"}
	gptSizes       = []string{"auto", "1024x1024", "1536x1024", "1024x1536"}
	OutputFormats  = []string{"png", "jpeg", "webp"}
	Backgrounds    = []string{"transparent", "opaque", "auto"}
	dalleFormats   = []string{"url", "b64_json"}
	transparentFmt = []string{"png", "webp"}
)

// Images is the image-generation table.
var Images = []Image{
	{Pattern: "gpt-image-2*", Name: "gpt-image-2", GPT: true, Qualities: gptQualities, Sizes: gptSizes, CustomSizes: true, MaxN: 10, MaxPrompt: 32000},
	{Pattern: "gpt-image-1.5*", Name: "gpt-image-1.5", Shutdown: "2026-12-01", GPT: true, Qualities: gptQualities, Sizes: gptSizes, MaxN: 10, MaxPrompt: 32000},
	{Pattern: "gpt-image-1-mini*", Name: "gpt-image-1-mini", Shutdown: "2026-12-01", GPT: true, Qualities: gptQualities, Sizes: gptSizes, MaxN: 10, MaxPrompt: 32000},
	{Pattern: "gpt-image-1*", Name: "gpt-image-1", Shutdown: "2026-10-23", GPT: true, Qualities: gptQualities, Sizes: gptSizes, MaxN: 10, MaxPrompt: 32000},
	{Pattern: "dall-e-3", Name: "dall-e-3", Shutdown: "2026-05-12", Qualities: []string{"standard", "hd", "auto"},
		Sizes: []string{"1024x1024", "1792x1024", "1024x1792"}, Styles: []string{"vivid", "natural"}, ResponseFormats: dalleFormats, MaxN: 1, MaxPrompt: 4000},
	{Pattern: "dall-e-2", Name: "dall-e-2", Shutdown: "2026-05-12", Qualities: []string{"standard", "auto"},
		Sizes: []string{"256x256", "512x512", "1024x1024"}, ResponseFormats: dalleFormats, MaxN: 10, MaxPrompt: 1000},
}

// DefaultImage is the model kosmo sends when a call names none: the API's
// own default, dall-e-2, was removed.
const DefaultImage = "gpt-image-2"

// APIDefaultImage is the model the API itself takes when none is named.
const APIDefaultImage = "dall-e-2"

// CustomSizeRule says which custom sizes a model with CustomSizes takes.
const CustomSizeRule = "WIDTHxHEIGHT with both sides multiples of 16, an aspect ratio of at most 3:1, " +
	"the longer side at most 3840 and at most 3840×2160 pixels"

// LookupImage returns the row of model, false when none matches.
func LookupImage(model string) (Image, bool) {
	return lookup(Images, model, func(r Image) string { return r.Pattern })
}

// ParseSize reads "WxH".
func ParseSize(s string) (w, h int, ok bool) {
	ws, hs, found := strings.Cut(s, "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	return w, h, found && err1 == nil && err2 == nil && w > 0 && h > 0
}

// CustomSizeOK reports whether w×h is within CustomSizeRule.
func CustomSizeOK(w, h int) bool {
	long, short := max(w, h), min(w, h)
	return w%16 == 0 && h%16 == 0 && long <= 3*short && long <= 3840 && w*h <= 3840*2160
}

// SizeOK reports whether the row takes size.
func (r Image) SizeOK(size string) bool {
	if slices.Contains(r.Sizes, size) {
		return true
	}
	w, h, ok := ParseSize(size)
	return r.CustomSizes && ok && CustomSizeOK(w, h)
}

// Problem is one parameter a model does not take: Param is its name,
// Message says what the model takes.
type Problem struct {
	Param, Message string
}

// Check lists what the row refuses in a request body, in parameter order.
func (r Image) Check(body map[string]any) []Problem {
	var out []Problem
	add := func(param, format string, a ...any) {
		out = append(out, Problem{Param: param, Message: fmt.Sprintf(format, a...)})
	}
	if s, ok := body["prompt"].(string); ok && r.MaxPrompt > 0 && len([]rune(s)) > r.MaxPrompt {
		add("prompt", "%s takes a prompt of at most %d characters, got %d", r.Name, r.MaxPrompt, len([]rune(s)))
	}
	if n, ok := body["n"].(float64); ok && r.MaxN > 0 && n > float64(r.MaxN) {
		if r.MaxN == 1 {
			add("n", "%s makes one image per request: 1 expected, got %g", r.Name, n)
		} else {
			add("n", "%s makes at most %d images per request, got %g", r.Name, r.MaxN, n)
		}
	}
	if s, ok := body["size"].(string); ok && !r.SizeOK(s) {
		takes := Join(r.Sizes, "or")
		if r.CustomSizes {
			takes = strings.Join(r.Sizes, ", ") + " or a custom " + CustomSizeRule
		}
		add("size", "%s takes %s; %s", r.Name, takes, otherValue(s, func(o Image) bool { return o.SizeOK(s) }))
	}
	out = r.enum(out, body, "quality", r.Qualities, func(o Image) []string { return o.Qualities })
	out = r.enum(out, body, "style", r.Styles, func(o Image) []string { return o.Styles })
	out = r.enum(out, body, "response_format", r.ResponseFormats, func(o Image) []string { return o.ResponseFormats })
	if !r.GPT {
		for _, p := range []string{"output_format", "output_compression", "background", "moderation", "partial_images"} {
			if v, ok := body[p]; ok && v != nil {
				add(p, "%s does not take %s (only the GPT image models do)", r.Name, p)
			}
		}
		return out
	}
	format, _ := body["output_format"].(string)
	if body["background"] == "transparent" && format != "" && !slices.Contains(transparentFmt, format) {
		add("background", "%s makes transparent backgrounds in png or webp only, not %s", r.Name, format)
	}
	if _, ok := body["output_compression"]; ok && format != "jpeg" && format != "webp" {
		add("output_compression", "%s compresses jpeg or webp output only (output_format is %q)", r.Name, cmpOr(format, "png"))
	}
	return out
}

// enum adds a problem when body's param is not among values.
func (r Image) enum(out []Problem, body map[string]any, param string, values []string, of func(Image) []string) []Problem {
	v, ok := body[param].(string)
	if !ok || slices.Contains(values, v) {
		return out
	}
	if values == nil {
		msg := fmt.Sprintf("%s does not take %s", r.Name, param)
		if r.GPT && param == "response_format" {
			msg += " (GPT image models always return base64: read b64_json)"
		}
		return append(out, Problem{Param: param, Message: msg})
	}
	return append(out, Problem{Param: param, Message: fmt.Sprintf("%s takes %s; %s", r.Name, Join(values, "or"),
		otherValue(v, func(o Image) bool { return slices.Contains(of(o), v) }))})
}

// otherValue names the models whose value v is, or quotes it.
func otherValue(v string, takes func(Image) bool) string {
	var names []string
	for _, o := range Images {
		if takes(o) && !o.GPT {
			names = append(names, o.Name)
		}
	}
	if len(names) > 0 {
		return fmt.Sprintf("'%s' is a %s value", v, strings.Join(names, "/"))
	}
	return fmt.Sprintf("got '%s'", v)
}

// Transcription is one row of the transcription table.
type Transcription struct {
	Pattern, Name, Shutdown string
	// Formats are the response formats taken; nil: any of the spec's.
	Formats []string
	// NoPrompt: prompt is refused; NoInclude: include is refused;
	// Granularities: timestamp_granularities is taken (with verbose_json);
	// LanguageHints: languages and keywords are taken.
	NoPrompt, NoInclude, Granularities, LanguageHints bool
}

// Transcriptions is the transcription table.
var Transcriptions = []Transcription{
	{Pattern: "whisper-1", Name: "whisper-1", Formats: []string{"json", "text", "srt", "verbose_json", "vtt"}, NoInclude: true, Granularities: true},
	{Pattern: "gpt-4o-transcribe-diarize*", Name: "gpt-4o-transcribe-diarize", Formats: []string{"json", "text", "diarized_json"}, NoPrompt: true, NoInclude: true},
	{Pattern: "gpt-4o-mini-transcribe*", Name: "gpt-4o-mini-transcribe", Formats: []string{"json"}},
	{Pattern: "gpt-4o-transcribe*", Name: "gpt-4o-transcribe", Formats: []string{"json"}},
	{Pattern: "gpt-transcribe*", Name: "gpt-transcribe", LanguageHints: true},
}

// LookupTranscription returns the row of model, false when none matches.
func LookupTranscription(model string) (Transcription, bool) {
	return lookup(Transcriptions, model, func(r Transcription) string { return r.Pattern })
}

// Check lists what the row refuses in a request's fields.
func (r Transcription) Check(body map[string]any) []Problem {
	var out []Problem
	add := func(param, format string, a ...any) {
		out = append(out, Problem{Param: param, Message: fmt.Sprintf(format, a...)})
	}
	format, _ := body["response_format"].(string)
	if format != "" && len(r.Formats) > 0 && !slices.Contains(r.Formats, format) {
		add("response_format", "%s answers %s only, not '%s'", r.Name, Join(r.Formats, "or"), format)
	}
	has := func(p string) bool { v, ok := body[p]; return ok && v != nil }
	if r.NoPrompt && has("prompt") {
		add("prompt", "%s does not take a prompt", r.Name)
	}
	if r.NoInclude && has("include") {
		add("include", "%s does not take include (logprobs come from gpt-4o-transcribe and gpt-4o-mini-transcribe)", r.Name)
	}
	if has("timestamp_granularities") && (!r.Granularities || format != "verbose_json") {
		if !r.Granularities {
			add("timestamp_granularities", "%s does not take timestamp_granularities (whisper-1 does, with verbose_json)", r.Name)
		} else {
			add("timestamp_granularities", "%s takes timestamp_granularities with response_format \"verbose_json\" only", r.Name)
		}
	}
	for _, p := range []string{"languages", "keywords"} {
		if !r.LanguageHints && has(p) {
			add(p, "%s does not take %s (gpt-transcribe does)", r.Name, p)
		}
	}
	return out
}

// Speech is one row of the speech table.
type Speech struct {
	Pattern, Name, Shutdown string
	// Instructions: instructions is taken; SSE: stream_format "sse" is.
	Instructions, SSE bool
}

// Speeches is the speech table.
var Speeches = []Speech{
	{Pattern: "gpt-4o-mini-tts*", Name: "gpt-4o-mini-tts", Shutdown: "2027-01-06", Instructions: true, SSE: true},
	{Pattern: "tts-1-hd*", Name: "tts-1-hd", Shutdown: "2027-01-06"},
	{Pattern: "tts-1", Name: "tts-1", Shutdown: "2027-01-06"},
}

// LookupSpeech returns the row of model, false when none matches.
func LookupSpeech(model string) (Speech, bool) {
	return lookup(Speeches, model, func(r Speech) string { return r.Pattern })
}

// Check lists what the row refuses in a request body.
func (r Speech) Check(body map[string]any) []Problem {
	var out []Problem
	if v, ok := body["instructions"]; ok && v != nil && !r.Instructions {
		out = append(out, Problem{Param: "instructions", Message: r.Name + " does not take instructions (gpt-4o-mini-tts does)"})
	}
	if body["stream_format"] == "sse" && !r.SSE {
		out = append(out, Problem{Param: "stream_format", Message: r.Name + " does not stream as sse (gpt-4o-mini-tts does)"})
	}
	return out
}

// Shutdown returns the shutdown date of a model of any family, "" when the
// tables announce none.
func Shutdown(model string) string {
	if r, ok := LookupImage(model); ok {
		return r.Shutdown
	}
	if r, ok := LookupTranscription(model); ok {
		return r.Shutdown
	}
	if r, ok := LookupSpeech(model); ok {
		return r.Shutdown
	}
	return ""
}

// LastShutdown is the latest shutdown date of the tables.
func LastShutdown() string {
	last := ""
	for _, r := range Images {
		last = max(last, r.Shutdown)
	}
	for _, r := range Transcriptions {
		last = max(last, r.Shutdown)
	}
	for _, r := range Speeches {
		last = max(last, r.Shutdown)
	}
	return last
}

// Join quotes nothing and joins values as prose: "a, b or c".
func Join(values []string, conj string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " " + conj + " " + values[len(values)-1]
}

func lookup[R any](rows []R, model string, pattern func(R) string) (R, bool) {
	for _, r := range rows {
		if ok, _ := path.Match(pattern(r), model); ok {
			return r, true
		}
	}
	var zero R
	return zero, false
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
