package openai

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	in "github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/mediamodels"
	"github.com/kosmo-run/kosmo/integration/openai/retired"
)

// The request schemas of images, speech, transcriptions and files, taken
// from OpenAI's published OpenAPI document by ./chatspec: every parameter
// of these functions beyond the seed's is accepted and validated by them.
var (
	//go:embed image_request.schema.json
	imageRequestSchema []byte
	//go:embed speech_request.schema.json
	speechRequestSchema []byte
	//go:embed transcription_request.schema.json
	transcriptionRequestSchema []byte
	//go:embed file_request.schema.json
	fileRequestSchema []byte
	//go:embed files_list_query.schema.json
	filesListQuerySchema []byte
)

// The parsed schemas, shared by every New.
var (
	imageSpec         = in.MustParseSpecSchema(imageRequestSchema)
	speechSpec        = in.MustParseSpecSchema(speechRequestSchema)
	transcriptionSpec = in.MustParseSpecSchema(transcriptionRequestSchema)
	fileSpec          = in.MustParseSpecSchema(fileRequestSchema)
	filesListSpec     = in.MustParseSpecSchema(filesListQuerySchema)
)

// Local limits from OpenAI's documentation, checked before sending.
const (
	// MaxAudioBytes is the largest audio file the transcription endpoint
	// takes (25 MB).
	MaxAudioBytes = 25 << 20
	// MaxFileBytes is the largest file the files endpoint takes (512 MB).
	MaxFileBytes = 512 << 20
)

// SettingMediaModels says whether kosmo checks image, transcription and
// speech calls against its model tables (mediamodels) before sending:
// "table" (the default) or "none" (the server's own answer decides, for an
// OpenAI-compatible server whose models follow other rules).
const SettingMediaModels = "media_models"

func mediaSettings() []in.Setting {
	return []in.Setting{{
		Name: SettingMediaModels,
		Description: "Whether image, transcription and speech calls are checked against kosmo's tables of OpenAI's models before sending " +
			"(what each model takes, see \"Media models today\"): `table` (the default; a call without `model` generates with `" + mediamodels.DefaultImage +
			"`, and the API's `model_not_found` for a removed model says when it was removed) or `none` (sent as written, for a server whose models follow other rules).",
		Values: []string{"table", "none"}, Default: "table",
	}}
}

// streamProblem refuses stream = true: a streamed answer cannot reach a
// script.
func streamProblem(args in.Args, param string) []in.Problem {
	if args[param] == true {
		return []in.Problem{{Path: param, Message: "a streamed answer cannot be returned to a script yet: leave " + param + " out"}}
	}
	return nil
}

// sizeProblem refuses content over limit bytes before anything is sent.
func sizeProblem(args in.Args, limit int, what string) []in.Problem {
	content, _ := args["file_content"].([]byte)
	if len(content) > limit {
		return []in.Problem{{Path: "file_content", Message: fmt.Sprintf("%s of at most %d MB (%d bytes) expected, got %d bytes: OpenAI refuses larger ones",
			what, limit>>20, limit, len(content))}}
	}
	return nil
}

func checkImage(args in.Args) []in.Problem { return streamProblem(args, "stream") }

func checkTranscription(args in.Args) []in.Problem {
	return append(sizeProblem(args, MaxAudioBytes, "an audio file"), streamProblem(args, "stream")...)
}

func checkSpeech(args in.Args) []in.Problem {
	if args["stream_format"] == "sse" {
		return []in.Problem{{Path: "stream_format", Message: "a streamed answer cannot be returned to a script yet: leave stream_format out (the audio comes whole)"}}
	}
	return nil
}

func checkUpload(args in.Args) []in.Problem { return sizeProblem(args, MaxFileBytes, "a file") }

// modelProblems turns a table's refusals into the call's validation error.
func modelProblems(fn string, problems []mediamodels.Problem) error {
	if len(problems) == 0 {
		return nil
	}
	out := make([]in.Problem, len(problems))
	for i, p := range problems {
		out[i] = in.Problem{Path: p.Param, Message: p.Message}
	}
	return &in.ValidationError{Function: fn, Problems: out}
}

