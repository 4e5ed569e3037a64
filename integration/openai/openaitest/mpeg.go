package openaitest

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"unicode/utf16"
)

// id3TextKey is the description of the ID3 TXXX frame holding the spoken
// text in MP3 and AAC files made by the fake.
const id3TextKey = "kosmo:input"

// MP3: MPEG-1 Layer III, 48 kHz, 32 kbit/s, mono. Each frame is 96 bytes
// (144 × 32000 / 48000, no padding needed) and lasts 1152 samples (24 ms).
// A frame whose side information is all zeros has no Huffman data and
// decodes as silence.
const (
	mp3FrameLen     = 96
	mp3FrameSeconds = 1152.0 / 48000
)

var mp3Header = [4]byte{0xFF, 0xFB, 0x14, 0xC4} // sync, MPEG-1, Layer III, no CRC; 32 kbit/s, 48 kHz; mono, original

// encodeMP3 writes an ID3v2.3 tag with the text, then silent frames lasting
// seconds.
func encodeMP3(text string, seconds float64) []byte {
	frames := int(math.Ceil(seconds / mp3FrameSeconds))
	var b bytes.Buffer
	b.Write(id3Tag(text, seconds))
	frame := make([]byte, mp3FrameLen)
	copy(frame, mp3Header[:])
	for range frames {
		b.Write(frame)
	}
	return b.Bytes()
}

// AAC: ADTS frames of AAC-LC, 24 kHz, mono, each 1024 samples. The raw
// data block is one single-channel element with max_sfb 0 (no spectral
// data, so silence) followed by the END element: 32 bits in all.
var (
	adtsHeader   = [7]byte{0xFF, 0xF1, 0x58, 0x40, 0x01, 0x7F, 0xFC} // MPEG-4, no CRC, LC, 24 kHz, 1 channel, length 11
	aacSilence   = [4]byte{0x00, 0xC8, 0x00, 0x07}                   // SCE tag 0, global_gain 100, max_sfb 0, END
	aacFrameSecs = 1024.0 / speechRate
)

// encodeAAC writes an ID3v2.3 tag with the text (as HLS does for ADTS
// streams), then silent ADTS frames lasting seconds.
func encodeAAC(text string, seconds float64) []byte {
	frames := int(math.Ceil(seconds / aacFrameSecs))
	var b bytes.Buffer
	b.Write(id3Tag(text, seconds))
	for range frames {
		b.Write(adtsHeader[:])
		b.Write(aacSilence[:])
	}
	return b.Bytes()
}

// id3Tag builds an ID3v2.3 tag with TSSE (the fake's mark), TLEN (the
// duration in milliseconds) and a TXXX frame holding text in UTF-16, which
// ID3v2.3 needs for text beyond Latin-1.
func id3Tag(text string, seconds float64) []byte {
	var frames bytes.Buffer
	id3Frame(&frames, "TSSE", append([]byte{0}, fakeSoftware...))
	id3Frame(&frames, "TLEN", append([]byte{0}, strconv.Itoa(int(math.Round(seconds*1000)))...))
	txxx := []byte{1}
	txxx = append(txxx, utf16WithBOM(id3TextKey)...)
	txxx = append(txxx, 0, 0)
	txxx = append(txxx, utf16WithBOM(text)...)
	id3Frame(&frames, "TXXX", txxx)

	size := frames.Len()
	tag := []byte{'I', 'D', '3', 3, 0, 0,
		byte(size >> 21 & 0x7F), byte(size >> 14 & 0x7F), byte(size >> 7 & 0x7F), byte(size & 0x7F)}
	return append(tag, frames.Bytes()...)
}

func id3Frame(b *bytes.Buffer, id string, data []byte) {
	b.WriteString(id)
	_ = binary.Write(b, binary.BigEndian, uint32(len(data)))
	b.Write([]byte{0, 0})
	b.Write(data)
}

func utf16WithBOM(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2+2*len(u))
	b[0], b[1] = 0xFF, 0xFE
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2+2*i:], c)
	}
	return b
}

// decodeUTF16 reads UTF-16 text with an optional BOM (little-endian without).
func decodeUTF16(b []byte) string {
	order := binary.ByteOrder(binary.LittleEndian)
	if len(b) >= 2 {
		switch {
		case b[0] == 0xFF && b[1] == 0xFE:
			b = b[2:]
		case b[0] == 0xFE && b[1] == 0xFF:
			order, b = binary.BigEndian, b[2:]
		}
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// id3Text returns the text and duration that id3Tag put at the start of b,
// if b starts with such a tag. Only ID3v2.3 tags marked by the fake count.
func id3Text(b []byte) (string, float64, bool) {
	if len(b) < 10 || string(b[:3]) != "ID3" || b[3] != 3 {
		return "", 0, false
	}
	size := int(b[6]&0x7F)<<21 | int(b[7]&0x7F)<<14 | int(b[8]&0x7F)<<7 | int(b[9]&0x7F)
	tag := b[10:]
	if size < len(tag) {
		tag = tag[:size]
	}
	var text, software string
	var seconds float64
	found := false
	for len(tag) >= 10 && tag[0] != 0 {
		id := string(tag[:4])
		n := uint64(binary.BigEndian.Uint32(tag[4:8]))
		tag = tag[10:]
		if n > uint64(len(tag)) {
			n = uint64(len(tag))
		}
		data := tag[:n]
		tag = tag[n:]
		if len(data) == 0 {
			continue
		}
		switch id {
		case "TSSE":
			software = string(bytes.TrimRight(data[1:], "\x00"))
		case "TLEN":
			if ms, err := strconv.Atoi(string(bytes.TrimRight(data[1:], "\x00"))); err == nil {
				seconds = float64(ms) / 1000
			}
		case "TXXX":
			if data[0] != 1 {
				continue
			}
			desc, value, ok := cutUTF16(data[1:])
			if ok && decodeUTF16(desc) == id3TextKey {
				text, found = decodeUTF16(value), true
			}
		}
	}
	if !found || software != fakeSoftware {
		return "", 0, false
	}
	return text, seconds, true
}

// cutUTF16 splits UTF-16 data at the first aligned 00 00 terminator.
func cutUTF16(b []byte) (before, after []byte, ok bool) {
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] == 0 {
			return b[:i], b[i+2:], true
		}
	}
	return nil, nil, false
}
