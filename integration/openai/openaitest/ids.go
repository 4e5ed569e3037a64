package openaitest

import (
	"crypto/rand"
	"encoding/hex"
)

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n characters from [A-Za-z0-9], drawn from crypto/rand
// without modulo bias.
func randomString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2+8)
	for len(out) < n {
		_, _ = rand.Read(buf) // never fails since Go 1.24
		for _, b := range buf {
			if b >= 248 { // 248 = 4*62: reject to keep the draw uniform
				continue
			}
			out = append(out, idAlphabet[int(b)%len(idAlphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}

// newID returns an OpenAI-looking object id such as "asst_" followed by 24
// random alphanumerics. 143 bits of randomness make collisions negligible.
func newID(prefix string) string { return prefix + randomString(24) }

// newRequestID returns a value for the x-request-id header: "req_" and 32
// hex digits, like the real API.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}