// runImage sends an image generation checked against the image table; a
// call without model generates with mediamodels.DefaultImage.
func runImage(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	if x.Setting(SettingMediaModels) == "none" {
		return x.Standard(ctx, args)
	}
	model, _ := args["model"].(string)
	if model == "" {
		body := make(in.Args, len(args)+1)
		for k, v := range args {
			body[k] = v
		}
		model = mediamodels.DefaultImage
		body["model"] = model
		args = body
		x.Note(fmt.Sprintf("openai_create_image: no model named: sent %s (the API's default, %s, was removed on %s)",
			model, mediamodels.APIDefaultImage, mediamodels.Shutdown(mediamodels.APIDefaultImage)))
	}
	if row, ok := mediamodels.LookupImage(model); ok {
		if err := modelProblems("openai_create_image", row.Check(args)); err != nil {
			return nil, err
		}
	}
	res, err := x.Standard(ctx, args)
	return res, withShutdown(x, err, model)
}

// runTranscription sends a transcription checked against the
// transcription table.
func runTranscription(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	model, _ := args["model"].(string)
	if x.Setting(SettingMediaModels) != "none" {
		if row, ok := mediamodels.LookupTranscription(model); ok {
			if err := modelProblems("openai_transcribe_audio", row.Check(args)); err != nil {
				return nil, err
			}
		}
	}
	res, err := x.Standard(ctx, args)
	return res, withShutdown(x, err, model)
}

// runSpeech sends speech checked against the speech table.
func runSpeech(ctx context.Context, x *in.Exchange, args in.Args) (*in.Result, error) {
	model, _ := args["model"].(string)
	if x.Setting(SettingMediaModels) != "none" {
		if row, ok := mediamodels.LookupSpeech(model); ok {
			if err := modelProblems("openai_text_to_speech", row.Check(args)); err != nil {
				return nil, err
			}
		}
	}
	res, err := x.Standard(ctx, args)
	return res, withShutdown(x, err, model)
}

// decodeImage returns the answer with each image's mime_type: the type of
// its bytes (b64_json), else of the requested output_format, else PNG (the
// format of DALL·E's URLs).
func decodeImage(resp *in.Response, args in.Args) (*in.Result, error) {
	var body map[string]any
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return nil, fmt.Errorf("the image answer is not a JSON object: %w", err)
	}
	data, _ := body["data"].([]any)
	format, _ := body["output_format"].(string)
	if format == "" {
		format, _ = args["output_format"].(string)
	}
	for _, d := range data {
		item, ok := d.(map[string]any)
		if !ok {
			continue
		}
		mime := imageMIME(format)
		if b64, ok := item["b64_json"].(string); ok {
			head, _ := base64.StdEncoding.DecodeString(b64[:min(len(b64), 64)])
			if sniffed := http.DetectContentType(head); strings.HasPrefix(sniffed, "image/") {
				mime = sniffed
			}
		}
		item["mime_type"] = mime
	}
	return value(body)
}

func imageMIME(format string) string {
	switch format {
	case "jpeg", "jpg":
		return "image/jpeg"
	case "webp":
		return "image/webp"
	}
	return "image/png"
}

