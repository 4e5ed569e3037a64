package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
)

// DefaultTimeout is the wall-clock limit of a script unless --timeout says.
const DefaultTimeout = 10 * time.Minute

type runOptions struct {
	script   string
	fake     bool
	timeout  time.Duration
	readOnly bool
	dryRun   bool
}

func (a *app) newRunCmd() *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run SCRIPT.lua",
		Short: "Run a Lua script (use - to read it from standard input)",
		Example: `  kosmo run agent.lua                # real OpenAI with OPENAI_API_KEY or the config file's accounts
  kosmo run --fake agent.lua         # the same script against the built-in fake, no key needed
  kosmo run --timeout 30s agent.lua  # stop the script after 30 seconds (exit code 5)
  kosmo run --read-only agent.lua    # refuse every write operation`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.script = args[0]
			return a.run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.fake, "fake", false, "run against the built-in fake OpenAI server (offline, no key needed)")
	f.DurationVar(&opts.timeout, "timeout", DefaultTimeout, "wall-clock limit for the whole script, calls included (0: none)")
	f.BoolVar(&opts.readOnly, "read-only", false, "refuse every write operation before it is sent")
	f.BoolVar(&opts.dryRun, "dry-run", false, "validate write operations and return what would be sent, without sending")
	return cmd
}

func (a *app) run(ctx context.Context, opts *runOptions) error {
	src, err := a.readScript(opts.script)
	if err != nil {
		return err
	}
	cfg, err := a.loadAccounts(opts.fake)
	if err != nil {
		return err
	}
	if opts.fake {
		srv := openaitest.NewServer()
		defer srv.Close()
		cfg = useFake(cfg, a.integrations, srv.BaseURL(), openaitest.DefaultAPIKey)
	}
	if opts.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opts.timeout, errTimeout)
		defer cancel()
	}
	vm := luabridge.New(luabridge.Options{
		Integrations: a.integrations,
		Accounts:     cfg,
		Stdout:       a.env.Stdout,
		ReadOnly:     opts.readOnly,
		DryRun:       opts.dryRun,
	})
	defer vm.Close()
	_, err = vm.Run(ctx, chunkName(opts.script), src)
	return err
}

func chunkName(script string) string {
	if script == "-" {
		return "stdin"
	}
	return script
}

func (a *app) readScript(path string) (string, error) {
	var (
		data []byte
		err  error
	)
	if path == "-" {
		data, err = io.ReadAll(a.env.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return "", usagef("cannot read script: %v", err)
	}
	return string(data), nil
}

func (a *app) loadAccounts(ignoreKeys bool) (accounts.Config, error) {
	cfg, _, err := accounts.Load(accounts.Sources{
		ConfigFile: a.configFile,
		Getenv:     a.env.Getenv,
		HomeDir:    a.env.HomeDir,
		WorkDir:    a.env.WorkDir,
		IgnoreKeys: ignoreKeys,
		Account:    a.account,
		Warn:       func(msg string) { fmt.Fprintln(a.env.Stderr, "kosmo: warning: "+msg) },
	}, a.integrations)
	return cfg, err
}

// useFake points every account at the fake server with its key, and gives an
// integration with no account a default one, so that any script that runs
// against the real API runs offline unchanged.
func useFake(cfg accounts.Config, integrations []*integration.Integration, baseURL, key string) accounts.Config {
	out := accounts.Config{}
	for _, in := range integrations {
		set := &accounts.Set{Default: accounts.DefaultName}
		if old := cfg[in.Name]; old != nil && len(old.Accounts) > 0 {
			set.Default = old.Default
			for _, acct := range old.Accounts {
				c := *acct
				c.BaseURL, c.Key, c.KeySource, c.Organization, c.Project = baseURL, integration.NewSecret(key), "fake", "", ""
				set.Accounts = append(set.Accounts, &c)
			}
		} else {
			set.Accounts = []*integration.Account{{Name: accounts.DefaultName, BaseURL: baseURL, Key: integration.NewSecret(key), KeySource: "fake"}}
		}
		out[in.Name] = set
	}
	return out
}
