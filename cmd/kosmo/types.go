package main

import (
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/docs"
)

func (a *app) newTypesCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "types",
		Short: "Write Lua language server annotations for app.integrations and the helpers",
		Long: `Write ---@meta annotations (a class per parameter table, enums as string unions, optional
fields, a class per result, the account subtables of the configured accounts, the helpers and
fs) so that an editor with the Lua language server completes
app.integrations.openai.openai_chat_completion{ ... } and types r.choices[1].message.content.`,
		Example: `  kosmo types -o kosmo_meta.lua   # then add it to Lua.workspace.library
  kosmo types --config kosmo.yaml # with that file's account names`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			names := map[string][]string{}
			if cfg, err := a.loadAccounts(cmd.Context(), true); err == nil {
				for in, set := range cfg {
					names[in] = set.Names()
				}
			}
			text := docs.LuaTypes(a.integrations, names)
			if out == "" || out == "-" {
				_, err := io.WriteString(a.env.Stdout, text)
				return err
			}
			return os.WriteFile(out, []byte(text), 0o644)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}
