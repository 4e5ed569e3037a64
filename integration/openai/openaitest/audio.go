package openaitest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	speechVoices = []string{"alloy", "ash", "ballad", "cedar", "coral", "echo", "fable", "marin", "nova", "onyx", "sage", "shimmer", "verse"}
)

// speechTypes maps each speech response_format to the Content-Type the fake
// sends. Opus comes in an Ogg container, hence audio/ogg.
var speechTypes = map[string]string{
	"mp3":  "audio/mpeg",
	"opus": "audio/ogg",
	"aac":  "audio/aac",
	"flac": "audio/flac",
	"wav":  "audio/wav",
	"pcm":  "audio/pcm",
}

func (h *Handler) speech(w http.ResponseWriter, r *http.Request) error {
	body, _ := io.ReadAll(r.Body)
	c := &checker{}
	o := c.parseBody(body)
	o.require("model", "input", "voice")
	o.only("model", "input", "instructions", "voice", "response_format", "speed", "stream_format")
	model := o.reqStr("model")
	input := o.reqStr("input")
	o.strLen("input", input, 1, 4096)
	o.str("instructions")
	voice := parseVoice(c, o)
	format := o.enum("response_format", "mp3", "mp3", "opus", "aac", "flac", "wav", "pcm")
	speed := o.numIn("speed", 1, 0.25, 4)
	if o.enum("stream_format", "audio", "sse", "audio") == "sse" {
		c.fail(unsupported("stream_format", "Streaming speech as server-sent events"))
	}
	if c.failed() {
		return c.Err()
	}
	if _, err := h.modelFor(speechEndpoint, model); err != nil {
		return err
	}
	if err := speechRules(model, o); err != nil {
		return err
	}
	seconds := speechSeconds(input, speed)
	var audio []byte
	switch format {
	case "wav":
		audio = encodeWAV(synthesize(input, voice, speed), input)
	case "flac":
		audio = encodeFLAC(synthesize(input, voice, speed), input)
	case "pcm":
		audio = pcmBytes(synthesize(input, voice, speed))
	case "opus":
		audio = encodeOggOpus(input, seconds)
	case "aac":
		audio = encodeAAC(input, seconds)
	default:
		audio = encodeMP3(input, seconds)
	}
	writeBytes(w, http.StatusOK, speechTypes[format], audio)
	return nil
}

// parseVoice reads "voice": a built-in voice name or {"id": custom voice}.
func parseVoice(c *checker, o object) string {
	raw, ok := o.raw("voice")
	if !ok {
		return ""
	}
	if jsonKind(raw) == "object" {
		v, _ := c.objectAt("voice", raw)
		return v.reqStr("id")
	}
	s, ok := c.stringAt("voice", raw)
	if ok {
		c.enumAt("voice", s, speechVoices)
	}
	return s
}

// Transcriptions.

var audioExtensions = []string{"flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"}

// maxAudioBytes is the real API's upload limit for transcriptions (25 MiB).
const maxAudioBytes = 25 << 20

var languageCode = regexp.MustCompile(`^[a-z]{2,3}$`)

var languageNames = map[string]string{
	"ar": "arabic", "cs": "czech", "da": "danish", "de": "german", "el": "greek", "en": "english",
	"es": "spanish", "fi": "finnish", "fr": "french", "he": "hebrew", "hi": "hindi", "hu": "hungarian",
	"id": "indonesian", "it": "italian", "ja": "japanese", "ko": "korean", "nl": "dutch", "no": "norwegian",
	"pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish", "th": "thai",
	"tr": "turkish", "uk": "ukrainian", "vi": "vietnamese", "zh": "chinese",
}

type transcriptionJSON struct {
	Text  string `json:"text"`
	Usage any    `json:"usage"`
}

type durationUsage struct {
	Type    string  `json:"type"`
	Seconds float64 `json:"seconds"`
}

type tokenUsage struct {
	Type              string            `json:"type"`
	InputTokens       int               `json:"input_tokens"`
	InputTokenDetails inputTokenDetails `json:"input_token_details"`
	OutputTokens      int               `json:"output_tokens"`
	TotalTokens       int               `json:"total_tokens"`
}

