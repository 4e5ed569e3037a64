package openaitest

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"strings"
)

// FLAC: the same 24 kHz mono 16-bit samples as the WAV output, stored in
// fixed 4096-sample frames with VERBATIM subframes (valid FLAC, just not
// compressed), after STREAMINFO (with the MD5 of the samples) and a
// VORBIS_COMMENT block carrying the fake's mark and KOSMO_INPUT=text.
const flacBlock = 4096

// encodeFLAC writes samples and text as a FLAC stream.
func encodeFLAC(samples []int16, text string) []byte {
	var b bytes.Buffer
	b.WriteString("fLaC")

	// STREAMINFO: block sizes, frame sizes (0: unknown), then 20 bits of
	// rate, 3 of channels-1, 5 of bits-1, 36 of total samples; MD5.
	si := make([]byte, 34)
	binary.BigEndian.PutUint16(si[0:], flacBlock)
	binary.BigEndian.PutUint16(si[2:], flacBlock)
	packed := uint64(speechRate)<<44 | uint64(0)<<41 | uint64(15)<<36 | uint64(len(samples))&(1<<36-1)
	binary.BigEndian.PutUint64(si[10:], packed)
	sum := md5.Sum(pcmBytes(samples))
	copy(si[18:], sum[:])
	flacMetadata(&b, 0, false, si)

	vc := vorbisComments(nil, fakeSoftware, opusTextKey+text)
	flacMetadata(&b, 4, true, vc)

	for i, frame := 0, 0; i < len(samples); i, frame = i+flacBlock, frame+1 {
		b.Write(flacFrame(samples[i:min(i+flacBlock, len(samples))], frame))
	}
	return b.Bytes()
}

func flacMetadata(b *bytes.Buffer, typ byte, last bool, data []byte) {
	if last {
		typ |= 0x80
	}
	b.WriteByte(typ)
	b.Write([]byte{byte(len(data) >> 16), byte(len(data) >> 8), byte(len(data))})
	b.Write(data)
}

// flacFrame encodes one frame of a fixed-blocksize stream.
func flacFrame(samples []int16, number int) []byte {
	f := []byte{0xFF, 0xF8} // sync code, fixed block size
	short := len(samples) != flacBlock
	bs := byte(0xC) // 4096
	if short {
		bs = 0x7 // 16-bit (block size - 1) follows the frame number
	}
	f = append(f, bs<<4|0x7) // 24 kHz
	f = append(f, 0x08)      // mono, 16 bits per sample
	f = appendFLACNumber(f, uint32(number))
	if short {
		f = binary.BigEndian.AppendUint16(f, uint16(len(samples)-1))
	}
	f = append(f, crc8(f))
	f = append(f, 0x02) // VERBATIM subframe, no wasted bits
	for _, s := range samples {
		f = binary.BigEndian.AppendUint16(f, uint16(s))
	}
	return binary.BigEndian.AppendUint16(f, crc16(f))
}

// appendFLACNumber writes a frame number in FLAC's UTF-8-like coding.
func appendFLACNumber(b []byte, n uint32) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n < 0x800:
		return append(b, 0xC0|byte(n>>6), 0x80|byte(n&0x3F))
	case n < 0x10000:
		return append(b, 0xE0|byte(n>>12), 0x80|byte(n>>6&0x3F), 0x80|byte(n&0x3F))
	}
	return append(b, 0xF0|byte(n>>18&0x07), 0x80|byte(n>>12&0x3F), 0x80|byte(n>>6&0x3F), 0x80|byte(n&0x3F))
}

// crc8 is FLAC's header CRC: polynomial 0x07, zero initial value.
func crc8(b []byte) byte {
	var c byte
	for _, x := range b {
		c ^= x
		for range 8 {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// crc16 is FLAC's frame CRC: polynomial 0x8005, zero initial value.
func crc16(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c ^= uint16(x) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x8005
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// flacText returns the text and duration of a FLAC stream made by the fake.
func flacText(b []byte) (string, float64, bool) {
	if len(b) < 4 || string(b[:4]) != "fLaC" {
		return "", 0, false
	}
	b = b[4:]
	var seconds float64
	for len(b) >= 4 {
		typ, last := b[0]&0x7F, b[0]&0x80 != 0
		n := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		if len(b) < 4+n {
			return "", 0, false
		}
		data := b[4 : 4+n]
		b = b[4+n:]
		switch typ {
		case 0:
			if len(data) >= 18 {
				packed := binary.BigEndian.Uint64(data[10:])
				if rate := packed >> 44; rate > 0 {
					seconds = float64(packed&(1<<36-1)) / float64(rate)
				}
			}
		case 4:
			vendor, comments, ok := readVorbisComments(data)
			if ok && vendor == fakeSoftware {
				for _, c := range comments {
					if text, ok := strings.CutPrefix(c, opusTextKey); ok {
						return text, seconds, true
					}
				}
			}
		}
		if last {
			break
		}
	}
	return "", 0, false
}
