package openaitest

import (
	"container/heap"
	"encoding/binary"
	"image"
	"slices"
)

// encodeWebP encodes a picture as a lossless WebP (the VP8L bitstream of
// RFC 9649): no transforms and no colour cache, one set of five prefix
// codes for the whole image, and LZ77 copies from the pixel to the left or
// the pixel above. The fake's pictures are flat regions, so this is small
// in bytes at any size.
func encodeWebP(img *image.NRGBA) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	argb := make([]uint32, 0, w*h)
	opaque := true
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[(y-b.Min.Y)*img.Stride:]
		for x := range w {
			p := row[4*x : 4*x+4]
			argb = append(argb, uint32(p[3])<<24|uint32(p[0])<<16|uint32(p[1])<<8|uint32(p[2]))
			opaque = opaque && p[3] == 255
		}
	}
	tokens := lz77(argb, w)

	// Histograms of the five alphabets: green (with the 24 length
	// prefixes), red, blue, alpha and distance.
	hist := [5][]int{make([]int, 256+24), make([]int, 256), make([]int, 256), make([]int, 256), make([]int, 40)}
	for _, t := range tokens {
		if t.length == 0 {
			hist[0][t.argb>>8&0xff]++
			hist[1][t.argb>>16&0xff]++
			hist[2][t.argb&0xff]++
			hist[3][t.argb>>24]++
			continue
		}
		lp, _, _ := prefixCode(t.length)
		dp, _, _ := prefixCode(t.dist)
		hist[0][256+lp]++
		hist[4][dp]++
	}

	bw := &bitWriter{}
	bw.write(0x2f, 8)
	bw.write(uint32(w-1), 14)
	bw.write(uint32(h-1), 14)
	if opaque {
		bw.write(0, 1)
	} else {
		bw.write(1, 1)
	}
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes
	var codes [5]prefix
	for i := range hist {
		codes[i] = writePrefixCode(bw, hist[i])
	}
	for _, t := range tokens {
		if t.length == 0 {
			codes[0].put(bw, int(t.argb>>8&0xff))
			codes[1].put(bw, int(t.argb>>16&0xff))
			codes[2].put(bw, int(t.argb&0xff))
			codes[3].put(bw, int(t.argb>>24))
			continue
		}
		lp, lbits, lextra := prefixCode(t.length)
		codes[0].put(bw, 256+lp)
		bw.write(lextra, lbits)
		dp, dbits, dextra := prefixCode(t.dist)
		codes[4].put(bw, dp)
		bw.write(dextra, dbits)
	}
	data := bw.flush()

	chunk := len(data) + len(data)&1
	out := make([]byte, 0, 20+chunk)
	out = append(out, "RIFF"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(4+8+chunk))
	out = append(out, "WEBPVP8L"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, data...)
	if len(data)&1 == 1 {
		out = append(out, 0)
	}
	return out
}

// token is a literal pixel (length 0) or a copy of length pixels from
// distance code dist (1: the pixel above, 2: the pixel to the left).
type token struct {
	argb         uint32
	length, dist int
}

// maxCopy is the longest copy VP8L codes.
const maxCopy = 4096

// lz77 turns pixels into literals and copies from above or the left,
// greedily taking the longer.
func lz77(px []uint32, width int) []token {
	var out []token
	for i := 0; i < len(px); {
		run := func(back int) int {
			if i < back {
				return 0
			}
			n := 0
			for i+n < len(px) && n < maxCopy && px[i+n] == px[i+n-back] {
				n++
			}
			return n
		}
		up, left := run(width), run(1)
		switch {
		case up >= left && up >= 3:
			out = append(out, token{length: up, dist: 1})
			i += up
		case left >= 3:
			out = append(out, token{length: left, dist: 2})
			i += left
		default:
			out = append(out, token{argb: px[i]})
			i++
		}
	}
	return out
}

// prefixCode splits a length or distance code (1 and up) into its prefix
// symbol and extra bits.
func prefixCode(v int) (symbol int, bits uint, extra uint32) {
	x := v - 1
	if x < 4 {
		return x, 0, 0
	}
	hi := 31
	for x>>uint(hi)&1 == 0 {
		hi--
	}
	second := x >> uint(hi-1) & 1
	bits = uint(hi - 1)
	return 2*hi + second, bits, uint32(x) & (1<<bits - 1)
}

// prefix is a canonical prefix code: each symbol's bit-reversed code and
// length (a code of one symbol has length 0: it takes no bits).
type prefix struct {
	codes   []uint32
	lengths []uint8
}

func (p prefix) put(bw *bitWriter, symbol int) {
	bw.write(p.codes[symbol], uint(p.lengths[symbol]))
}

