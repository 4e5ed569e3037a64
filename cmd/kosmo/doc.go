package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/docs"
)

type docOptions struct {
	list   bool
	search string
	asJSON bool
}

func (a *app) newDocCmd() *cobra.Command {
	opts := &docOptions{}
	cmd := &cobra.Command{
		Use:   "doc [PAGE]",
		Short: "Print, list or search the reference pages (the same text as lua_read_doc)",
		Long: `Print a reference page (default integrations.openai), the same text as lua_read_doc.
A function's page takes the names kosmo call takes: integrations.openai.openai_create_image,
openai.openai_create_image, openai.create_image, openai_create_image or create_image.`,
		Example: `  kosmo doc integrations.openai                       # the whole OpenAI reference
  kosmo doc integrations.openai.openai_create_image   # one function
  kosmo doc create_image                              # the same page, as kosmo call names it
  kosmo doc --list                                    # every page with its summary
  kosmo doc --search transcribe                       # pages ranked by relevance
  kosmo doc --json integrations.openai.openai_get_run # {page, markdown}`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			page := ""
			if len(args) == 1 {
				page = args[0]
			}
			return a.doc(opts, page)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.list, "list", false, "list the pages with one-line summaries")
	f.StringVar(&opts.search, "search", "", "rank the pages matching QUERY (function names, summaries, parameters)")
	f.BoolVar(&opts.asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) doc(opts *docOptions, page string) error {
	lib := docs.New(a.integrations...)
	switch {
	case opts.list && opts.search != "", (opts.list || opts.search != "") && page != "":
		return usagef("give one of PAGE, --list, --search")
	case opts.list:
		list := lib.List()
		if opts.asJSON {
			return a.writeJSON(list)
		}
		tw := tabwriter.NewWriter(a.env.Stdout, 0, 0, 2, ' ', 0)
		for _, p := range list {
			fmt.Fprintf(tw, "%s\t%s\n", p.Page, p.Summary)
		}
		return tw.Flush()
	case opts.search != "":
		matches := lib.Search(opts.search)
		if opts.asJSON {
			if matches == nil {
				matches = []docs.Match{}
			}
			return a.writeJSON(matches)
		}
		if len(matches) == 0 {
			fmt.Fprintf(a.env.Stdout, "no page matches %q (kosmo doc --list shows them all)\n", opts.search)
			return nil
		}
		tw := tabwriter.NewWriter(a.env.Stdout, 0, 0, 2, ' ', 0)
		for _, m := range matches {
			fmt.Fprintf(tw, "%s\t%s\n", m.Page, m.Summary)
		}
		return tw.Flush()
	}
	if page == "" {
		page = docs.PagePrefix + a.integrations[0].Name
	}
	page, err := a.resolvePage(lib, page)
	if err != nil {
		return err
	}
	text, err := lib.Read(page)
	if err != nil {
		return usagef("%v", err)
	}
	if opts.asJSON {
		return a.writeJSON(struct {
			Page     string `json:"page"`
			Markdown string `json:"markdown"`
		}{page, text})
	}
	_, err = io.WriteString(a.env.Stdout, text)
	return err
}

// resolvePage returns the page a name stands for (docs.Library.Resolve), or
// a usage error that suggests the closest page.
func (a *app) resolvePage(lib *docs.Library, name string) (string, error) {
	page, err := lib.Resolve(name)
	var unknown *docs.UnknownPageError
	if errors.As(err, &unknown) {
		if unknown.Suggestion != "" {
			return "", usagef("no doc page %q; did you mean %q? (kosmo doc --list lists the pages)", name, unknown.Suggestion)
		}
		return "", usagef("no doc page %q; the pages: %s", name, strings.Join(unknown.Pages, ", "))
	}
	return page, err
}
