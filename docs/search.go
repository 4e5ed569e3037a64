package docs

import (
	"sort"
	"strings"
	"unicode"

	"github.com/kosmo-run/kosmo/integration"
)

// PageInfo describes one page for listings.
type PageInfo struct {
	Page    string `json:"page"`
	Summary string `json:"summary"`
	// Operation is "read" or "write" for a function page, "" otherwise.
	Operation string `json:"operation,omitempty"`
}

// Match is a page found by Search, with its score (higher is better).
type Match struct {
	PageInfo
	Score float64 `json:"score"`
}

// List describes every page, in the order of Pages.
func (l *Library) List() []PageInfo {
	var out []PageInfo
	for _, in := range l.integrations {
		out = append(out, PageInfo{Page: PagePrefix + in.Name,
			Summary: in.Title + " — the full reference: every function, examples, multi-account usage"})
		for _, fn := range in.Functions {
			out = append(out, PageInfo{Page: PagePrefix + in.Name + "." + fn.Name, Summary: fn.Summary, Operation: string(fn.Operation)})
		}
	}
	return out
}

// Weights of where a query word is found.
const (
	weightNameWord    = 5
	weightNamePart    = 3
	weightParamName   = 2
	weightSummaryWord = 2
	weightText        = 1
	weightParamText   = 0.5
)

// Search ranks function pages by how well they match query: words found in
// the function's name count most, then parameter names, then the summary
// and description, then parameter descriptions. Pages that match nothing
// are left out; ties keep documentation order.
func (l *Library) Search(query string) []Match {
	terms := words(query)
	if len(terms) == 0 {
		return nil
	}
	var out []Match
	for _, in := range l.integrations {
		for _, fn := range in.Functions {
			score := scoreFunction(fn, terms)
			if score > 0 {
				out = append(out, Match{PageInfo: PageInfo{Page: PagePrefix + in.Name + "." + fn.Name, Summary: fn.Summary,
					Operation: string(fn.Operation)}, Score: score})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}

func scoreFunction(fn *integration.Function, terms []string) float64 {
	nameWords := words(fn.Name)
	text := words(fn.Summary + " " + fn.Description)
	var paramNames []string
	paramText := words(fn.Guide) // the guide counts as parameter text
	if fn.OnChunk != "" {
		paramNames = append(paramNames, append(words(fn.OnChunk), fn.OnChunk)...)
	}
	for _, p := range fn.Params {
		paramNames = append(paramNames, p.Name)
		paramNames = append(paramNames, words(p.Name)...)
		paramText = append(paramText, words(p.Description)...)
	}
	if fn.Spec != nil { // the provider's other parameters count as parameters
		for _, name := range fn.Spec.Names() {
			paramNames = append(paramNames, name)
			paramNames = append(paramNames, words(name)...)
		}
	}
	total := 0.0
	for _, t := range terms {
		switch {
		case has(nameWords, t, false):
			total += weightNameWord
		case has(nameWords, t, true):
			total += weightNamePart
		}
		if has(paramNames, t, false) {
			total += weightParamName
		}
		switch {
		case has(text, t, false):
			total += weightSummaryWord
		case has(text, t, true):
			total += weightText
		}
		if has(paramText, t, true) {
			total += weightParamText
		}
	}
	return total
}

// has reports whether list holds t, or (prefix) a word that starts with t or
// with which t starts (so "transcribe" finds "transcription").
func has(list []string, t string, prefix bool) bool {
	for _, w := range list {
		if w == t {
			return true
		}
		if prefix && len(t) >= 4 && len(w) >= 4 && (strings.HasPrefix(w, t) || strings.HasPrefix(t, w) || commonStem(w, t)) {
			return true
		}
	}
	return false
}

// commonStem reports whether two words share a stem of at least 6 letters
// ("transcribe", "transcription").
func commonStem(a, b string) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 6
}

// words splits text into lowercase words at anything not a letter or digit
// (underscores too, so function names split into their parts).
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
