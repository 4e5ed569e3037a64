package openaitest

import (
	"bytes"
	"image"
	"image/color"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/webp"
)

// TestWebPRoundTrip: what encodeWebP writes, x/image/webp decodes to the
// same pixels, for pictures of one colour, of the fake's kind and of noise.
func TestWebPRoundTrip(t *testing.T) {
	noise := image.NewNRGBA(image.Rect(0, 0, 37, 23))
	seed := uint64(1)
	for i := range noise.Pix {
		seed = splitmix64(seed)
		noise.Pix[i] = uint8(seed)
	}
	flat := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for i := range flat.Pix {
		flat.Pix[i] = 0x80
	}
	one := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	one.Set(0, 0, color.NRGBA{R: 1, G: 2, B: 3, A: 255})
	tests := []struct {
		name string
		img  *image.NRGBA
	}{
		{"one pixel", one},
		{"flat", flat},
		{"noise", noise},
		{"opaque picture", drawPicture("a lake", 0, 1536, 1024, false)},
		{"transparent picture", drawPicture("a lake", 1, 1024, 1536, true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := encodeWebP(tt.img)
			got, err := webp.Decode(bytes.NewReader(data))
			require.NoError(t, err)
			require.Equal(t, tt.img.Bounds(), got.Bounds())
			nrgba, ok := got.(*image.NRGBA)
			require.True(t, ok, "%T", got)
			assert.True(t, bytes.Equal(tt.img.Pix, nrgba.Pix), "pixels differ")
			t.Logf("%dx%d: %d bytes", tt.img.Bounds().Dx(), tt.img.Bounds().Dy(), len(data))
		})
	}
}
