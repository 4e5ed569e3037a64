package docs

import (
	"fmt"
	"strings"

	"github.com/kosmo-run/kosmo/integration"
)

// PagePrefix starts every integration page name.
const PagePrefix = "integrations."

// Library serves the reference pages of a set of integrations. It is
// immutable once built and safe for concurrent use.
type Library struct {
	integrations []*integration.Integration
}

// New returns a Library of the given integrations, in that order.
func New(integrations ...*integration.Integration) *Library {
	return &Library{integrations: integrations}
}

// Pages lists every page name: each integration, then each of its functions.
func (l *Library) Pages() []string {
	var pages []string
	for _, in := range l.integrations {
		pages = append(pages, PagePrefix+in.Name)
		for _, fn := range in.Functions {
			pages = append(pages, PagePrefix+in.Name+"."+fn.Name)
		}
	}
	return pages
}

// Read renders one page. An unknown page gives an *UnknownPageError.
func (l *Library) Read(page string) (string, error) {
	for _, in := range l.integrations {
		base := PagePrefix + in.Name
		if page == base {
			return Render(in), nil
		}
		if rest, ok := strings.CutPrefix(page, base+"."); ok {
			if fn := in.Function(rest); fn != nil {
				return RenderFunction(fn), nil
			}
		}
	}
	return "", &UnknownPageError{Page: page, Pages: l.Pages()}
}

// UnknownPageError names a page that does not exist and lists those that do.
type UnknownPageError struct {
	Page  string
	Pages []string
}

// Error implements error.
func (e *UnknownPageError) Error() string {
	msg := fmt.Sprintf("no doc page %q", e.Page)
	if s := integration.Suggest(e.Page, e.Pages); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return msg + "; pages: " + strings.Join(e.Pages, ", ")
}
