package openai

import (
	in "github.com/kosmo-run/kosmo/integration"
)

// Documented enums, shared by the parameters that take them.
var (
	chatRoles    = []string{"system", "user", "assistant", "developer", "tool"}
	threadRoles  = []string{"user", "assistant"}
	voices       = []string{"alloy", "echo", "fable", "onyx", "nova", "shimmer", "ash", "ballad", "coral", "sage", "verse", "marin", "cedar"}
	audioFormats = []string{"mp3", "opus", "aac", "flac", "wav", "pcm"}
	// imageQualities and transcripts are every value of today's spec; which
	// model takes which is the media tables' rule.
	imageQualities = []string{"standard", "hd", "low", "medium", "high", "auto"}
	transcripts    = []string{"json", "text", "srt", "verbose_json", "vtt", "diarized_json"}
	purposes       = []string{"assistants", "assistants_output", "batch", "fine-tune", "vision", "user_data", "evals"}
	// uploadable are the purposes a file can be uploaded with (the API's
	// list; assistants_output files are made by the API, not uploaded).
	uploadable = []string{"assistants", "batch", "fine-tune", "vision", "user_data", "evals"}
)

// str declares a string parameter; a required one must not be empty.
func str(name, desc string, required bool) in.Param {
	p := in.Param{Name: name, Type: in.TypeString, Required: required, Description: desc}
	if required {
		p.MinLen = 1
	}
	return p
}

// maxLen bounds a string parameter's length in characters.
func maxLen(p in.Param, n int) in.Param {
	p.MaxLen = n
	return p
}

func enum(name, desc string, required bool, values []string) in.Param {
	p := str(name, desc, required)
	p.Enum = values
	return p
}

func num(name string, t in.Type, desc string, lo, hi float64) in.Param {
	return in.Param{Name: name, Type: t, Description: desc, Min: in.Bound(lo), Max: in.Bound(hi)}
}

// id declares a required resource id, such as a thread id.
func id(name, desc string) in.Param { return str(name, desc, true) }

// messageContent is a message's content: text, or an array of content parts.
func messageContent() in.Param {
	return in.Param{Name: "content", Type: in.TypeString, Required: true,
		Or: &in.Param{Type: in.TypeArray, Items: &in.Param{Type: in.TypeObject, Open: true}}}
}

