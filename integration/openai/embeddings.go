package openai

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"strconv"

	in "github.com/kosmo-run/kosmo/integration"
)

// Embeddings travel as base64 unless the script chose a format: the API
// then sends each vector's float32 values as 4 little-endian bytes (8,192
// base64 characters for 1,536 dimensions, against some 17,000 characters of
// decimal text), as the official SDKs ask for. The script cannot tell: the
// result has the shape and the very numbers the float format gives.
//
// Those numbers are the float64s a JSON decoder reads from the API's float
// format, which prints each float32 as the shortest decimal that reads back
// as that float32. float64(f) is not that number (float32 0.1 is
// 0.100000001490116…, while JSON's "0.1" reads as 0.1), so each value is
// taken to its shortest decimal (floatDecimal) and read as a float64.

// embeddingFormat is the argument that chooses the encoding; the functions'
// specs do not declare it today, so the script never sets it.
const embeddingFormat = "encoding_format"

// buildEmbedding posts the request, asking for base64 unless the arguments
// chose a format.
func buildEmbedding(args in.Args) (*in.Request, error) {
	if _, chosen := args[embeddingFormat]; !chosen {
		withFormat := make(in.Args, len(args)+1)
		for k, v := range args {
			withFormat[k] = v
		}
		withFormat[embeddingFormat] = "base64"
		args = withFormat
	}
	return postJSON("/embeddings", false)(args)
}

// decodeEmbedding returns the response as the float format would have it.
// A body that holds no base64 vector (a server that ignores
// encoding_format, one that sent something else) is returned as it is.
func decodeEmbedding(resp *in.Response, args in.Args) (*in.Result, error) {
	if _, chosen := args[embeddingFormat]; chosen {
		return &in.Result{JSON: resp.Body}, nil
	}
	v, err := base64Embeddings(resp.Body)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return &in.Result{JSON: resp.Body}, nil
	}
	return &in.Result{Value: v}, nil
}

// placeholderPrefix starts the strings that stand in for the base64 vectors
// while the rest of a response is decoded (written "\u0000vector:N" in the
// JSON text); a NUL never starts base64.
const placeholderPrefix = "\x00vector:"

// base64Embeddings decodes an embeddings list whose data[i].embedding are
// base64 strings into JSON-shaped Go values with each vector a []float64.
// Everything else in the body (fields the API may add included) is decoded
// by encoding/json, after the vectors are cut out of the text so that it
// does not scan them. It returns nil when the body has no such vector or is
// not valid JSON (the caller then hands the body on as it is).
func base64Embeddings(body []byte) (any, error) {
	spans, ok := vectorSpans(body)
	if !ok || len(spans) == 0 {
		return nil, nil
	}
	texts := make([][]byte, len(spans))
	for k, s := range spans {
		if texts[k], ok = spanText(body, s); !ok {
			return nil, nil // not a valid JSON string: let the JSON path say so
		}
	}
	skeleton := make([]byte, 0, 64*len(spans)+len(body)-spansLen(spans))
	last := 0
	for k, s := range spans {
		skeleton = append(skeleton, body[last:s.start]...)
		skeleton = append(skeleton, `"\u0000vector:`...)
		skeleton = strconv.AppendInt(skeleton, int64(k), 10)
		skeleton = append(skeleton, '"')
		last = s.end
	}
	skeleton = append(skeleton, body[last:]...)
	var doc map[string]any
	if err := json.Unmarshal(skeleton, &doc); err != nil {
		return nil, nil
	}
	data, _ := doc["data"].([]any)
	var buf []byte
	for i, item := range data {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		s, ok := m["embedding"].(string)
		if !ok {
			continue
		}
		text := []byte(s)
		if k, ok := placeholderIndex(s, len(spans)); ok {
			text = texts[k]
		}
		vec, err := decodeVector(text, &buf)
		if err != nil {
			return nil, fmt.Errorf("data[%d].embedding: %w", i, err)
		}
		m["embedding"] = vec
	}
	return doc, nil
}

