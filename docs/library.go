package docs

import (
	"fmt"
	"sort"
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

// Read renders one page. It takes every name Resolve takes; an unknown
// page gives an *UnknownPageError.
func (l *Library) Read(page string) (string, error) {
	page, err := l.Resolve(page)
	if err != nil {
		return "", err
	}
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

// names maps every name a page answers to onto the page: its own
// ("integrations.openai.openai_create_image") and the names kosmo call
// takes for the function ("openai.openai_create_image",
// "openai.create_image", "openai_create_image", "create_image",
// "integrations.openai.create_image"); "openai" names the integration's page.
func (l *Library) names() map[string]string {
	names := map[string]string{}
	for _, in := range l.integrations {
		base := PagePrefix + in.Name
		names[base] = base
		names[in.Name] = base
		for _, fn := range in.Functions {
			page := base + "." + fn.Name
			short := strings.TrimPrefix(fn.Name, in.Name+"_")
			for _, name := range []string{page, base + "." + short, in.Name + "." + fn.Name, in.Name + "." + short, fn.Name, short} {
				if _, taken := names[name]; !taken {
					names[name] = page
				}
			}
		}
	}
	return names
}

// Resolve returns the page a name stands for, or an *UnknownPageError
// suggesting the closest page: by spelling among every name a page answers
// to, else the best match of a search for the name's words.
func (l *Library) Resolve(name string) (string, error) {
	names := l.names()
	if page, ok := names[name]; ok {
		return page, nil
	}
	all := make([]string, 0, len(names))
	for n := range names {
		all = append(all, n)
	}
	sort.Strings(all)
	e := &UnknownPageError{Page: name, Pages: l.Pages()}
	if s := integration.Suggest(name, all); s != "" {
		e.Suggestion = names[s]
	} else if matches := l.Search(strings.NewReplacer("_", " ", ".", " ").Replace(name)); len(matches) > 0 {
		e.Suggestion = matches[0].Page
	}
	return "", e
}

// UnknownPageError names a page that does not exist and lists those that do.
type UnknownPageError struct {
	Page  string
	Pages []string
	// Suggestion is the closest page, or "".
	Suggestion string
}

// Error implements error.
func (e *UnknownPageError) Error() string {
	msg := fmt.Sprintf("no doc page %q", e.Page)
	if e.Suggestion != "" {
		msg += fmt.Sprintf("; did you mean %q?", e.Suggestion)
	}
	return msg + "; pages: " + strings.Join(e.Pages, ", ")
}
