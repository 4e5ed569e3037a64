package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/docs"
)

func (a *app) newDocCmd() *cobra.Command {
	var list bool
	cmd := &cobra.Command{
		Use:   "doc [PAGE]",
		Short: "Print a reference page (the same text as lua_read_doc)",
		Example: `  kosmo doc integrations.openai                       # the whole OpenAI reference
  kosmo doc integrations.openai.openai_create_image   # one function
  kosmo doc --list                                    # every page`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			lib := docs.New(a.integrations...)
			if list {
				for _, p := range lib.Pages() {
					fmt.Fprintln(a.env.Stdout, p)
				}
				return nil
			}
			page := docs.PagePrefix + a.integrations[0].Name
			if len(args) == 1 {
				page = args[0]
			}
			text, err := lib.Read(page)
			if err != nil {
				return usagef("%v", err)
			}
			_, err = io.WriteString(a.env.Stdout, text)
			return err
		},
	}
	cmd.Flags().BoolVar(&list, "list", false, "list the pages")
	return cmd
}
