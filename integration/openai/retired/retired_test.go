package retired

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestGoneAndNote(t *testing.T) {
	cases := []struct {
		model, day string
		gone       bool
		note       string
	}{
		{"dall-e-3", "2026-05-12", true, "dall-e-3 was shut down on 2026-05-12"},
		{"dall-e-3", "2026-05-11", false, "dall-e-3 is scheduled to shut down on 2026-05-12"},
		{"gpt-image-1.5", "2026-11-30", false, "gpt-image-1.5 is scheduled to shut down on 2026-12-01"},
		{"gpt-image-1.5", "2026-12-01", true, "gpt-image-1.5 was shut down on 2026-12-01"},
		{"tts-1-hd", "2027-01-06", true, "tts-1-hd was shut down on 2027-01-06"},
		{"gpt-4-turbo", "2026-11-29", true, "gpt-4-turbo was shut down on 2026-10-23"},
		{"gpt-5", "2026-12-10", false, "gpt-5 is scheduled to shut down on 2026-12-11"},
		{"gpt-5", "2026-12-11", true, "gpt-5 was shut down on 2026-12-11"},
		{"gpt-4o", "2027-01-13", false, "gpt-4o is scheduled to shut down on 2027-01-14"},
		{"gpt-4o", "2027-01-14", true, "gpt-4o was shut down on 2027-01-14"},
		{"gpt-5.1", "2030-01-01", false, ""},
		{"whisper-1", "2030-01-01", false, ""},
		{"gpt-image-2", "2030-01-01", false, ""},
		{"text-embedding-3-small", "2030-01-01", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.model+"@"+tc.day, func(t *testing.T) {
			assert.Equal(t, tc.gone, Gone(tc.model, day(tc.day)))
			assert.Equal(t, tc.note, Note(tc.model, day(tc.day)))
		})
	}
}

func TestGoneReadsUTC(t *testing.T) {
	// 2027-01-13 23:30 in New York is 2027-01-14 in UTC: gpt-4o is gone.
	ny := time.FixedZone("EST", -5*3600)
	assert.True(t, Gone("gpt-4o", time.Date(2027, 1, 13, 23, 30, 0, 0, ny)))
}

func TestLast(t *testing.T) {
	assert.Equal(t, "2027-01-14", Last(), "gpt-4o, gpt-4o-mini, gpt-4.1 and gpt-4.1-mini")
}
