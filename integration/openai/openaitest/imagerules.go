package openaitest

import (
	"slices"

	"github.com/kosmo-run/kosmo/integration/openai/mediamodels"
)

// imageSize checks size and quality against the model's row of the image
// table and returns the picture's dimensions ("auto" and none: 1024x1024).
// A model the table does not know takes any WIDTHxHEIGHT up to 4096.
func imageSize(model, size, quality string) (int, int, error) {
	row, known := mediamodels.LookupImage(model)
	if known && quality != "" && !slices.Contains(row.Qualities, quality) {
		return 0, 0, invalidRequest("quality", "invalid_value",
			"Invalid value: '%s'. Supported values are: %s.", quality, quoteList(row.Qualities))
	}
	if size == "" || size == "auto" {
		if known && size == "auto" && !slices.Contains(row.Sizes, "auto") {
			return 0, 0, invalidSize(size, row)
		}
		return 1024, 1024, nil
	}
	w, h, ok := mediamodels.ParseSize(size)
	switch {
	case known && !row.SizeOK(size):
		return 0, 0, invalidSize(size, row)
	case !ok || w > 4096 || h > 4096:
		return 0, 0, invalidRequest("size", "invalid_value",
			"Invalid value: '%s'. Supported values are: 'auto' or 'WIDTHxHEIGHT'.", size)
	}
	return w, h, nil
}

func invalidSize(size string, row mediamodels.Image) *apiError {
	if row.CustomSizes {
		return invalidRequest("size", "invalid_value",
			"Invalid size '%s'. Supported values are: %s, or a custom size as %s.", size, quoteList(row.Sizes), mediamodels.CustomSizeRule)
	}
	return invalidRequest("size", "invalid_value", "Invalid value: '%s'. Supported values are: %s.", size, quoteList(row.Sizes))
}