// formFields are the multipart fields of a request: first names, in that
// order, then every other argument but the file's, sorted. Arrays are sent
// as repeated name[] fields and objects as name[key] fields, as OpenAI's
// own clients send them.
func formFields(args in.Args, names ...string) [][2]string {
	out := optional(args, names...)
	skip := map[string]bool{"file_content": true, "filename": true}
	for _, n := range names {
		skip[n] = true
	}
	keys := make([]string, 0, len(args))
	for k := range args {
		if !skip[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = appendField(out, k, args[k])
	}
	return out
}

func appendField(out [][2]string, name string, v any) [][2]string {
	switch x := v.(type) {
	case string:
		return append(out, [2]string{name, x})
	case float64:
		return append(out, [2]string{name, strconv.FormatFloat(x, 'f', -1, 64)})
	case bool:
		return append(out, [2]string{name, strconv.FormatBool(x)})
	case []any:
		for _, el := range x {
			out = appendField(out, name+"[]", el)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = appendField(out, name+"["+k+"]", x[k])
		}
	}
	return out
}

// customVoice lets a voice be a custom voice object, { id = "voice_…" },
// besides a built-in voice's name.
func customVoice(p in.Param) in.Param {
	p.Or = &in.Param{Type: in.TypeObject, Open: true, Fields: []in.Param{str("id", "", true)}}
	return p
}

// mediaDoc renders the media model tables for the docs.
func mediaDoc() string {
	var b strings.Builder
	b.WriteString("### Media models today\n\n")
	b.WriteString("kosmo checks image, transcription and speech calls against these tables before anything is sent " +
		"(account setting `" + SettingMediaModels + "`: `table`, the default, or `none`); a model they do not name is sent as written. " +
		"A call naming a model OpenAI removed gets OpenAI's own answer (404 `model_not_found`) with the date added from the tables, " +
		"e.g. \"The model `dall-e-3` does not exist or you do not have access to it. (" +
		retired.Note("dall-e-3", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) + ")\".\n\n")
	b.WriteString("**Images** (`openai_create_image`). With no `model`, kosmo sends `" + mediamodels.DefaultImage + "`: the API's own default, `" +
		mediamodels.APIDefaultImage + "`, was removed on " + mediamodels.Shutdown(mediamodels.APIDefaultImage) + " (the call log notes it). " +
		"GPT image models always answer `b64_json`; DALL·E answered `url` unless asked for `b64_json`. Every image of the result carries " +
		"`mime_type` (`image/png`, `image/jpeg` or `image/webp`: the type of its bytes). The prompt is at most 32,000 characters for GPT image models.\n\n")
	b.WriteString("| Model | Shutdown on OpenAI's API | `quality` | `size` | `style` | `response_format` | `n` | GPT-only parameters |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, r := range mediamodels.Images {
		size := strings.Join(r.Sizes, ", ")
		if r.CustomSizes {
			size += ", or a custom " + mediamodels.CustomSizeRule
		}
		gpt := "refused"
		if r.GPT {
			gpt = "`output_format` (" + strings.Join(mediamodels.OutputFormats, ", ") + "; transparent: png or webp), `output_compression` (jpeg, webp), `background`, `moderation`"
		}
		n := "1"
		if r.MaxN > 1 {
			n = "1–" + strconv.Itoa(r.MaxN)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", r.Pattern, dateOr(r.Shutdown), values(r.Qualities), size,
			values(r.Styles), values(r.ResponseFormats), n, gpt)
	}
	b.WriteString("\n**Transcription** (`openai_transcribe_audio`). Audio files over 25 MB are refused before sending, as OpenAI refuses them.\n\n")
	b.WriteString("| Model | Shutdown on OpenAI's API | `response_format` | `prompt` | `include` | `timestamp_granularities` | `languages`, `keywords` |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, r := range mediamodels.Transcriptions {
		formats := values(r.Formats)
		if r.Formats == nil {
			formats = "any of the spec's"
		}
		grain := "refused"
		if r.Granularities {
			grain = "with `verbose_json`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", r.Pattern, dateOr(r.Shutdown), formats,
			yes(!r.NoPrompt), yes(!r.NoInclude), grain, yes(r.LanguageHints))
	}
	b.WriteString("\n**Speech** (`openai_text_to_speech`). A voice is a built-in voice's name or a custom voice, `{ id = \"voice_…\" }`; " +
		"the audio comes whole (`stream_format = \"sse\"` is refused: a stream cannot reach a script).\n\n")
	b.WriteString("| Model | Shutdown on OpenAI's API | `instructions` |\n|---|---|---|\n")
	for _, r := range mediamodels.Speeches {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.Pattern, dateOr(r.Shutdown), yes(r.Instructions))
	}
	b.WriteString("\n**Files.** `openai_upload_file` refuses files over 512 MB before sending; `openai_list_files` takes `order` and `after` " +
		"(the API's `limit` defaults to 10,000).\n")
	return b.String()
}

func values(v []string) string {
	if len(v) == 0 {
		return "refused"
	}
	return "`" + strings.Join(v, "`, `") + "`"
}

func yes(ok bool) string {
	if ok {
		return "taken"
	}
	return "refused"
}

func dateOr(d string) string {
	if d == "" {
		return "—"
	}
	return d
}
