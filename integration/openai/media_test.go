package openai_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/webp"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
)

// mediaHost is a host whose default account talks to a fresh fake with
// the given account settings.
func mediaHost(t *testing.T, settings map[string]string) (*kosmo.Host, *openaitest.Server) {
	t.Helper()
	fake := openaitest.NewServer()
	t.Cleanup(fake.Close)
	return kosmo.New(kosmo.Options{Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{
		{Name: "default", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: fake.BaseURL(), Settings: settings},
	}}}}), fake
}

// TestTransparentWebPThroughLua: the call returns a real WebP of
// the size asked, whose background is transparent, decoded here.
func TestTransparentWebPThroughLua(t *testing.T) {
	host, _ := mediaHost(t, nil)
	res, err := host.Run(context.Background(), "webp.lua", `
		local r = app.integrations.openai.openai_create_image{ model = "gpt-image-2", prompt = "A paper lantern",
			quality = "high", size = "1536x1024", output_format = "webp", background = "transparent" }
		return r.data[1].b64_json, r.data[1].mime_type`)
	require.NoError(t, err)
	require.Len(t, res.Values, 2)
	assert.Equal(t, "image/webp", res.Values[1])
	data, err := base64.StdEncoding.DecodeString(res.Values[0].(string))
	require.NoError(t, err)
	img, err := webp.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 1536, 1024), img.Bounds())
	transparent, opaque := 0, 0
	for y := 0; y < 1024; y += 16 {
		for x := 0; x < 1536; x += 16 {
			switch _, _, _, a := img.At(x, y).RGBA(); a {
			case 0:
				transparent++
			case 0xffff:
				opaque++
			}
		}
	}
	assert.Positive(t, transparent, "a transparent background")
	assert.Positive(t, opaque, "and a picture on it")
	_, _, _, corner := img.At(0, 0).RGBA()
	assert.Zero(t, corner)
}

// TestMediaModelsNone: with media_models = none the table is not
// consulted: the server's own answer reaches the script.
func TestMediaModelsNone(t *testing.T) {
	tests := []struct {
		setting, want string
		sent          int
	}{
		{"table", "gpt-image-2 takes low, medium, high or auto; 'hd' is a dall-e-3 value", 0},
		{"none", "Invalid value: 'hd'", 1},
	}
	for _, tt := range tests {
		t.Run(tt.setting, func(t *testing.T) {
			host, fake := mediaHost(t, map[string]string{openai.SettingMediaModels: tt.setting})
			_, err := host.Run(context.Background(), "hd.lua",
				`app.integrations.openai.openai_create_image{ model = "gpt-image-2", prompt = "x", quality = "hd" }`)
			var se *luabridge.ScriptError
			require.ErrorAs(t, err, &se)
			assert.Contains(t, se.Error(), tt.want)
			assert.Len(t, fake.Requests(), tt.sent)
		})
	}
}

// TestImageWithoutModelIsNoted: a call without model generates with
// gpt-image-2, and the call log says why.
func TestImageWithoutModelIsNoted(t *testing.T) {
	host, fake := mediaHost(t, nil)
	res, err := host.Run(context.Background(), "default.lua",
		`return app.integrations.openai.openai_create_image{ prompt = "a red fox" }.data[1].mime_type`)
	require.NoError(t, err)
	assert.Equal(t, []any{"image/png"}, res.Values)
	require.Len(t, res.Calls, 1)
	assert.Equal(t, []string{"openai_create_image: no model named: sent gpt-image-2 (the API's default, dall-e-2, was removed on 2026-05-12)"},
		res.Calls[0].Notes)
	require.Len(t, fake.Requests(), 1)
	assert.Contains(t, string(fake.Requests()[0].Body), `"model":"gpt-image-2"`)
}
