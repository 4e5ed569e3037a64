package openaitest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // decodeAny reads PNG
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/webp"
)

// beforeRemoval is a day when DALL·E and gpt-image-1 were still served.
var beforeRemoval = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// decodeAny decodes a PNG, JPEG or WebP picture.
func decodeAny(t *testing.T, data []byte) (image.Image, string) {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	return img, format
}

func TestImageGenerations(t *testing.T) {
	before := newTestServer(t, WithClock(func() time.Time { return beforeRemoval }))
	today := newTestServer(t)
	// gpt-image-1.5 shuts down on 2026-12-01: its own case runs the day before.
	lastDay := newTestServer(t, WithDate("2026-11-30"))
	tests := []struct {
		name          string
		s             *Server
		req           map[string]any
		n, w, h       int
		url, revision bool
		format        string
	}{
		{"dall-e-2 defaults", before, map[string]any{"prompt": "a red fox"}, 1, 1024, 1024, true, false, "png"},
		{"dall-e-2 b64 and n", before, map[string]any{"prompt": "a red fox", "n": 3, "size": "256x256", "response_format": "b64_json"}, 3, 256, 256, false, false, "png"},
		{"dall-e-3", before, map[string]any{"prompt": "a castle", "model": "dall-e-3", "size": "1792x1024", "quality": "hd", "style": "natural"}, 1, 1792, 1024, true, true, "png"},
		{"gpt-image-1", before, map[string]any{"prompt": "x", "model": "gpt-image-1", "size": "1024x1536", "quality": "low"}, 1, 1024, 1536, false, false, "png"},
		{"gpt-image-2 auto size", today, map[string]any{"prompt": "x", "model": "gpt-image-2", "size": "auto"}, 1, 1024, 1024, false, false, "png"},
		{"gpt-image-2 custom size and n", today, map[string]any{"prompt": "x", "model": "gpt-image-2", "size": "1536x864", "n": 2, "quality": "low"}, 2, 1536, 864, false, false, "png"},
		{"gpt-image-2 largest", today, map[string]any{"prompt": "x", "model": "gpt-image-2", "size": "3840x2160"}, 1, 3840, 2160, false, false, "png"},
		{"gpt-image-2 tall", today, map[string]any{"prompt": "x", "model": "gpt-image-2", "size": "1024x3072", "output_format": "jpeg"}, 1, 1024, 3072, false, false, "jpeg"},
		{"gpt-image-2 webp", today, map[string]any{"prompt": "x", "model": "gpt-image-2", "size": "1536x1024", "quality": "high", "output_format": "webp"}, 1, 1536, 1024, false, false, "webp"},
		{"gpt-image-1.5 until its removal", lastDay, map[string]any{"prompt": "x", "model": "gpt-image-1.5", "size": "1024x1024"}, 1, 1024, 1024, false, false, "png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			r := postJSON(t, s, "/v1/images/generations", tt.req, authHeaders())
			m := ok(t, r)
			conformsTo(t, "ImagesResponse", r.body)
			requireKeys(t, m, "created", "data")
			data := arr(t, m["data"])
			require.Len(t, data, tt.n)
			var first []byte
			for i, d := range data {
				d := obj(t, d)
				var img []byte
				if tt.url {
					require.NotContains(t, d, "b64_json")
					u := d["url"].(string)
					require.True(t, strings.HasPrefix(u, s.URL+"/v1/_fake/images/img-"), u)
					res, err := s.Client().Get(u) // no key needed, like the real CDN
					require.NoError(t, err)
					var buf bytes.Buffer
					_, err = buf.ReadFrom(res.Body)
					require.NoError(t, err)
					res.Body.Close()
					require.Equal(t, http.StatusOK, res.StatusCode)
					require.Equal(t, "image/png", res.Header.Get("Content-Type"))
					img = buf.Bytes()
				} else {
					require.NotContains(t, d, "url")
					var err error
					img, err = base64.StdEncoding.DecodeString(d["b64_json"].(string))
					require.NoError(t, err)
				}
				full, format := decodeAny(t, img)
				assert.Equal(t, tt.format, format)
				assert.Equal(t, tt.w, full.Bounds().Dx())
				assert.Equal(t, tt.h, full.Bounds().Dy())
				if tt.revision {
					assert.Equal(t, "A clear, detailed picture of: "+tt.req["prompt"].(string), d["revised_prompt"])
				} else {
					assert.NotContains(t, d, "revised_prompt")
				}
				if i == 0 {
					first = img
				} else {
					assert.NotEqual(t, first, img, "the n pictures differ")
				}
			}
			if model, _ := tt.req["model"].(string); strings.HasPrefix(model, "gpt-image") {
				requireKeys(t, m, "usage", "output_format", "quality", "background")
				assert.Equal(t, tt.format, m["output_format"])
				if size := fmt.Sprintf("%dx%d", tt.w, tt.h); size == "1024x1024" || size == "1536x1024" || size == "1024x1536" {
					assert.Equal(t, size, m["size"])
				} else {
					assert.NotContains(t, m, "size", "the spec's answer names standard sizes only")
				}
				if q, ok := tt.req["quality"]; ok {
					assert.Equal(t, q, m["quality"])
				}
			}
		})
	}
}

