package openai

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"strconv"
	"strings"

	in "github.com/kosmo-run/kosmo/integration"
)

// postJSON builds a POST with the arguments (less the path's) as a JSON body.
func postJSON(tmpl string, beta bool) func(in.Args) (*in.Request, error) {
	return func(args in.Args) (*in.Request, error) {
		p, rest := fillPath(tmpl, args)
		body := make(map[string]any, len(rest))
		for k, v := range rest {
			body[k] = v
		}
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding request body: %w", err)
		}
		return &in.Request{Method: http.MethodPost, Path: p, Endpoint: tmpl, Header: headers(beta), ContentType: "application/json", Body: data}, nil
	}
}

// postAudio builds a POST whose answer is audio bytes, as the speech
// endpoint sends them.
func postAudio(tmpl string) func(in.Args) (*in.Request, error) {
	build := postJSON(tmpl, false)
	return func(args in.Args) (*in.Request, error) {
		r, err := build(args)
		if err == nil {
			r.Header.Set("Accept", "application/octet-stream")
		}
		return r, err
	}
}

// getList builds a GET with the arguments (less the path's) as the query.
func getList(tmpl string, beta bool) func(in.Args) (*in.Request, error) {
	return func(args in.Args) (*in.Request, error) {
		p, rest := fillPath(tmpl, args)
		q := url.Values{}
		for k, v := range rest {
			switch x := v.(type) {
			case string:
				q.Set(k, x)
			case float64:
				q.Set(k, strconv.FormatFloat(x, 'f', -1, 64))
			case bool:
				q.Set(k, strconv.FormatBool(x))
			}
		}
		return &in.Request{Method: http.MethodGet, Path: p, Endpoint: tmpl, Query: q, Header: headers(beta)}, nil
	}
}

func headers(beta bool) http.Header {
	h := http.Header{}
	if beta {
		h.Set("OpenAI-Beta", betaHeader)
	}
	return h
}

// fillPath substitutes {name} segments with the escaped argument and returns
// the remaining arguments.
func fillPath(tmpl string, args in.Args) (string, in.Args) {
	rest := make(in.Args, len(args))
	for k, v := range args {
		rest[k] = v
	}
	segs := strings.Split(tmpl, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			name := s[1 : len(s)-1]
			v, _ := args[name].(string)
			segs[i] = url.PathEscape(v)
			delete(rest, name)
		}
	}
	return strings.Join(segs, "/"), rest
}

// multipartBody writes the file part first, then the fields in the given order.
func multipartBody(filename string, content []byte, fields [][2]string) (data []byte, contentType string, err error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, escapeFilename(filename)))
	h.Set("Content-Type", fileContentType(filename))
	part, err := mw.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(content); err != nil {
		return nil, "", err
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

var filenameEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "%0D", "\n", "%0A")

func escapeFilename(s string) string { return filenameEscaper.Replace(s) }

// fileContentType names a file's media type by its extension, from a fixed
// table so that requests do not depend on the host's MIME database.
func fileContentType(filename string) string {
	switch strings.ToLower(strings.TrimPrefix(path.Ext(filename), ".")) {
	case "mp3", "mpga", "mpeg":
		return "audio/mpeg"
	case "wav":
		return "audio/wav"
	case "m4a", "mp4":
		return "audio/mp4"
	case "webm":
		return "audio/webm"
	case "ogg", "oga", "opus":
		return "audio/ogg"
	case "flac":
		return "audio/flac"
	case "json":
		return "application/json"
	case "jsonl":
		return "application/jsonl"
	case "txt", "md":
		return "text/plain"
	case "pdf":
		return "application/pdf"
	case "png":
		return "image/png"
	case "jpg", "jpeg":
		return "image/jpeg"
	}
	return "application/octet-stream"
}

// optional returns the string fields present in args, in the order given.
func optional(args in.Args, names ...string) [][2]string {
	var out [][2]string
	for _, n := range names {
		if v, ok := args[n].(string); ok {
			out = append(out, [2]string{n, v})
		}
	}
	return out
}

func buildTranscription(args in.Args) (*in.Request, error) {
	content, _ := args["file_content"].([]byte)
	filename, _ := args["filename"].(string)
	data, ct, err := multipartBody(filename, content, formFields(args, "model", "language", "response_format"))
	if err != nil {
		return nil, fmt.Errorf("encoding multipart body: %w", err)
	}
	return &in.Request{Method: http.MethodPost, Path: "/audio/transcriptions", Header: http.Header{}, ContentType: ct, Body: data}, nil
}

func buildUpload(args in.Args) (*in.Request, error) {
	content, _ := args["file_content"].([]byte)
	filename, _ := args["filename"].(string)
	data, ct, err := multipartBody(filename, content, formFields(args, "purpose"))
	if err != nil {
		return nil, fmt.Errorf("encoding multipart body: %w", err)
	}
	return &in.Request{Method: http.MethodPost, Path: "/files", Header: http.Header{}, ContentType: ct, Body: data}, nil
}

// decodeTranscription returns text, srt and vtt bodies as { text = body };
// JSON formats as they are.
func decodeTranscription(resp *in.Response, args in.Args) (*in.Result, error) {
	switch args["response_format"] {
	case "text", "srt", "vtt":
		return &in.Result{Value: map[string]any{"text": string(resp.Body)}}, nil
	}
	return &in.Result{JSON: resp.Body}, nil
}

// decodeSpeech returns the audio as { audio_base64, content_type, format, size_bytes }.
func decodeSpeech(resp *in.Response, args in.Args) (*in.Result, error) {
	format, _ := args["response_format"].(string)
	if format == "" {
		format = "mp3"
	}
	ct := resp.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/json") {
		return nil, fmt.Errorf("audio expected, got %s", ct)
	}
	return &in.Result{Value: map[string]any{
		"audio_base64": base64.StdEncoding.EncodeToString(resp.Body),
		"content_type": ct,
		"format":       format,
		"size_bytes":   float64(len(resp.Body)),
	}}, nil
}
