package openaitest

import (
	"math"
	"unicode/utf8"
)

// speechRate is the sample rate of the fake's synthesized speech (that of
// the real API's wav and pcm output): 24 kHz, mono, 16-bit.
const speechRate = 24000

// maxSpeechSeconds caps the length of synthesized audio (10 minutes).
const maxSpeechSeconds = 600

// speechSeconds is how long the fake "speaks" a text: 0.3 s plus 60 ms per
// character (about 16 characters a second, a normal speaking rate), divided
// by the speed, capped at maxSpeechSeconds.
func speechSeconds(text string, speed float64) float64 {
	if speed <= 0 {
		speed = 1
	}
	s := (0.3 + 0.06*float64(utf8.RuneCountInString(text))) / speed
	return min(s, maxSpeechSeconds)
}

// synthesize renders text as audible, deterministic tones: each word gets a
// stretch of time in proportion to its length and a pitch (between 180 and
// 720 Hz) from the hash of the voice and the word, with a short pause after
// it and soft edges against clicks. A text without words is one tone.
func synthesize(text, voice string, speed float64) []int16 {
	n := int(math.Round(speechSeconds(text, speed) * speechRate))
	out := make([]int16, n)
	ws := words(text)
	if len(ws) == 0 {
		ws = []string{text}
	}
	total := 0
	for _, w := range ws {
		total += utf8.RuneCountInString(w) + 1
	}
	const amplitude = 0.3 * math.MaxInt16
	fade := speechRate / 200 // 5 ms
	pos := 0
	for i, w := range ws {
		share := utf8.RuneCountInString(w) + 1
		length := n * share / total
		if i == len(ws)-1 {
			length = n - pos
		}
		tone := length * 85 / 100 // then 15% pause
		freq := 180 + float64(hash64(voice+"\x00"+w)%541)
		step := 2 * math.Pi * freq / speechRate
		for k := 0; k < tone; k++ {
			env := 1.0
			if k < fade {
				env = float64(k) / float64(fade)
			} else if tone-k < fade {
				env = float64(tone-k) / float64(fade)
			}
			out[pos+k] = int16(amplitude * env * math.Sin(step*float64(k)))
		}
		pos += length
	}
	return out
}
