package openaitest

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strconv"
)

// imagePathPrefix is where generated images are served, without auth, for
// response_format "url".
const imagePathPrefix = "/v1/_fake/images/"

// maxStoredImages bounds the images kept for their URLs; the oldest go
// first (real URLs expire too, after an hour).
const maxStoredImages = 256

// imageLimits describes what an image model of the model table accepts.
type imageLimits struct {
	maxN      int64
	maxPrompt int
	gpt       bool // gpt-image family: always b64_json, reports usage
	revises   bool // dall-e-3: adds revised_prompt
}

// maxImagePixels bounds n × width × height of one request.
const maxImagePixels = 4096 * 4096

type imagesResponse struct {
	Created      int64        `json:"created"`
	Data         []imageData  `json:"data"`
	Background   string       `json:"background,omitempty"`
	OutputFormat string       `json:"output_format,omitempty"`
	Size         string       `json:"size,omitempty"`
	Quality      string       `json:"quality,omitempty"`
	Usage        *imagesUsage `json:"usage,omitempty"`
}

type imageData struct {
	URL           string `json:"url,omitempty"`
	B64JSON       string `json:"b64_json,omitempty"`
	RevisedPrompt string `json:"revised_prompt,omitempty"`
}

type imagesUsage struct {
	InputTokens        int              `json:"input_tokens"`
	OutputTokens       int              `json:"output_tokens"`
	TotalTokens        int              `json:"total_tokens"`
	InputTokensDetails imageTokenDetail `json:"input_tokens_details"`
}

type imageTokenDetail struct {
	TextTokens  int `json:"text_tokens"`
	ImageTokens int `json:"image_tokens"`
}

