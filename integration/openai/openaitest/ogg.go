package openaitest

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
)

// Ogg Opus (RFC 7845): an OpusHead page, an OpusTags page whose comments
// carry the fake's mark and the text (KOSMO_INPUT=...), then pages of 20 ms
// silent Opus packets. The packet F8 FF FE is a mono CELT full-band 20 ms
// frame that decoders render as silence.
var opusSilence = []byte{0xF8, 0xFF, 0xFE}

const (
	opusPreSkip     = 312
	opusPacketSamps = 960 // 20 ms at 48 kHz, Opus' granule clock
	opusTextKey     = "KOSMO_INPUT="
	oggSerial       = 0x6b6f736d // "kosm"
)

// encodeOggOpus writes seconds of silence with text in the tags.
func encodeOggOpus(text string, seconds float64) []byte {
	var b bytes.Buffer
	seq := uint32(0)
	page := func(flags byte, granule uint64, packets [][]byte) {
		writeOggPage(&b, flags, granule, seq, packets)
		seq++
	}

	head := []byte("OpusHead")
	head = append(head, 1, 1) // version, 1 channel
	head = binary.LittleEndian.AppendUint16(head, opusPreSkip)
	head = binary.LittleEndian.AppendUint32(head, speechRate) // input sample rate
	head = append(head, 0, 0, 0)                              // output gain, mapping family 0
	page(0x02, 0, [][]byte{head})

	page(0, 0, [][]byte{vorbisComments([]byte("OpusTags"), fakeSoftware, opusTextKey+text)})

	samples := uint64(math.Round(seconds * 48000))
	packets := int((samples + opusPreSkip + opusPacketSamps - 1) / opusPacketSamps)
	const perPage = 50 // one second of packets per page
	for start := 0; start < packets; start += perPage {
		n := min(perPage, packets-start)
		batch := make([][]byte, n)
		for i := range batch {
			batch[i] = opusSilence
		}
		granule := uint64(start+n) * opusPacketSamps
		flags := byte(0)
		if start+n == packets {
			flags = 0x04
			granule = samples + opusPreSkip
		}
		page(flags, granule, batch)
	}
	return b.Bytes()
}

// vorbisComments builds a comment block (as in OpusTags and FLAC's
// VORBIS_COMMENT): magic, vendor string, then the comments, lengths in
// little-endian 32 bits.
func vorbisComments(magic []byte, vendor string, comments ...string) []byte {
	b := append([]byte(nil), magic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vendor)))
	b = append(b, vendor...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(comments)))
	for _, c := range comments {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(c)))
		b = append(b, c...)
	}
	return b
}

// readVorbisComments parses what vorbisComments wrote (after the magic).
func readVorbisComments(b []byte) (vendor string, comments []string, ok bool) {
	next := func() ([]byte, bool) {
		if len(b) < 4 {
			return nil, false
		}
		n := uint64(binary.LittleEndian.Uint32(b))
		b = b[4:]
		if n > uint64(len(b)) {
			return nil, false
		}
		s := b[:n]
		b = b[n:]
		return s, true
	}
	v, ok := next()
	if !ok || len(b) < 4 {
		return "", nil, false
	}
	count := binary.LittleEndian.Uint32(b)
	b = b[4:]
	for i := uint32(0); i < count; i++ {
		c, ok := next()
		if !ok {
			return "", nil, false
		}
		comments = append(comments, string(c))
	}
	return string(v), comments, true
}

// writeOggPage writes one page holding whole packets (each packet must fit:
// the fake's packets are small, the tags below 64 KiB).
func writeOggPage(b *bytes.Buffer, flags byte, granule uint64, seq uint32, packets [][]byte) {
	var lacing []byte
	var body []byte
	for _, p := range packets {
		n := len(p)
		for n >= 255 {
			lacing = append(lacing, 255)
			n -= 255
		}
		lacing = append(lacing, byte(n))
		body = append(body, p...)
	}
	page := []byte("OggS")
	page = append(page, 0, flags)
	page = binary.LittleEndian.AppendUint64(page, granule)
	page = binary.LittleEndian.AppendUint32(page, oggSerial)
	page = binary.LittleEndian.AppendUint32(page, seq)
	page = append(page, 0, 0, 0, 0) // CRC, filled below
	page = append(page, byte(len(lacing)))
	page = append(page, lacing...)
	page = append(page, body...)
	binary.LittleEndian.PutUint32(page[22:], oggCRC(page))
	b.Write(page)
}

// oggCRC is Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, zero
// initial value and no final xor.
func oggCRC(b []byte) uint32 {
	var crc uint32
	for _, c := range b {
		crc ^= uint32(c) << 24
		for range 8 {
			if crc&0x80000000 != 0 {
				crc = crc<<1 ^ 0x04C11DB7
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// oggOpusText returns the text and duration of an Ogg Opus file made by the
// fake: it reassembles the packets of the first stream, reads OpusTags and
// the last granule position.
func oggOpusText(b []byte) (string, float64, bool) {
	var packets [][]byte
	var cur []byte
	var lastGranule uint64
	for len(b) >= 27 && string(b[:4]) == "OggS" {
		nseg := int(b[26])
		if len(b) < 27+nseg {
			break
		}
		lacing := b[27 : 27+nseg]
		body := b[27+nseg:]
		lastGranule = binary.LittleEndian.Uint64(b[6:])
		used := 0
		for _, l := range lacing {
			if used+int(l) > len(body) {
				return "", 0, false
			}
			cur = append(cur, body[used:used+int(l)]...)
			used += int(l)
			if l < 255 {
				packets = append(packets, cur)
				cur = nil
			}
		}
		b = body[used:]
	}
	if len(packets) < 2 || !bytes.HasPrefix(packets[1], []byte("OpusTags")) {
		return "", 0, false
	}
	vendor, comments, ok := readVorbisComments(packets[1][8:])
	if !ok || vendor != fakeSoftware {
		return "", 0, false
	}
	seconds := 0.0
	if lastGranule > opusPreSkip {
		seconds = float64(lastGranule-opusPreSkip) / 48000
	}
	for _, c := range comments {
		if text, ok := strings.CutPrefix(c, opusTextKey); ok {
			return text, seconds, true
		}
	}
	return "", 0, false
}
