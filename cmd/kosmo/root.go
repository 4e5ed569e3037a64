package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// app holds what every command shares.
type app struct {
	env          Env
	integrations []*integration.Integration
	configFile   string
	account      string
}

// Main runs the CLI with args and returns the exit code. Errors are printed
// once, here.
func Main(ctx context.Context, args []string, env Env) int {
	a := &app{env: env, integrations: []*integration.Integration{openai.New()}}
	root := a.newRootCmd()
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	var already *reported
	if err != nil && !errors.As(err, &already) {
		fmt.Fprintln(env.Stderr, "kosmo: "+err.Error())
	}
	return exitCode(err)
}

// argsUsage wraps a cobra argument check so that its failure is a usage error.
func argsUsage(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &usageError{err.Error() + " (see '" + cmd.CommandPath() + " --help')"}
		}
		return nil
	}
}

func (a *app) newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "kosmo",
		Short: "Run agent Lua scripts against real APIs",
		Long: `kosmo runs Lua scripts that call third-party APIs through app.integrations.<name>.*.
The first integration is OpenAI: 15 functions, named accounts, and reference docs
that a script reads at runtime with lua_read_doc("integrations.openai").`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: argsUsage(func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q", args[0])
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err.Error() + " (see '" + cmd.CommandPath() + " --help')"}
	})
	root.PersistentFlags().StringVar(&a.configFile, "config", "", "config file (default: $KOSMO_CONFIG, $XDG_CONFIG_HOME/kosmo/config.yaml, ./kosmo.yaml)")
	root.PersistentFlags().StringVar(&a.account, "account", "", "make this account the default (overrides the config file and KOSMO_OPENAI_ACCOUNT)")
	root.AddCommand(a.newRunCmd(), a.newDocCmd(), a.newFakeCmd(), a.newAccountsCmd(), a.newCallCmd(), a.newVersionCmd(), a.newMCPCmd(), a.newTypesCmd())
	return root
}

func (a *app) newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print kosmo's version",
		Example: "  kosmo version",
		Args:    argsUsage(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(a.env.Stdout, "kosmo %s\n", version)
			return err
		},
	}
}