// span is a string literal in a body, quotes included: body[start:end].
type span struct{ start, end int }

func spansLen(spans []span) int {
	n := 0
	for _, s := range spans {
		n += s.end - s.start
	}
	return n
}

// placeholderIndex reads the vector number of a placeholder.
func placeholderIndex(s string, n int) (int, bool) {
	if len(s) <= len(placeholderPrefix) || s[:len(placeholderPrefix)] != placeholderPrefix {
		return 0, false
	}
	k, err := strconv.Atoi(s[len(placeholderPrefix):])
	if err != nil || k < 0 || k >= n {
		return 0, false
	}
	return k, true
}

// spanText returns the text of a string literal: its bytes between the
// quotes, unescaped by encoding/json when it has escapes. ok is false when
// it is not a valid JSON string.
func spanText(body []byte, s span) ([]byte, bool) {
	lit := body[s.start:s.end]
	inner := lit[1 : len(lit)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		for _, c := range inner {
			if c < ' ' {
				return nil, false
			}
		}
		return inner, true
	}
	var text string
	if json.Unmarshal(lit, &text) != nil {
		return nil, false
	}
	return []byte(text), true
}

// vectorSpans finds the string values at data[*].embedding of a JSON
// object, walking the text with just enough of JSON's grammar to know where
// strings are and what path each value has. ok is false when the text ends
// inside a string or closes more than it opened; anything else wrong is for
// encoding/json to find.
func vectorSpans(body []byte) (spans []span, ok bool) {
	type frame struct {
		object, wantKey bool
		key             []byte
	}
	var stack []frame
	atVector := func() bool {
		n := len(stack)
		return n == 3 && stack[0].object && !stack[1].object && stack[2].object && !stack[2].wantKey &&
			keyIs(stack[2].key, "embedding") && keyIs(stack[0].key, "data")
	}
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '{', '[':
			if c == '[' && atVector() {
				// Floats after all (a server that ignores encoding_format):
				// jump over a flat array of numbers in one search.
				if j := bytes.IndexByte(body[i:], ']'); j > 0 && flat(body[i+1:i+j]) {
					i += j
					continue
				}
			}
			stack = append(stack, frame{object: c == '{', wantKey: c == '{'})
		case '}', ']':
			if len(stack) == 0 {
				return nil, false
			}
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
		case ':':
			if n := len(stack); n > 0 {
				stack[n-1].wantKey = false
			}
		case '"':
			end, ok := stringEnd(body, i)
			if !ok {
				return nil, false
			}
			n := len(stack)
			switch {
			case n > 0 && stack[n-1].object && stack[n-1].wantKey:
				stack[n-1].key = body[i+1 : end-1]
			case atVector():
				spans = append(spans, span{i, end})
			}
			i = end - 1
		}
	}
	return spans, true
}

// flat reports whether an array's text holds no nested array, object or
// string (three vectorised searches).
func flat(items []byte) bool {
	return bytes.IndexByte(items, '[') < 0 && bytes.IndexByte(items, '{') < 0 && bytes.IndexByte(items, '"') < 0
}

// keyIs reports whether the body of a key's literal (escapes and all)
// spells name.
func keyIs(raw []byte, name string) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw) == name
	}
	var key string
	lit := make([]byte, 0, len(raw)+2)
	lit = append(append(append(lit, '"'), raw...), '"')
	return json.Unmarshal(lit, &key) == nil && key == name
}

// stringEnd returns the index just past the closing quote of the string
// literal opening at body[at].
func stringEnd(body []byte, at int) (int, bool) {
	i := at + 1
	for {
		j := bytes.IndexByte(body[i:], '"')
		if j < 0 {
			return 0, false
		}
		q := i + j
		backslashes := 0
		for k := q - 1; k > at && body[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q + 1, true
		}
		i = q + 1
	}
}

