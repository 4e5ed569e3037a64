package mcpgateway

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// minMediaBase64 is the shortest base64 string taken out of an answer as an
// image or audio: shorter ones cost less as they are.
const minMediaBase64 = 64

// extractMedia returns v with each image (an object's b64_json, as the
// images API answers) and each audio (audio_base64, as
// openai_text_to_speech answers) replaced by a short note, and the images
// and audio as MCP content, numbered from first (the content's position
// after the text). The content given as have is kept in front.
func extractMedia(v any, first int, have ...mcp.Content) (any, []mcp.Content) {
	media := have
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				out[k] = walk(e)
			}
			if s, ok := x["b64_json"].(string); ok && len(s) >= minMediaBase64 {
				if data, err := base64.StdEncoding.DecodeString(s); err == nil {
					mime := imageType(data, x)
					media = append(media, &mcp.ImageContent{Data: data, MIMEType: mime})
					out["b64_json"] = fmt.Sprintf("[%s image, %d bytes: returned as image content %d of this answer]", mime, len(data), first+len(media)-len(have))
				}
			}
			if s, ok := x["audio_base64"].(string); ok && len(s) >= minMediaBase64 {
				if data, err := base64.StdEncoding.DecodeString(s); err == nil {
					mime, _ := x["content_type"].(string)
					if !strings.HasPrefix(mime, "audio/") {
						mime = "audio/mpeg"
					}
					media = append(media, &mcp.AudioContent{Data: data, MIMEType: mime})
					out["audio_base64"] = fmt.Sprintf("[%s audio, %d bytes: returned as audio content %d of this answer]", mime, len(data), first+len(media)-len(have))
				}
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		}
		return v
	}
	v = walk(v)
	return v, media
}

// imageType is an image's MIME type, from its bytes, else from the answer's
// output_format, else PNG (what the images API gives by default).
func imageType(data []byte, obj map[string]any) string {
	if t := http.DetectContentType(data); strings.HasPrefix(t, "image/") {
		return t
	}
	if f, ok := obj["output_format"].(string); ok && f != "" {
		return "image/" + f
	}
	return "image/png"
}
