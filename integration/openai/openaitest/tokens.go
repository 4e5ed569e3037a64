package openaitest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CountTokens is the fake's tokenizer, used for every token count it
// reports (usage, max_tokens, context limits): a token is a maximal run of
// letters, digits, marks and underscores, or a maximal run of other
// non-space characters. "Hello, world!" is 4 tokens. It is deterministic
// and close enough to real counts for English prose to make budgets
// meaningful, but it is not OpenAI's tokenizer.
func CountTokens(s string) int { return len(tokenEnds(s)) }

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// tokenEnds returns the byte offset where each token of s ends.
func tokenEnds(s string) []int {
	var ends []int
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		word := isWordRune(r)
		i += size
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) || isWordRune(r) != word {
				break
			}
			i += size
		}
		ends = append(ends, i)
	}
	return ends
}

// truncateTokens cuts s after its first n tokens; it reports whether
// anything was cut.
func truncateTokens(s string, n int) (string, bool) {
	ends := tokenEnds(s)
	if n >= len(ends) {
		return s, false
	}
	if n <= 0 {
		return "", true
	}
	return s[:ends[n-1]], true
}

// splitTokens splits s into pieces, one per token, each with the spaces
// that precede it (so the pieces join back to s, bar trailing spaces, which
// go with the last piece). Used for streaming deltas and logprobs.
func splitTokens(s string) []string {
	ends := tokenEnds(s)
	pieces := make([]string, 0, len(ends))
	start := 0
	for i, e := range ends {
		if i == len(ends)-1 {
			e = len(s)
		}
		pieces = append(pieces, s[start:e])
		start = e
	}
	if len(ends) == 0 && s != "" {
		pieces = append(pieces, s)
	}
	return pieces
}

// words returns the lowercased word tokens of s, punctuation left out.
func words(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) }) {
		out = append(out, strings.ToLower(w))
	}
	return out
}