// decodeVector decodes base64 little-endian float32s into the float64s the
// float format reads as. buf is scratch space kept between vectors.
func decodeVector(text []byte, buf *[]byte) ([]float64, error) {
	need := base64.StdEncoding.DecodedLen(len(text))
	if cap(*buf) < need {
		*buf = make([]byte, need)
	}
	raw := (*buf)[:need]
	n, err := base64.StdEncoding.Decode(raw, text)
	if err != nil || bytes.ContainsAny(text, "\r\n") {
		lenient, lerr := in.DecodeBase64(string(text))
		if lerr != nil || bytes.ContainsAny(text, "\r\n") {
			return nil, fmt.Errorf("base64 float32 data expected: %v", firstErr(lerr, err))
		}
		raw, n = lenient, len(lenient)
	}
	raw = raw[:n]
	if len(raw)%4 != 0 {
		return nil, fmt.Errorf("base64 float32 data expected: %d bytes is not a whole number of float32 values", len(raw))
	}
	vec := make([]float64, len(raw)/4)
	for i := range vec {
		f := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		x, ok := jsonFloat(f)
		if !ok {
			return nil, fmt.Errorf("value %d is %v, which the float format cannot hold", i, f)
		}
		vec[i] = x
	}
	return vec, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// jsonFloat is the float64 that reading f's shortest decimal form (as the
// float format prints it) gives. ok is false for NaN and infinities.
func jsonFloat(f float32) (float64, bool) {
	b := math.Float32bits(f)
	neg := b>>31 != 0
	exp := b >> 23 & 0xff
	mant := b & (1<<23 - 1)
	if exp == 0xff {
		return 0, false
	}
	var x float64
	switch {
	case exp == 0 && mant == 0:
	case mant == 0:
		// A power of two has a lopsided interval, where formatters differ
		// on ties (Ryū rounds them to even, Go's strconv up): ask strconv,
		// which prints the float format in the first place.
		x = shortestViaText(f)
	default:
		digits, e10 := floatDecimal(mant, exp)
		var ok bool
		if x, ok = exactDecimal(uint64(digits), e10); !ok {
			x = shortestViaText(f)
		}
	}
	if neg {
		x = -x
	}
	return x, true
}

// shortestViaText formats |f| shortest and reads it back: the slow way of
// jsonFloat, for the rare values its fast way leaves out.
func shortestViaText(f float32) float64 {
	x, _ := strconv.ParseFloat(strconv.FormatFloat(math.Abs(float64(f)), 'e', -1, 32), 64)
	return x
}

// exactDecimal returns digits·10^e10 when one IEEE operation on exactly
// held operands gives it, so correctly rounded.
func exactDecimal(digits uint64, e10 int) (float64, bool) {
	const maxExact = 1 << 53
	f := float64(digits)
	switch {
	case e10 == 0:
		return f, true
	case e10 > 0 && e10 <= 22:
		return f * pow10(e10), true
	case e10 > 22 && e10 <= 22+15:
		if m := f * pow10(e10-22); m < maxExact {
			return m * 1e22, true
		}
	case e10 < 0 && e10 >= -22:
		return f / pow10(-e10), true
	}
	return 0, false
}

// pow10 returns 10^n for 0 ≤ n ≤ 22, the powers of ten float64 holds
// exactly.
func pow10(n int) float64 {
	return [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}[n]
}

// floatDecimal returns the shortest decimal digits·10^e10 that reads back
// as the positive, finite, non-zero float32 with the given mantissa and
// biased exponent fields, the closest to it when several are as short:
// the Ryū algorithm (Ulf Adams, PLDI 2018) for 32-bit floats.
func floatDecimal(mantissa, exponent uint32) (digits uint32, e10 int) {
	const (
		mantissaBits = 23
		bias         = 127
	)
	var e2 int
	var m2 uint32
	if exponent == 0 {
		e2 = 1 - bias - mantissaBits - 2
		m2 = mantissa
	} else {
		e2 = int(exponent) - bias - mantissaBits - 2
		m2 = 1<<mantissaBits | mantissa
	}
	acceptBounds := m2&1 == 0

	// The interval of decimals that read back as the float, scaled by 4.
	mv := 4 * m2
	mp := 4*m2 + 2
	mmShift := uint32(0)
	if mantissa != 0 || exponent <= 1 {
		mmShift = 1
	}
	mm := 4*m2 - 1 - mmShift

	// Bring the interval to a power of ten.
	var vr, vp, vm uint32
	vmTrailingZeros, vrTrailingZeros := false, false
	lastRemoved := uint32(0)
	if e2 >= 0 {
		q := log10Pow2(e2)
		e10 = q
		k := pow5InvBits + pow5Bits(q) - 1
		i := -e2 + q + k
		vr = mulShift32(mv, pow5Inv(q), i)
		vp = mulShift32(mp, pow5Inv(q), i)
		vm = mulShift32(mm, pow5Inv(q), i)
		if q != 0 && (vp-1)/10 <= vm/10 {
			l := pow5InvBits + pow5Bits(q-1) - 1
			lastRemoved = mulShift32(mv, pow5Inv(q-1), -e2+q-1+l) % 10
		}
		if q <= 9 {
			switch {
			case mv%5 == 0:
				vrTrailingZeros = multipleOfPow5(mv, q)
			case acceptBounds:
				vmTrailingZeros = multipleOfPow5(mm, q)
			case multipleOfPow5(mp, q):
				vp--
			}
		}
	} else {
		q := log10Pow5(-e2)
		e10 = q + e2
		i := -e2 - q
		k := pow5Bits(i) - pow5BitsCount
		j := q - k
		vr = mulShift32(mv, pow5(i), j)
		vp = mulShift32(mp, pow5(i), j)
		vm = mulShift32(mm, pow5(i), j)
		if q != 0 && (vp-1)/10 <= vm/10 {
			j = q - 1 - (pow5Bits(i+1) - pow5BitsCount)
			lastRemoved = mulShift32(mv, pow5(i+1), j) % 10
		}
		switch {
		case q <= 1:
			vrTrailingZeros = true
			if acceptBounds {
				vmTrailingZeros = mmShift == 1
			} else {
				vp--
			}
		case q < 31:
			vrTrailingZeros = mv&(1<<(q-1)-1) == 0
		}
	}

	// Remove digits while the interval still holds a shorter decimal.
	removed := 0
	if vmTrailingZeros || vrTrailingZeros {
		for vp/10 > vm/10 {
			vmTrailingZeros = vmTrailingZeros && vm%10 == 0
			vrTrailingZeros = vrTrailingZeros && lastRemoved == 0
			lastRemoved = vr % 10
			vr, vp, vm = vr/10, vp/10, vm/10
			removed++
		}
		if vmTrailingZeros {
			for vm%10 == 0 {
				vrTrailingZeros = vrTrailingZeros && lastRemoved == 0
				lastRemoved = vr % 10
				vr, vp, vm = vr/10, vp/10, vm/10
				removed++
			}
		}
		if vrTrailingZeros && lastRemoved == 5 && vr%2 == 0 {
			lastRemoved = 4 // exactly halfway: round to even
		}
		digits = vr
		if (vr == vm && (!acceptBounds || !vmTrailingZeros)) || lastRemoved >= 5 {
			digits++
		}
	} else {
		for vp/10 > vm/10 {
			lastRemoved = vr % 10
			vr, vp, vm = vr/10, vp/10, vm/10
			removed++
		}
		digits = vr
		if vr == vm || lastRemoved >= 5 {
			digits++
		}
	}
	return digits, e10 + removed
}

// Bits of precision of the tables of powers of five.
const (
	pow5InvBits   = 59
	pow5BitsCount = 61
)

// pow5Bits is ⌈log₂ 5^e⌉ (1 for e = 0), for 0 ≤ e ≤ 3528.
func pow5Bits(e int) int { return int(uint32(e)*1217359>>19) + 1 }

// log10Pow2 is ⌊log₁₀ 2^e⌋, for 0 ≤ e ≤ 1650.
func log10Pow2(e int) int { return int(uint32(e) * 78913 >> 18) }

// log10Pow5 is ⌊log₁₀ 5^e⌋, for 0 ≤ e ≤ 2620.
func log10Pow5(e int) int { return int(uint32(e) * 732923 >> 20) }

func multipleOfPow5(v uint32, p int) bool {
	n := 0
	for v%5 == 0 && v != 0 {
		v /= 5
		n++
	}
	return n >= p
}

// mulShift32 is ⌊m·factor / 2^shift⌋, for 0 < shift < 128.
func mulShift32(m uint32, factor uint64, shift int) uint32 {
	hi, lo := bits.Mul64(uint64(m), factor)
	if shift >= 64 {
		return uint32(hi >> (shift - 64))
	}
	return uint32(hi<<(64-shift) | lo>>shift)
}

// pow5Inv is ⌊2^(⌈log₂ 5^i⌉-1+59) / 5^i⌋ + 1, for 0 ≤ i < 32.
func pow5Inv(i int) uint64 {
	return [...]uint64{
		0x800000000000001, 0x666666666666667, 0x51eb851eb851eb9, 0x4189374bc6a7efa,
		0x68db8bac710cb2a, 0x53e2d6238da3c22, 0x431bde82d7b634e, 0x6b5fca6af2bd216,
		0x55e63b88c230e78, 0x44b82fa09b5a52d, 0x6df37f675ef6eae, 0x57f5ff85e592558,
		0x465e6604b7a8447, 0x709709a125da071, 0x5a126e1a84ae6c1, 0x480ebe7b9d58567,
		0x734aca5f6226f0b, 0x5c3bd5191b525a3, 0x49c97747490eae9, 0x760f253edb4ab0e,
		0x5e72843249088d8, 0x4b8ed0283a6d3e0, 0x78e480405d7b966, 0x60b6cd004ac9452,
		0x4d5f0a66a23a9db, 0x7bcb43d769f762b, 0x63090312bb2c4ef, 0x4f3a68dbc8f03f3,
		0x7ec3daf94180651, 0x65697bfa9acd1da, 0x51212ffbaf0a7e2, 0x40e7599625a1fe8,
	}[i]
}

// pow5 is 5^i's 61 leading bits, for 0 ≤ i < 48.
func pow5(i int) uint64 {
	return [...]uint64{
		0x1000000000000000, 0x1400000000000000, 0x1900000000000000, 0x1f40000000000000,
		0x1388000000000000, 0x186a000000000000, 0x1e84800000000000, 0x1312d00000000000,
		0x17d7840000000000, 0x1dcd650000000000, 0x12a05f2000000000, 0x174876e800000000,
		0x1d1a94a200000000, 0x12309ce540000000, 0x16bcc41e90000000, 0x1c6bf52634000000,
		0x11c37937e0800000, 0x16345785d8a00000, 0x1bc16d674ec80000, 0x1158e460913d0000,
		0x15af1d78b58c4000, 0x1b1ae4d6e2ef5000, 0x10f0cf064dd59200, 0x152d02c7e14af680,
		0x1a784379d99db420, 0x108b2a2c28029094, 0x14adf4b7320334b9, 0x19d971e4fe8401e7,
		0x1027e72f1f128130, 0x1431e0fae6d7217c, 0x193e5939a08ce9db, 0x1f8def8808b02452,
		0x13b8b5b5056e16b3, 0x18a6e32246c99c60, 0x1ed09bead87c0378, 0x13426172c74d822b,
		0x1812f9cf7920e2b6, 0x1e17b84357691b64, 0x12ced32a16a1b11e, 0x178287f49c4a1d66,
		0x1d6329f1c35ca4bf, 0x125dfa371a19e6f7, 0x16f578c4e0a060b5, 0x1cb2d6f618c878e3,
		0x11efc659cf7d4b8d, 0x166bb7f0435c9e71, 0x1c06a5ec5433c60d, 0x118427b3b4a05bc8,
	}[i]
}
