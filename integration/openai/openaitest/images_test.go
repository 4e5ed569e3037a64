package openaitest

import (
	"bytes"
	"encoding/base64"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImageGenerations(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name          string
		req           map[string]any
		n, w, h       int
		url, revision bool
	}{
		{"defaults", map[string]any{"prompt": "a red fox"}, 1, 1024, 1024, true, false},
		{"b64 and n", map[string]any{"prompt": "a red fox", "n": 3, "size": "256x256", "response_format": "b64_json"}, 3, 256, 256, false, false},
		{"dall-e-3", map[string]any{"prompt": "a castle", "model": "dall-e-3", "size": "1792x1024", "quality": "hd", "style": "natural"}, 1, 1792, 1024, true, true},
		{"auto size", map[string]any{"prompt": "x", "size": "auto", "response_format": "b64_json"}, 1, 1024, 1024, false, false},
		{"odd size", map[string]any{"prompt": "x", "size": "33x17", "n": 2}, 2, 33, 17, true, false},
		{"gpt-image-1", map[string]any{"prompt": "x", "model": "gpt-image-1", "size": "1024x1536", "quality": "low"}, 1, 1024, 1536, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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
				cfg, err := png.DecodeConfig(bytes.NewReader(img))
				require.NoError(t, err)
				assert.Equal(t, tt.w, cfg.Width)
				assert.Equal(t, tt.h, cfg.Height)
				full, err := png.Decode(bytes.NewReader(img))
				require.NoError(t, err)
				assert.Equal(t, tt.w, full.Bounds().Dx())
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
			if tt.req["model"] == "gpt-image-1" {
				requireKeys(t, m, "usage", "output_format", "size", "quality", "background")
				assert.Equal(t, "low", m["quality"])
			}
		})
	}
}

func TestImageDeterministic(t *testing.T) {
	s := newTestServer(t)
	get := func(prompt string) string {
		m := ok(t, postJSON(t, s, "/v1/images/generations",
			map[string]any{"prompt": prompt, "size": "64x64", "response_format": "b64_json"}, authHeaders()))
		return obj(t, arr(t, m["data"])[0])["b64_json"].(string)
	}
	assert.Equal(t, get("a boat"), get("a boat"))
	assert.NotEqual(t, get("a boat"), get("a tree"))
}

func TestImageJPEG(t *testing.T) {
	s := newTestServer(t)
	m := ok(t, postJSON(t, s, "/v1/images/generations", map[string]any{"prompt": "x", "model": "gpt-image-1",
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