func (h *Handler) imageGenerations(w http.ResponseWriter, r *http.Request) error {
	body, _ := io.ReadAll(r.Body)
	c := &checker{}
	o := c.parseBody(body)
	o.require("prompt")
	o.only("prompt", "model", "n", "quality", "response_format", "output_format", "output_compression",
		"stream", "partial_images", "size", "moderation", "background", "style", "user")
	prompt := o.reqStr("prompt")
	// Without a model (or with null) the real API still uses dall-e-2; an
	// empty name is refused as any name that is not an image model.
	modelName, given := o.str("model")
	if !given {
		modelName = "dall-e-2"
	}
	n := o.intIn("n", 1, 1, 10)
	quality := o.enum("quality", "auto", "standard", "hd", "low", "medium", "high", "auto")
	respFormat := o.enum("response_format", "url", "url", "b64_json")
	outFormat := o.enum("output_format", "png", "png", "jpeg", "webp")
	compression := o.intIn("output_compression", 100, 0, 100)
	sizeStr, _ := o.str("size")
	o.enum("moderation", "auto", "low", "auto")
	background := o.enum("background", "auto", "transparent", "opaque", "auto")
	o.enum("style", "vivid", "vivid", "natural")
	o.str("user")
	if o.boolean("stream", false) {
		c.fail(unsupported("stream", "Streaming image generation"))
	}
	o.intIn("partial_images", 0, 0, 3)
	if c.failed() {
		return c.Err()
	}
	entry, err := h.modelFor(imagesEndpoint, modelName)
	if err != nil {
		return err
	}
	model := entry.image
	o.strLen("prompt", prompt, 1, model.maxPrompt)
	if c.failed() {
		return c.Err()
	}
	if n > model.maxN {
		return invalidRequest("n", "integer_above_max_value",
			"Invalid 'n': integer above maximum value. Expected a value <= %d for model '%s', but got %d instead.", model.maxN, modelName, n)
	}
	if !model.gpt && (o.has("output_format") || o.has("background") || o.has("output_compression")) {
		return invalidRequest("output_format", "",
			"The 'output_format', 'output_compression' and 'background' parameters are only supported for gpt-image models.")
	}
	if model.gpt {
		for _, p := range []string{"response_format", "style"} {
			if o.has(p) {
				return invalidRequest(p, "unknown_parameter",
					"Unknown parameter: '%s'. gpt-image models always return base64-encoded images.", p)
			}
		}
	}
	width, height, err := imageSize(modelName, sizeStr, quality)
	if err != nil {
		return err
	}
	if background == "transparent" && outFormat == "jpeg" {
		return invalidRequest("background", "invalid_value",
			"Transparent background is not supported for output format 'jpeg'. Use 'png' or 'webp'.")
	}
	if n*int64(width)*int64(height) > maxImagePixels {
		return invalidRequest("size", "invalid_value",
			"Invalid 'size': n × width × height may not exceed %d pixels in the kosmo OpenAI fake.", maxImagePixels)
	}

	resp := imagesResponse{Created: h.cfg.now().Unix(), Data: make([]imageData, 0, n)}
	for i := range int(n) {
		if r.Context().Err() != nil {
			return nil // the client went away: nobody to answer
		}
		img := drawPicture(prompt, i, width, height, model.gpt && background == "transparent")
		data, err := encodeImage(img, outFormat, int(compression))
		if err != nil {
			return err
		}
		var d imageData
		if model.gpt || respFormat == "b64_json" {
			d.B64JSON = base64.StdEncoding.EncodeToString(data)
		} else {
			id := newID("img-") + ".png"
			h.storeImage(id, data)
			d.URL = requestOrigin(r) + imagePathPrefix + id
		}
		if model.revises {
			d.RevisedPrompt = "A clear, detailed picture of: " + prompt
		}
		resp.Data = append(resp.Data, d)
	}
	if model.gpt {
		resp.OutputFormat = outFormat
		resp.Background = "opaque"
		if background == "transparent" {
			resp.Background = "transparent"
		}
		resp.Quality = map[string]string{"low": "low", "high": "high", "hd": "high"}[quality]
		if resp.Quality == "" {
			resp.Quality = "medium"
		}
		// The answer's size names the standard sizes only (the spec's enum);
		// a custom size is in the image itself.
		if s := strconv.Itoa(width) + "x" + strconv.Itoa(height); s == "1024x1024" || s == "1024x1536" || s == "1536x1024" {
			resp.Size = s
		}
		text := CountTokens(prompt)
		out := int(n) * (width * height / 4096) // about one token per 64×64 tile
		resp.Usage = &imagesUsage{InputTokens: text, OutputTokens: out, TotalTokens: text + out,
			InputTokensDetails: imageTokenDetail{TextTokens: text}}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// requestOrigin is the scheme and host the client used to reach the fake.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// drawPicture paints a deterministic picture for a prompt at the size
// asked: horizontal bands stepping between two colours taken from the
// prompt's hash (32 steps top to bottom), with an 8×8 grid of blocks, some
// filled with a third colour. With transparent, the bands are transparent
// (alpha 0) and only the blocks are painted. Flat regions keep every format
// small in bytes at any size. Picture i of a request differs from the
// others.
func drawPicture(prompt string, i, width, height int, transparent bool) *image.NRGBA {
	seed := hash64(prompt + "\x00" + strconv.Itoa(i))
	col := func(k uint) (uint8, uint8, uint8) {
		return uint8(seed >> k), uint8(seed >> (k + 8)), uint8(seed >> (k + 16))
	}
	r0, g0, b0 := col(0)
	r1, g1, b1 := col(24)
	r2, g2, b2 := col(40)
	blocks := splitmix64(seed)
	img := image.NewNRGBA(image.Rect(0, 0, width, height))
	const steps = 32
	lerp := func(a, b uint8, t int) uint8 { return uint8((int(a)*(steps-1-t) + int(b)*t) / (steps - 1)) }
	for y := range height {
		row := img.Pix[y*img.Stride : y*img.Stride+4*width]
		by := y * 8 / height
		t := y * steps / height
		for x := range width {
			p := row[4*x : 4*x+4]
			bx := x * 8 / width
			if blocks>>(uint(by*8+bx))&1 == 1 && (x*8%width) > width/16 && (y*8%height) > height/16 {
				p[0], p[1], p[2], p[3] = r2, g2, b2, 255
				continue
			}
			if !transparent {
				p[0], p[1], p[2], p[3] = lerp(r0, r1, t), lerp(g0, g1, t), lerp(b0, b1, t), 255
			}
		}
	}
	return img
}

// encodeImage encodes a picture as PNG (fast compression), JPEG or
// lossless WebP.
func encodeImage(img *image.NRGBA, format string, quality int) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch format {
	case "webp":
		return encodeWebP(img), nil
	case "jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: max(quality, 1)})
	default:
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		err = enc.Encode(&buf, img)
	}
	return buf.Bytes(), err
}

// storeImage keeps a generated PNG for its URL, evicting the oldest beyond
// maxStoredImages.
func (h *Handler) storeImage(id string, data []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := &h.state
	s.images[id] = data
	s.imageOrder = append(s.imageOrder, id)
	if len(s.imageOrder) > maxStoredImages {
		delete(s.images, s.imageOrder[0])
		s.imageOrder = s.imageOrder[1:]
	}
}

// serveImage answers GET /v1/_fake/images/{name} with a stored PNG.
func (h *Handler) serveImage(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	h.mu.Lock()
	data, ok := h.state.images[name]
	h.mu.Unlock()
	if !ok {
		return notFound("No image found with id '%s'. Image URLs of the fake last for the %d most recent images.", name, maxStoredImages)
	}
	writeBytes(w, http.StatusOK, "image/png", data)
	return nil
}
