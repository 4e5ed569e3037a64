package openaitest

import (
	"bytes"
	"encoding/binary"
)

// fakeSoftware marks the audio files made by this fake (WAV ISFT, ID3 TSSE,
// Opus and FLAC vendor strings); only marked files are transcribed back to
// their embedded text.
const fakeSoftware = "kosmo openaitest"

// encodeWAV writes a RIFF/WAVE file: PCM 16-bit mono at speechRate, with a
// LIST/INFO chunk holding the software mark (ISFT) and the spoken text
// (ICMT) before the data chunk.
func encodeWAV(samples []int16, text string) []byte {
	var info bytes.Buffer
	info.WriteString("INFO")
	writeChunk(&info, "ISFT", append([]byte(fakeSoftware), 0))
	writeChunk(&info, "ICMT", append([]byte(text), 0))

	var fmtChunk bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&fmtChunk, le, struct {
		Format, Channels      uint16
		Rate, ByteRate        uint32
		BlockAlign, BitsPerSm uint16
	}{1, 1, speechRate, speechRate * 2, 2, 16})

	var body bytes.Buffer
	body.WriteString("WAVE")
	writeChunk(&body, "fmt ", fmtChunk.Bytes())
	writeChunk(&body, "LIST", info.Bytes())
	pcm := pcmBytes(samples)
	writeChunk(&body, "data", pcm)

	var out bytes.Buffer
	out.Grow(8 + body.Len())
	out.WriteString("RIFF")
	_ = binary.Write(&out, le, uint32(body.Len()))
	out.Write(body.Bytes())
	return out.Bytes()
}

// writeChunk appends a RIFF chunk, padded to an even length.
func writeChunk(b *bytes.Buffer, id string, data []byte) {
	b.WriteString(id)
	_ = binary.Write(b, binary.LittleEndian, uint32(len(data)))
	b.Write(data)
	if len(data)%2 == 1 {
		b.WriteByte(0)
	}
}

// pcmBytes is samples as little-endian 16-bit PCM, the real API's "pcm".
func pcmBytes(samples []int16) []byte {
	b := make([]byte, 2*len(samples))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(s))
	}
	return b
}

// wavInfo is what readWAV finds in a RIFF/WAVE file.
type wavInfo struct {
	format, channels, bits uint16
	rate, byteRate         uint32
	dataLen                int
	info                   map[string][]byte // LIST/INFO entries, raw
}

// seconds is the duration of the data chunk.
func (w wavInfo) seconds() float64 {
	if w.byteRate == 0 {
		return 0
	}
	return float64(w.dataLen) / float64(w.byteRate)
}

// readWAV parses a RIFF/WAVE file's chunks. It never panics: truncated
// chunks are cut at the end of the data.
func readWAV(b []byte) (wavInfo, bool) {
	w := wavInfo{info: map[string][]byte{}}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return w, false
	}
	le := binary.LittleEndian
	sawFmt := false
	forEachChunk(b[12:], func(id string, data []byte) {
		switch id {
		case "fmt ":
			if len(data) >= 16 {
				w.format, w.channels = le.Uint16(data), le.Uint16(data[2:])
				w.rate, w.byteRate = le.Uint32(data[4:]), le.Uint32(data[8:])
				w.bits = le.Uint16(data[14:])
				sawFmt = true
			}
		case "data":
			w.dataLen = len(data)
		case "LIST":
			if len(data) >= 4 && string(data[:4]) == "INFO" {
				forEachChunk(data[4:], func(id string, v []byte) { w.info[id] = v })
			}
		}
	})
	return w, sawFmt
}

// forEachChunk walks RIFF chunks (id, little-endian size, data, pad byte).
func forEachChunk(b []byte, fn func(id string, data []byte)) {
	for len(b) >= 8 {
		id := string(b[:4])
		size := uint64(binary.LittleEndian.Uint32(b[4:8]))
		b = b[8:]
		if size > uint64(len(b)) {
			size = uint64(len(b))
		}
		fn(id, b[:size])
		b = b[size:]
		if size%2 == 1 && len(b) > 0 {
			b = b[1:]
		}
	}
}

// wavText returns the text embedded by encodeWAV, if b is such a file.
func wavText(b []byte) (string, float64, bool) {
	w, ok := readWAV(b)
	if !ok || string(bytes.TrimRight(w.info["ISFT"], "\x00")) != fakeSoftware {
		return "", 0, false
	}
	cmt, ok := w.info["ICMT"]
	if !ok {
		return "", 0, false
	}
	return string(bytes.TrimSuffix(cmt, []byte{0})), w.seconds(), true
}