type inputTokenDetails struct {
	TextTokens  int `json:"text_tokens"`
	AudioTokens int `json:"audio_tokens"`
}

type verboseTranscription struct {
	Task     string              `json:"task"`
	Language string              `json:"language"`
	Duration float64             `json:"duration"`
	Text     string              `json:"text"`
	Words    []transcriptWord    `json:"words,omitempty"`
	Segments []transcriptSegment `json:"segments,omitempty"`
	Usage    durationUsage       `json:"usage"`
}

type transcriptWord struct {
	Word  string  `json:"word"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

type transcriptSegment struct {
	ID               int     `json:"id"`
	Seek             int     `json:"seek"`
	Start            float64 `json:"start"`
	End              float64 `json:"end"`
	Text             string  `json:"text"`
	Tokens           []int   `json:"tokens"`
	Temperature      float64 `json:"temperature"`
	AvgLogprob       float64 `json:"avg_logprob"`
	CompressionRatio float64 `json:"compression_ratio"`
	NoSpeechProb     float64 `json:"no_speech_prob"`
}

type diarizedTranscription struct {
	Task     string            `json:"task"`
	Duration float64           `json:"duration"`
	Text     string            `json:"text"`
	Segments []diarizedSegment `json:"segments"`
	Usage    tokenUsage        `json:"usage"`
}

type diarizedSegment struct {
	Type    string  `json:"type"`
	ID      string  `json:"id"`
	Start   float64 `json:"start"`
	End     float64 `json:"end"`
	Text    string  `json:"text"`
	Speaker string  `json:"speaker"`
}

// transcription is a validated transcription request.
type transcription struct {
	model, language, prompt, format string
	temperature                     float64
	words, segments                 bool // timestamp granularities
	file                            formFile
}

func (h *Handler) transcriptions(w http.ResponseWriter, r *http.Request) error {
	t, err := parseTranscription(r, h.modelFor)
	if err != nil {
		return err
	}
	text, seconds, ok := embeddedText(t.file.data)
	if !ok {
		text = fmt.Sprintf("(fake transcription of %d bytes from %s)", len(t.file.data), t.file.name)
		seconds = float64(len(t.file.data)) / 16000 // as if 128 kbit/s
	}
	seconds = max(math.Round(seconds*1000)/1000, 0.1)

	switch t.format {
	case "text":
		writeBytes(w, http.StatusOK, "text/plain; charset=utf-8", []byte(text))
	case "srt", "vtt":
		writeBytes(w, http.StatusOK, "text/plain; charset=utf-8", []byte(subtitles(t.format, segmentText(text, seconds))))
	case "verbose_json":
		v := verboseTranscription{Task: "transcribe", Language: t.languageName(), Duration: seconds, Text: text,
			Usage: durationUsage{Type: "duration", Seconds: math.Ceil(seconds)}}
		if t.segments {
			v.Segments = []transcriptSegment{}
			for i, s := range segmentText(text, seconds) {
				v.Segments = append(v.Segments, transcriptSegment{ID: i, Seek: int(s.start * 100), Start: s.start, End: s.end,
					Text: " " + s.text, Tokens: fakeTokenIDs(s.text), Temperature: t.temperature,
					AvgLogprob: -0.25, CompressionRatio: 1.2, NoSpeechProb: 0.01})
			}
		}
		if t.words {
			v.Words = wordTimings(text, seconds)
		}
		writeJSON(w, http.StatusOK, v)
	case "diarized_json":
		d := diarizedTranscription{Task: "transcribe", Duration: seconds, Text: text, Segments: []diarizedSegment{},
			Usage: t.tokenUsage(text, seconds)}
		for i, s := range segmentText(text, seconds) {
			d.Segments = append(d.Segments, diarizedSegment{Type: "transcript.text.segment", ID: "seg_" + strconv.Itoa(i),
				Start: s.start, End: s.end, Text: s.text, Speaker: "A"})
		}
		writeJSON(w, http.StatusOK, d)
	default:
		resp := transcriptionJSON{Text: text}
		if t.model == "whisper-1" {
			resp.Usage = durationUsage{Type: "duration", Seconds: math.Ceil(seconds)}
		} else {
			resp.Usage = t.tokenUsage(text, seconds)
		}
		writeJSON(w, http.StatusOK, resp)
	}
	return nil
}

func parseTranscription(r *http.Request, modelFor func(endpoint, string) (*modelInfo, error)) (*transcription, error) {
	form, err := readMultipart(r)
	if err != nil {
		return nil, err
	}
	file, err := form.file()
	if err != nil {
		return nil, err
	}
	t := &transcription{file: file, segments: true}
	var ok bool
	if t.model, ok = form.values["model"]; !ok {
		return nil, invalidRequest("model", "missing_required_parameter", "Missing required parameter: 'model'.")
	}
	c := &checker{}
	t.format = cmp.Or(form.values["response_format"], "json")
	c.enumAt("response_format", t.format, []string{"json", "text", "srt", "verbose_json", "vtt", "diarized_json"})
	t.language = form.values["language"]
	if t.language != "" && !languageCode.MatchString(t.language) {
		c.fail(invalidRequest("language", "invalid_value",
			"Invalid language '%s'. Language parameter must be specified in ISO-639-1 format.", t.language))
	}
	t.prompt = form.values["prompt"]
	if s, ok := form.values["temperature"]; ok {
		o := object{c: c, fields: map[string]json.RawMessage{"temperature": json.RawMessage(s)}}
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			c.fail(invalidRequest("temperature", "invalid_type",
				"Invalid type for 'temperature': expected a decimal, but got a string instead."))
		}
		t.temperature = o.numIn("temperature", 0, 0, 1)
	}
	if s := form.values["stream"]; s == "true" {
		c.fail(unsupported("stream", "Streaming transcription"))
	}
	if g, ok := granularities(form); ok {
		t.words, t.segments = slices.Contains(g, "word"), slices.Contains(g, "segment")
		for _, x := range g {
			c.enumAt("timestamp_granularities[]", x, []string{"word", "segment"})
		}
	}
	if c.failed() {
		return nil, c.Err()
	}
	m, err := modelFor(transcriptionsEndpoint, t.model)
	if err != nil {
		return nil, err
	}
	formats := transcriptionFormats(t.model, m.formats)
	if !slices.Contains(formats, t.format) {
		return nil, invalidRequest("response_format", "unsupported_value",
			"response_format '%s' is not compatible with model '%s'. Use %s instead.", t.format, t.model, quoteList(formats))
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(file.name), "."))
	if !slices.Contains(audioExtensions, ext) {
		return nil, invalidRequest("file", "invalid_value",
			"Invalid file format. Supported formats: ['%s']", strings.Join(audioExtensions, "', '"))
	}
	if len(file.data) > maxAudioBytes {
		return nil, &apiError{status: http.StatusRequestEntityTooLarge, typ: "invalid_request_error", param: "file",
			message: fmt.Sprintf("Maximum content size limit (%d) exceeded (%d bytes read)", maxAudioBytes, len(file.data))}
	}
	if len(file.data) == 0 {
		return nil, invalidRequest("file", "audio_too_short", "Audio file is too short. Minimum audio length is 0.1 seconds.")
	}
	return t, nil
}

// granularities reads every value of timestamp_granularities[] (or of the
// field without brackets): clients send the array as one part per element,
// and a part may also hold a comma-separated list.
func granularities(f *multipartForm) ([]string, bool) {
	var out []string
	found := false
	for _, k := range []string{"timestamp_granularities[]", "timestamp_granularities"} {
		for _, v := range f.all[k] {
			found = true
			out = append(out, strings.Split(v, ",")...)
		}
	}
	return out, found
}

func (t *transcription) languageName() string {
	if t.language == "" {
		return "english"
	}
	if name, ok := languageNames[t.language]; ok {
		return name
	}
	return t.language
}

// tokenUsage is the usage that gpt-4o transcription models report: audio
// input at 10 tokens a second plus the prompt's text tokens.
func (t *transcription) tokenUsage(text string, seconds float64) tokenUsage {
	audio := int(math.Ceil(seconds * 10))
	prompt := CountTokens(t.prompt)
	out := CountTokens(text)
	return tokenUsage{Type: "tokens", InputTokens: audio + prompt, OutputTokens: out, TotalTokens: audio + prompt + out,
		InputTokenDetails: inputTokenDetails{TextTokens: prompt, AudioTokens: audio}}
}

// embeddedText recognises audio made by the fake's speech endpoint (WAV,
// MP3, AAC, Ogg Opus, FLAC) and returns the text and duration it carries.
func embeddedText(b []byte) (string, float64, bool) {
	for _, read := range []func([]byte) (string, float64, bool){wavText, id3Text, oggOpusText, flacText} {
		if text, secs, ok := read(b); ok {
			return text, secs, true
		}
	}
	return "", 0, false
}

// span is a piece of transcript with its times in seconds.
type span struct {
	start, end float64
	text       string
}

// segmentText cuts text into sentences (after . ! ? or a line break) and
// spreads them over the duration in proportion to their length.
func segmentText(text string, seconds float64) []span {
	var pieces []string
	start := 0
	for i, r := range text {
		end := i + utf8.RuneLen(r)
		if r == '\n' || ((r == '.' || r == '!' || r == '?') && (end == len(text) || text[end] == ' ' || text[end] == '\n')) {
			pieces = append(pieces, text[start:end])
			start = end
		}
	}
	pieces = append(pieces, text[start:])
	return spread(pieces, seconds, func(s string) string { return strings.Join(strings.Fields(s), " ") })
}

// wordTimings gives each word of text a time span.
func wordTimings(text string, seconds float64) []transcriptWord {
	out := []transcriptWord{}
	for _, s := range spread(strings.Fields(text), seconds, func(s string) string { return s }) {
		out = append(out, transcriptWord{Word: s.text, Start: s.start, End: s.end})
	}
	return out
}

// spread lays the non-empty cleaned pieces end to end over the duration,
// each in proportion to its length, times rounded to milliseconds.
func spread(pieces []string, seconds float64, clean func(string) string) []span {
	var kept []string
	total := 0
	for _, p := range pieces {
		if p = clean(p); p != "" {
			kept = append(kept, p)
			total += utf8.RuneCountInString(p)
		}
	}
	out := make([]span, 0, len(kept))
	done := 0
	ms := func(x float64) float64 { return math.Round(x*1000) / 1000 }
	for _, p := range kept {
		n := utf8.RuneCountInString(p)
		out = append(out, span{
			start: ms(seconds * float64(done) / float64(total)),
			end:   ms(seconds * float64(done+n) / float64(total)),
			text:  p,
		})
		done += n
	}
	return out
}

// subtitles renders spans as SRT or WebVTT.
func subtitles(format string, spans []span) string {
	var b strings.Builder
	sep := ","
	if format == "vtt" {
		b.WriteString("WEBVTT\n\n")
		sep = "."
	}
	for i, s := range spans {
		if format == "srt" {
			fmt.Fprintf(&b, "%d\n", i+1)
		}
		fmt.Fprintf(&b, "%s --> %s\n%s\n\n", timestamp(s.start, sep), timestamp(s.end, sep), s.text)
	}
	return b.String()
}

// timestamp renders seconds as HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm (VTT).
func timestamp(sec float64, sep string) string {
	ms := int64(math.Round(sec * 1000))
	return fmt.Sprintf("%02d:%02d:%02d%s%03d", ms/3600000, ms/60000%60, ms/1000%60, sep, ms%1000)
}

// fakeTokenIDs numbers the tokens of a segment deterministically.
func fakeTokenIDs(text string) []int {
	ids := []int{}
	for _, p := range splitTokens(text) {
		ids = append(ids, int(hash64(strings.TrimSpace(p))%50000)+1)
	}
	return ids
}