func functions() []*in.Function {
	return []*in.Function{
		{
			Name:        "openai_chat_completion",
			Summary:     "Generate a chat completion using GPT models.",
			Description: "Generate a chat completion using OpenAI GPT models. Send a conversation as an array of messages with role and content.",
			Operation:   in.Write, Stateless: true,
			Params: []in.Param{
				str("model", "Model ID (e.g., `\"gpt-4o\"`, `\"gpt-4o-mini\"`, `\"gpt-4-turbo\"`).", true),
				{Name: "messages", Type: in.TypeArray, Required: true, MinLen: 1,
					Description: "Array of message objects, each with `\"role\"` (`system`, `user`, `assistant`) and `\"content\"`.",
					Items: &in.Param{Type: in.TypeObject, Open: true, Fields: []in.Param{
						enum("role", "", true, chatRoles), chatMessageContent(),
					}}},
				num("temperature", in.TypeNumber, "Sampling temperature between 0 and 2. Higher values produce more random output.", 0, 2),
				{Name: "max_tokens", Type: in.TypeInteger, Min: in.Bound(1), Description: "Maximum number of tokens to generate in the response."},
				num("top_p", in.TypeNumber, "Nucleus sampling parameter. Use temperature or top_p, but not both.", 0, 1),
				num("frequency_penalty", in.TypeNumber, "Penalty for frequent tokens (-2.0 to 2.0).", -2, 2),
				num("presence_penalty", in.TypeNumber, "Penalty for new tokens (-2.0 to 2.0).", -2, 2),
				{Name: "response_format", Type: in.TypeObject, Open: true,
					Description: "Response format, e.g. `{\"type\": \"json_object\"}` for JSON output.",
					Fields:      []in.Param{enum("type", "", true, []string{"text", "json_object", "json_schema"})}},
			},
			Build:   postJSON("/chat/completions", false),
			Spec:    chatSpec,
			Check:   checkChat,
			Run:     runChat,
			OnChunk: onChunk,
			Guide:   chatGuide(),
		},
		{
			Name:        "openai_create_embedding",
			Summary:     "Generate an embedding vector for text input.",
			Description: "Generate an embedding vector for text input using OpenAI embedding models.",
			Operation:   in.Write, Stateless: true,
			Params: []in.Param{
				str("model", "Embedding model ID (e.g., `\"text-embedding-3-small\"`, `\"text-embedding-3-large\"`).", true),
				{Name: "input", Type: in.TypeString, Required: true, MinLen: 1,
					Description: "Text string or array of strings to embed.",
					Or:          &in.Param{Type: in.TypeArray, MinLen: 1, MaxLen: 2048, Items: &in.Param{Type: in.TypeString, MinLen: 1}}},
			},
			Build:  buildEmbedding,
			Decode: decodeEmbedding,
			Run:    runEmbedding,
		},
		{
			Name:        "openai_create_image",
			Summary:     "Generate an image using DALL·E.",
			Description: "Generate an image from a text prompt using DALL·E.",
			Operation:   in.Write, Stateless: true,
			Params: []in.Param{
				str("prompt", "Text description of the desired image.", true),
				str("model", "Model ID (e.g., `\"dall-e-3\"`, `\"dall-e-2\"`). Default: `\"dall-e-2\"`.", false),
				num("n", in.TypeInteger, "Number of images to generate (1–10 for DALL·E 2, only 1 for DALL·E 3).", 1, 10),
				str("size", "Image size: `\"256x256\"`, `\"512x512\"`, `\"1024x1024\"`, `\"1024x1792\"`, `\"1792x1024\"`.", false),
				enum("quality", "Image quality: `\"standard\"` or `\"hd\"` (DALL·E 3 only).", false, imageQualities),
				enum("style", "Image style: `\"vivid\"` or `\"natural\"` (DALL·E 3 only).", false, []string{"vivid", "natural"}),
				enum("response_format", "Response format: `\"url\"` or `\"b64_json\"`.", false, []string{"url", "b64_json"}),
			},
			Check:  checkImage,
			Build:  postJSON("/images/generations", false),
			Decode: decodeImage,
			Spec:   imageSpec,
			Run:    runImage,
		},
		{
			Name:        "openai_transcribe_audio",
			Summary:     "Transcribe audio using Whisper.",
			Description: "Transcribe audio into text using OpenAI Whisper. Supports MP3, MP4, WAV, M4A, and WEBM audio files.",
			Operation:   in.Write, Stateless: true,
			Params: []in.Param{
				{Name: "file_content", Type: in.TypeString, Required: true, Base64: true, MinLen: 1, Description: "Base64-encoded audio file content."},
				str("filename", "Filename with extension (e.g., `\"audio.mp3\"`, `\"recording.wav\"`).", true),
				str("model", "Model to use for transcription (e.g., `\"whisper-1\"`).", true),
				str("language", "ISO 639-1 language code (e.g., `\"en\"`, `\"fr\"`, `\"de\"`).", false),
				enum("response_format", "Output format: `\"json\"`, `\"text\"`, `\"srt\"`, `\"verbose_json\"`, `\"vtt\"`.", false, transcripts),
			},
			Build:  buildTranscription,
			Decode: decodeTranscription,
			Check:  checkTranscription,
			Spec:   transcriptionSpec,
			Run:    runTranscription,
		},
		{
			Name:        "openai_text_to_speech",
			Summary:     "Generate speech audio from text.",
			Description: "Generate speech audio from text using OpenAI TTS. Returns base64-encoded audio content.",
			Operation:   in.Write, Stateless: true,
			Params: []in.Param{
				str("model", "TTS model ID (e.g., `\"tts-1\"`, `\"tts-1-hd\"`).", true),
				maxLen(str("input", "Text to convert to speech (max 4096 characters).", true), 4096),
				customVoice(enum("voice", "Voice to use: `\"alloy\"`, `\"echo\"`, `\"fable\"`, `\"onyx\"`, `\"nova\"`, or `\"shimmer\"`.", true, voices)),
				num("speed", in.TypeNumber, "Speed of speech (0.25 to 4.0). Default: 1.0.", 0.25, 4),
				enum("response_format", "Audio format: `\"mp3\"`, `\"opus\"`, `\"aac\"`, `\"flac\"`, `\"wav\"`. Default: `\"mp3\"`.", false, audioFormats),
			},
			Build:  postAudio("/audio/speech"),
			Decode: decodeSpeech,
			Check:  checkSpeech,
			Spec:   speechSpec,
			Run:    runSpeech,
		},
		{
			Name:        "openai_create_assistant",
			Summary:     "Create an OpenAI assistant.",
			Description: "Create an OpenAI assistant with a model, name, instructions, and optional tools.",
			Operation:   in.Write,
			Params: []in.Param{
				str("model", "Model ID (e.g., `\"gpt-4o\"`).", true),
				maxLen(str("name", "Name of the assistant.", false), 256),
				maxLen(str("description", "Description of the assistant.", false), 512),
				maxLen(str("instructions", "System instructions for the assistant.", false), 256000),
				{Name: "tools", Type: in.TypeArray, MaxLen: 128,
					Description: "Array of tool objects the assistant can use (e.g., `code_interpreter`, `file_search`).",
					Items: &in.Param{Type: in.TypeObject, Open: true, Fields: []in.Param{
						enum("type", "", true, []string{"code_interpreter", "file_search", "function"}),
					}}},
			},
			Build: postJSON("/assistants", true),
			Run:   assistantsRun(createAssistant),
		},
		{
			Name:        "openai_list_assistants",
			Summary:     "List all OpenAI assistants.",
			Description: "List all OpenAI assistants available to the authenticated user.",
			Operation:   in.Read,
			Params: []in.Param{
				num("limit", in.TypeInteger, "Number of assistants to return (default 20, max 100).", 1, 100),
			},
			Build: getList("/assistants", true),
			Run:   assistantsRun(listAssistants),
		},
		{
			Name:        "openai_create_thread",
			Summary:     "Create a conversation thread.",
			Description: "Create a conversation thread for the OpenAI Assistants API. Optionally include initial messages.",
			Operation:   in.Write,
			Params: []in.Param{
				{Name: "messages", Type: in.TypeArray,
					Description: "Initial messages for the thread. Each message has `\"role\"` and `\"content\"`.",
					Items: &in.Param{Type: in.TypeObject, Open: true, Fields: []in.Param{
						enum("role", "", true, threadRoles), messageContent(),
					}}},
			},
			Build: postJSON("/threads", true),
			Run:   assistantsRun(createThread),
		},
		{
			Name:        "openai_add_message_to_thread",
			Summary:     "Add a message to an existing thread.",
			Description: "Add a message to an existing conversation thread.",
			Operation:   in.Write,
			Params: []in.Param{
				id("thread_id", "The ID of the thread to add the message to."),
				enum("role", "Role of the message sender: `\"user\"` or `\"assistant\"`.", true, threadRoles),
				str("content", "Text content of the message.", true),
			},
			Build: postJSON("/threads/{thread_id}/messages", true),
			Run:   assistantsRun(addMessage),
		},
		{
			Name:        "openai_list_thread_messages",
			Summary:     "List messages in a thread.",
			Description: "List messages in an OpenAI conversation thread.",
			Operation:   in.Read,
			Params: []in.Param{
				id("thread_id", "The ID of the thread to list messages from."),
				num("limit", in.TypeInteger, "Number of messages to return (default 20, max 100).", 1, 100),
			},
			Build: getList("/threads/{thread_id}/messages", true),
			Run:   assistantsRun(listMessages),
		},
		{
			Name:        "openai_create_run",
			Summary:     "Start an assistant run on a thread.",
			Description: "Start an assistant run on a thread. Returns the run with its initial status.",
			Operation:   in.Write,
			Params: []in.Param{
				id("thread_id", "The ID of the thread to run the assistant on."),
				id("assistant_id", "The ID of the assistant to use for this run."),
				str("instructions", "Override the assistant's default instructions for this run.", false),
			},
			Build: postJSON("/threads/{thread_id}/runs", true),
			Run:   assistantsRun(createRun),
		},
		{
			Name:        "openai_get_run",
			Summary:     "Get the status of a thread run.",
			Description: "Get the status and details of an assistant run on a thread.",
			Operation:   in.Read,
			Params: []in.Param{
				id("thread_id", "The ID of the thread."),
				id("run_id", "The ID of the run to check."),
			},
			Build: getList("/threads/{thread_id}/runs/{run_id}", true),
			Run:   assistantsRun(getRun),
		},
		{
			Name:        "openai_upload_file",
			Summary:     "Upload a file to OpenAI.",
			Description: "Upload a file to OpenAI for use with Assistants, Fine-tuning, or Batch API.",
			Operation:   in.Write,
			Params: []in.Param{
				{Name: "file_content", Type: in.TypeString, Required: true, Base64: true, MinLen: 1, Description: "Base64-encoded file content."},
				str("filename", "Filename with extension (e.g., `\"data.jsonl\"`, `\"document.txt\"`).", true),
				enum("purpose", "Purpose of the file: `\"assistants\"`, `\"assistants_output\"`, `\"batch\"`, `\"fine-tune\"`, `\"vision\"`.", true, uploadable),
			},
			Build: buildUpload,
			Check: checkUpload,
			Spec:  fileSpec,
		},
		{
			Name:        "openai_list_files",
			Summary:     "List files uploaded to OpenAI.",
			Description: "List files uploaded to OpenAI, optionally filtered by purpose.",
			Operation:   in.Read,
			Params: []in.Param{
				enum("purpose", "Filter by purpose: `\"assistants\"`, `\"assistants_output\"`, `\"batch\"`, `\"fine-tune\"`, `\"vision\"`.", false, purposes),
				num("limit", in.TypeInteger, "Number of files to return (default 20, max 10000).", 1, 10000),
			},
			Build: getList("/files", false),
			Spec:  filesListSpec,
		},
		{
			Name:        "openai_list_models",
			Summary:     "List available OpenAI models.",
			Description: "List all models available from OpenAI, including GPT, DALL·E, Whisper, and embedding models.",
			Operation:   in.Read,
			Build:       getList("/models", false),
		},
	}
}