// writePrefixCode writes the code of a histogram and returns it: the
// simple form for at most one symbol used, else the normal form with its
// code lengths coded by a code-length code.
func writePrefixCode(bw *bitWriter, hist []int) prefix {
	used := 0
	last := 0
	for s, n := range hist {
		if n > 0 {
			used++
			last = s
		}
	}
	if used <= 1 && last < 256 {
		bw.write(1, 1) // simple
		bw.write(0, 1) // one symbol
		if last < 2 {
			bw.write(0, 1)
			bw.write(uint32(last), 1)
		} else {
			bw.write(1, 1)
			bw.write(uint32(last), 8)
		}
		return prefix{codes: make([]uint32, len(hist)), lengths: make([]uint8, len(hist))}
	}
	lengths := codeLengths(hist, 15)
	bw.write(0, 1) // normal
	// The code lengths, coded by the code-length code (symbols 0–15).
	clHist := make([]int, 19)
	for _, l := range lengths {
		clHist[l]++
	}
	clLengths := codeLengths(clHist, 7)
	order := [19]int{17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	n := 4
	for i, s := range order {
		if clLengths[s] > 0 {
			n = max(n, i+1)
		}
	}
	bw.write(uint32(n-4), 4)
	for _, s := range order[:n] {
		bw.write(uint32(clLengths[s]), 3)
	}
	bw.write(0, 1) // every symbol of the alphabet is coded
	cl := canonical(clLengths)
	for _, l := range lengths {
		cl.put(bw, int(l))
	}
	return canonical(lengths)
}

// canonical assigns codes to lengths as deflate does (by length, then
// symbol), bit-reversed for the LSB-first stream; a lone symbol takes no
// bits.
func canonical(lengths []uint8) prefix {
	p := prefix{codes: make([]uint32, len(lengths)), lengths: slices.Clone(lengths)}
	nonzero := 0
	for _, l := range lengths {
		if l > 0 {
			nonzero++
		}
	}
	if nonzero == 1 {
		clear(p.lengths)
		return p
	}
	var count [16]uint32
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	var next [16]uint32
	code := uint32(0)
	for l := 1; l < 16; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for s, l := range lengths {
		if l == 0 {
			continue
		}
		c := next[l]
		next[l]++
		var r uint32
		for i := uint8(0); i < l; i++ {
			r = r<<1 | c>>i&1
		}
		p.codes[s] = r
	}
	return p
}

// codeLengths returns Huffman code lengths of at most limit bits for a
// histogram (a symbol used alone gets length 1); counts are halved until
// the lengths fit.
func codeLengths(hist []int, limit int) []uint8 {
	counts := slices.Clone(hist)
	for {
		lengths, longest := huffman(counts)
		if longest <= limit {
			return lengths
		}
		for i, c := range counts {
			if c > 0 {
				counts[i] = (c + 1) / 2
			}
		}
	}
}

type node struct {
	count, symbol int
	left, right   *node
}

type nodeHeap []*node

func (h nodeHeap) Len() int { return len(h) }
func (h nodeHeap) Less(i, j int) bool {
	if h[i].count != h[j].count {
		return h[i].count < h[j].count
	}
	return h[i].symbol < h[j].symbol
}
func (h nodeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *nodeHeap) Push(x any)   { *h = append(*h, x.(*node)) }
func (h *nodeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func huffman(counts []int) ([]uint8, int) {
	lengths := make([]uint8, len(counts))
	h := &nodeHeap{}
	for s, c := range counts {
		if c > 0 {
			*h = append(*h, &node{count: c, symbol: s})
		}
	}
	if h.Len() == 1 {
		lengths[(*h)[0].symbol] = 1
		return lengths, 1
	}
	heap.Init(h)
	for h.Len() > 1 {
		a, b := heap.Pop(h).(*node), heap.Pop(h).(*node)
		heap.Push(h, &node{count: a.count + b.count, symbol: min(a.symbol, b.symbol), left: a, right: b})
	}
	longest := 0
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		if n.left == nil {
			lengths[n.symbol] = uint8(min(depth, 255))
			longest = max(longest, depth)
			return
		}
		walk(n.left, depth+1)
		walk(n.right, depth+1)
	}
	walk((*h)[0], 0)
	return lengths, longest
}

// bitWriter writes bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (b *bitWriter) write(v uint32, bits uint) {
	b.acc |= uint64(v) << b.n
	b.n += bits
	for b.n >= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
		b.n -= 8
	}
}

func (b *bitWriter) flush() []byte {
	if b.n > 0 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc, b.n = 0, 0
	}
	return b.buf
}