// TestImageTransparentWebP: a transparent background is an alpha channel,
// in a WebP x/image decodes.
func TestImageTransparentWebP(t *testing.T) {
	s := newTestServer(t)
	m := ok(t, postJSON(t, s, "/v1/images/generations", map[string]any{"prompt": "a lantern", "model": "gpt-image-2",
		"quality": "high", "size": "1536x1024", "output_format": "webp", "background": "transparent"}, authHeaders()))
	assert.Equal(t, "transparent", m["background"])
	data, err := base64.StdEncoding.DecodeString(obj(t, arr(t, m["data"])[0])["b64_json"].(string))
	require.NoError(t, err)
	img, err := webp.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 1536, 1024), img.Bounds())
	_, _, _, corner := img.At(0, 0).RGBA()
	assert.Zero(t, corner, "the background is transparent")
	opaque := 0
	for y := 0; y < 1024; y += 8 {
		for x := 0; x < 1536; x += 8 {
			if _, _, _, a := img.At(x, y).RGBA(); a == 0xffff {
				opaque++
			}
		}
	}
	assert.Positive(t, opaque, "the picture itself is opaque")
	assert.Less(t, len(data), 64<<10, "flat pictures stay small")
}

// TestImageRemovedModels: a removed model is a 404 model_not_found, from
// the day the image table says; no model is dall-e-2, as on the API.
func TestImageRemovedModels(t *testing.T) {
	s := newTestServer(t)
	for _, model := range []string{"", "dall-e-2", "dall-e-3", "gpt-image-1"} {
		t.Run(model, func(t *testing.T) {
			req := map[string]any{"prompt": "a castle"}
			name := "dall-e-2"
			if model != "" {
				req["model"], name = model, model
			}
			r := postJSON(t, s, "/v1/images/generations", req, authHeaders())
			require.Equal(t, http.StatusNotFound, r.status, "body: %s", r.body)
			e := r.apiError(t)
			assert.Equal(t, "model_not_found", e["code"])
			assert.Equal(t, "The model `"+name+"` does not exist or you do not have access to it.", e["message"])
		})
	}
	t.Run("served WithRetiredModels", func(t *testing.T) {
		old := newTestServer(t, WithRetiredModels())
		ok(t, postJSON(t, old, "/v1/images/generations", map[string]any{"prompt": "x", "model": "dall-e-3", "quality": "hd"}, authHeaders()))
		ok(t, postJSON(t, old, "/v1/images/generations", map[string]any{"prompt": "x", "size": "256x256"}, authHeaders()))
	})
	t.Run("gpt-image-1.5 from 2026-12-01", func(t *testing.T) {
		day := func(d string) func() time.Time {
			return func() time.Time { tm, _ := time.Parse(time.DateOnly, d); return tm }
		}
		req := map[string]any{"prompt": "x", "model": "gpt-image-1.5", "size": "1024x1024", "quality": "low"}
		ok(t, postJSON(t, newTestServer(t, WithClock(day("2026-11-30"))), "/v1/images/generations", req, authHeaders()))
		r := postJSON(t, newTestServer(t, WithClock(day("2026-12-01"))), "/v1/images/generations", req, authHeaders())
		require.Equal(t, http.StatusNotFound, r.status)
	})
}

// TestImageGPTRefusals: what GPT image models refuse, as the API does.
func TestImageGPTRefusals(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name, param, code string
		req               map[string]any
	}{
		{"hd quality", "quality", "invalid_value", map[string]any{"quality": "hd"}},
		{"standard quality", "quality", "invalid_value", map[string]any{"quality": "standard"}},
		{"response_format", "response_format", "unknown_parameter", map[string]any{"response_format": "url"}},
		{"style", "style", "unknown_parameter", map[string]any{"style": "vivid"}},
		{"transparent jpeg", "background", "invalid_value", map[string]any{"background": "transparent", "output_format": "jpeg"}},
		{"not multiples of 16", "size", "invalid_value", map[string]any{"size": "1000x1000"}},
		{"ratio over 3:1", "size", "invalid_value", map[string]any{"size": "3200x1024"}},
		{"over 3840x2160", "size", "invalid_value", map[string]any{"size": "3856x2160"}},
		{"too many pixels", "size", "invalid_value", map[string]any{"size": "2400x3840"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req["prompt"], tt.req["model"] = "x", "gpt-image-2"
			r := postJSON(t, s, "/v1/images/generations", tt.req, authHeaders())
			require.Equal(t, http.StatusBadRequest, r.status, "body: %s", r.body)
			e := r.apiError(t)
			assert.Equal(t, tt.param, e["param"])
			assert.Equal(t, tt.code, e["code"])
		})
	}
}

func TestImageDeterministic(t *testing.T) {
	s := newTestServer(t)
	get := func(prompt string) string {
		m := ok(t, postJSON(t, s, "/v1/images/generations",
			map[string]any{"prompt": prompt, "model": "gpt-image-2", "size": "64x64"}, authHeaders()))
		return obj(t, arr(t, m["data"])[0])["b64_json"].(string)
	}
	assert.Equal(t, get("a boat"), get("a boat"))
	assert.NotEqual(t, get("a boat"), get("a tree"))
}

func TestImageJPEG(t *testing.T) {
	s := newTestServer(t)
	m := ok(t, postJSON(t, s, "/v1/images/generations", map[string]any{"prompt": "x", "model": "gpt-image-2",
		"size": "64x48", "output_format": "jpeg", "output_compression": 50}, authHeaders()))
	img, err := base64.StdEncoding.DecodeString(obj(t, arr(t, m["data"])[0])["b64_json"].(string))
	require.NoError(t, err)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(img))
	require.NoError(t, err)
	assert.Equal(t, 64, cfg.Width)
	assert.Equal(t, "jpeg", m["output_format"])
}

func TestImageURLUnknown(t *testing.T) {
	s := newTestServer(t)
	r := call(t, s, http.MethodGet, "/v1/_fake/images/img-nothing.png", nil, nil)
	require.Equal(t, http.StatusNotFound, r.status)
	r.apiError(t)
}
