package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
)

// version is set at build time with -ldflags "-X main.version=…"; without
// it, the build information of the binary says which version it is.
var version = "dev"

func init() {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	version = versionFrom(version, info)
}

// versionFrom is the version kosmo reports: the one stamped with -ldflags
// when there is one; else the module version of `go install …@v1.2.3` (or
// the pseudo-version Go derives from the repository); else the repository's
// revision, with "-dirty" when the work tree had changes; else "dev".
func versionFrom(stamped string, info *debug.BuildInfo) string {
	if stamped != "" && stamped != "dev" {
		return stamped
	}
	if info == nil {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision == "" {
		return "dev"
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	if modified == "true" {
		revision += "-dirty"
	}
	return revision
}

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
	err := root.ExecuteContext(ctx)
	var already *reported
	if err != nil && !errors.As(err, &already) {
		fmt.Fprintln(env.Stderr, "kosmo: "+oneLine(err.Error()))
	}
	return exitCode(err)
}

// missingArgs says what a command expects when it is given no argument at
// all, in place of cobra's "accepts 1 arg(s), received 0".
var missingArgs = map[string]string{
	"kosmo run":  "a script is expected: a file (kosmo run agent.lua), - to read it from standard input, or -e CODE",
	"kosmo call": "a function is expected, e.g. kosmo call openai.openai_list_models (kosmo doc --list lists them)",
}

// argsUsage wraps a cobra argument check so that its failure is a usage error.
func argsUsage(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			msg := err.Error()
			if expected, ok := missingArgs[cmd.CommandPath()]; ok && len(args) == 0 {
				msg = expected
			}
			return &usageError{msg + " (see '" + cmd.CommandPath() + " --help')"}
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
	// The streams are set before the completion command is made: it keeps
	// the standard output it is made with.
	root.SetIn(a.env.Stdin)
	root.SetOut(a.env.Stdout)
	root.SetErr(a.env.Stderr)
	addCompletionExamples(root)
	return root
}

// completionExamples are the examples of `kosmo completion` and of its one
// command per shell.
var completionExamples = map[string]string{
	"completion": `  source <(kosmo completion bash)                                # bash, in this shell
  kosmo completion bash > /etc/bash_completion.d/kosmo           # bash, in every new shell
  kosmo completion zsh > "${fpath[1]}/_kosmo"                    # zsh
  kosmo completion fish > ~/.config/fish/completions/kosmo.fish  # fish
  kosmo completion powershell | Out-String | Invoke-Expression   # PowerShell`,
	"bash": `  source <(kosmo completion bash)                       # in this shell
  kosmo completion bash > /etc/bash_completion.d/kosmo  # in every new shell`,
	"zsh": `  source <(kosmo completion zsh)               # in this shell
  kosmo completion zsh > "${fpath[1]}/_kosmo"  # in every new shell`,
	"fish": `  kosmo completion fish | source                                 # in this shell
  kosmo completion fish > ~/.config/fish/completions/kosmo.fish  # in every new shell`,
	"powershell": `  kosmo completion powershell | Out-String | Invoke-Expression  # in this shell
  kosmo completion powershell >> $PROFILE                       # in every new shell`,
}

// addCompletionExamples adds cobra's completion command now rather than
// when it runs, so that its help and its shells' have examples too.
func addCompletionExamples(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Example = completionExamples["completion"]
		for _, shell := range c.Commands() {
			shell.Example = completionExamples[shell.Name()]
		}
	}
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
