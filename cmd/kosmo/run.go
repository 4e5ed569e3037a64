package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/audit"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/luabridge"
	"github.com/kosmo-run/kosmo/store"
	"github.com/kosmo-run/kosmo/store/engine"
	"github.com/kosmo-run/kosmo/store/sqlite"
)

// DefaultTimeout is the wall-clock limit of a script unless --timeout says.
const DefaultTimeout = 10 * time.Minute

// policyFlags are the flags that run and call share.
type policyFlags struct {
	fake     bool
	readOnly bool
	dryRun   bool
	quiet    bool
	audit    string
}

func (p *policyFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&p.fake, "fake", false, "use the built-in fake OpenAI server (offline, no key needed)")
	f.BoolVar(&p.readOnly, "read-only", false, "refuse every write operation before it is sent")
	f.BoolVar(&p.dryRun, "dry-run", false, "validate write operations and return what would be sent, without sending")
	f.BoolVarP(&p.quiet, "quiet", "q", false, "no progress spinner on standard error")
	f.StringVar(&p.audit, "audit", "", "append one JSON line per call to FILE (no parameter values, no keys)")
}

type runOptions struct {
	policyFlags
	limits  *limitFlags
	script  string
	eval    string
	timeout time.Duration
	asJSON  bool
	// args are the script's arguments (arg[1..n] and ...).
	args []string
	// allowStdin lets the script read standard input (stdin.read, stdin.lines).
	allowStdin bool
}

func (a *app) newRunCmd() *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [SCRIPT.lua | - | -e CODE --] [ARG...]",
		Short: "Run a Lua script (a file, - for standard input, or -e CODE)",
		Example: `  kosmo run agent.lua                # real OpenAI with OPENAI_API_KEY or the config file's accounts
  kosmo run --fake agent.lua         # the same script against the built-in fake, no key needed
  kosmo run -e 'return #app.integrations.openai.openai_list_models().data' --fake
  echo 'print("hi")' | kosmo run -   # the script on standard input
  kosmo run --json --fake agent.lua  # one JSON envelope: ok, output, error, result, duration_ms, calls
  kosmo run --timeout 30s agent.lua  # stop the script after 30 seconds (exit code 5)
  kosmo run --read-only agent.lua    # refuse every write operation
  kosmo run --fake agent.lua a b     # arguments: arg[1] == "a", arg[2] == "b", and ... in the script
  kosmo run --fake agent.lua -- -n 3 # arguments that start with - go after --
  kosmo run --fake -e 'print(...)' -- a b
  cat notes.txt | kosmo run --allow-stdin summarize.lua   # stdin.read("a") reads standard input`,
		Args: argsUsage(func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.eval != "" && len(args) > 0 && cmd.ArgsLenAtDash() != 0:
				return errors.New("give either -e CODE or a script, not both (arguments for -e CODE go after --: kosmo run -e CODE -- a b)")
			case opts.eval == "" && len(args) == 0:
				return fmt.Errorf("accepts 1 arg(s), received %d", len(args))
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.args = args
			if opts.eval == "" {
				opts.script, opts.args = args[0], args[1:]
			}
			return a.run(cmd.Context(), opts)
		},
	}
	opts.policyFlags.register(cmd)
	opts.limits = addLimitFlags(cmd)
	f := cmd.Flags()
	f.StringVarP(&opts.eval, "eval", "e", "", "run this Lua code instead of a script file")
	f.DurationVar(&opts.timeout, "timeout", DefaultTimeout, "wall-clock limit for the whole script, calls included (0: none)")
	f.BoolVar(&opts.asJSON, "json", false, "print one JSON envelope {ok, output, error, result, duration_ms, calls}")
	f.BoolVar(&opts.allowStdin, "allow-stdin", false, "let the script read standard input with stdin.read and stdin.lines")
	return cmd
}

// runEnvelope is `kosmo run --json`'s output.
type runEnvelope struct {
	OK         bool       `json:"ok"`
	Output     string     `json:"output"`
	Error      *errorView `json:"error"`
	Result     []any      `json:"result"`
	DurationMS int64      `json:"duration_ms"`
	Calls      []callView `json:"calls"`
}

// callView is one integration call in an envelope.
type callView struct {
	Function   string `json:"function"`
	Account    string `json:"account"`
	Status     int    `json:"status"`
	DurationMS int64  `json:"duration_ms"`
	Attempts   int    `json:"attempts"`
	RequestID  string `json:"request_id,omitempty"`
	// Requests lists each HTTP request of a function that makes its own.
	Requests []audit.RequestLine `json:"requests,omitempty"`
	// Notes are what the call did on the script's behalf (drop_params).
	Notes []string `json:"notes,omitempty"`
}

func (a *app) run(ctx context.Context, opts *runOptions) error {
	name, src := "-e", opts.eval
	if opts.eval == "" {
		var err error
		if src, err = a.readScript(opts.script); err != nil {
			return err
		}
		name = chunkName(opts.script)
	}
	configure, err := opts.limits.configure(a.env.WorkDir)
	if err != nil {
		return err
	}
	configure, err = a.scriptInputs(opts, configure)
	if err != nil {
		return err
	}
	host, cleanup, err := a.newHost(&opts.policyFlags, opts.asJSON, configure)
	if err != nil {
		return err
	}
	defer cleanup()
	if opts.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opts.timeout, errTimeout)
		defer cancel()
	}
	res, err := host.Run(ctx, name, src)
	if opts.asJSON {
		env := runEnvelope{OK: err == nil, Output: res.Output, Error: viewError(err), Result: res.Values,
			DurationMS: res.Duration.Milliseconds(), Calls: viewCalls(res.Calls)}
		if env.Result == nil {
			env.Result = []any{}
		}
		if werr := a.writeJSON(env); werr != nil {
			return werr
		}
		if err != nil {
			return &reported{err}
		}
		return nil
	}
	if err != nil {
		return err
	}
	for _, v := range res.Values {
		if err := writeJSONTo(a.env.Stdout, v, false); err != nil {
			return err
		}
	}
	return nil
}

func viewCalls(calls []kosmo.Call) []callView {
	out := make([]callView, 0, len(calls))
	for _, c := range calls {
		out = append(out, callView{Function: c.Function, Account: c.Account, Status: c.Status,
			DurationMS: c.Duration.Milliseconds(), Attempts: c.Attempts, RequestID: c.RequestID, Requests: audit.Requests(c.CallInfo), Notes: c.Notes})
	}
	return out
}

// newHost loads the accounts (pointing them at a fake when asked) and builds
// the host with the policy flags and, for scripts, configure (limits and
// grants; nil for none); cleanup stops what it started.
func (a *app) newHost(p *policyFlags, captureOutput bool, configure func(*luabridge.Options)) (*kosmo.Host, func(), error) {
	loaded, err := a.loadAll(p.fake)
	if err != nil {
		return nil, nil, err
	}
	cfg := loaded.Accounts
	cleanup := func() {}
	// With --fake, assistants live in the host's own in-memory store, as
	// the fake's conversations live in its memory; otherwise in the store
	// file, opened on first use.
	var st store.Store
	if p.fake {
		var opts []openaitest.Option
		if anyNativeAssistants(cfg) {
			opts = append(opts, openaitest.WithLegacyAssistants())
		}
		srv := openaitest.NewServer(opts...)
		cleanup = srv.Close
		cfg = useFake(cfg, a.integrations, srv.BaseURL(), openaitest.DefaultAPIKey)
	} else {
		st = a.openStore(loaded.Store)
		closeFake := cleanup
		cleanup = func() {
			closeFake()
			if err := st.Close(); err != nil {
				fmt.Fprintf(a.env.Stderr, "kosmo: store: %v\n", err)
			}
		}
	}
	var stdout io.Writer = a.env.Stdout
	if captureOutput {
		stdout = nil
	}
	client, closeClient, err := a.rateLimitedClient(loaded.RateLimitStore)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	var auditLog *audit.Writer
	if p.audit != "" {
		if auditLog, err = audit.Open(p.audit); err != nil {
			cleanup()
			closeClient()
			return nil, nil, usagef("--audit: %v", err)
		}
	}
	notes := &noteSayer{w: a.env.Stderr, said: map[string]bool{}}
	spin := newSpinner(a.env.Stderr, a.env.terminal(a.env.Stderr) && !p.quiet && a.env.getenv("TERM") != "dumb")
	host := kosmo.New(kosmo.Options{
		Integrations: a.integrations,
		Accounts:     cfg,
		Client:       client,
		Stdout:       stdout,
		ReadOnly:     p.readOnly,
		DryRun:       p.dryRun,
		OnCallStart:  spin.start,
		Configure:    configure,
		Store:        st,
		OnCall: func(c kosmo.Call) {
			spin.stop()
			notes.say(c.Notes)
			if auditLog != nil {
				auditLog.OnCall(c)
			}
		},
	})
	return host, func() {
		spin.stop()
		cleanup()
		closeClient()
		_ = host.Close()
		if auditLog != nil {
			if err := auditLog.Close(); err != nil {
				fmt.Fprintf(a.env.Stderr, "kosmo: audit log: %v\n", err)
			}
		}
	}, nil
}

// scriptInputs adds the script's arguments and, with --allow-stdin, the
// standard input to what configure gives every VM.
func (a *app) scriptInputs(opts *runOptions, configure func(*luabridge.Options)) (func(*luabridge.Options), error) {
	var stdin io.Reader
	if opts.allowStdin {
		if opts.script == "-" {
			return nil, usagef("--allow-stdin: standard input holds the script (kosmo run -); give the script as a file or with -e")
		}
		stdin = a.env.Stdin
		if stdin == nil {
			stdin = strings.NewReader("")
		}
	}
	args := opts.args
	return func(o *luabridge.Options) {
		if configure != nil {
			configure(o)
		}
		o.Args, o.Stdin = args, stdin
	}, nil
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
	l, err := a.loadAll(ignoreKeys)
	return l.Accounts, err
}

// loadAll reads the configuration: accounts and host settings.
func (a *app) loadAll(ignoreKeys bool) (accounts.Loaded, error) {
	return accounts.LoadAll(accounts.Sources{
		ConfigFile: a.configFile,
		Getenv:     a.env.Getenv,
		HomeDir:    a.env.HomeDir,
		WorkDir:    a.env.WorkDir,
		IgnoreKeys: ignoreKeys,
		Account:    a.account,
		Warn:       func(msg string) { fmt.Fprintln(a.env.Stderr, "kosmo: warning: "+msg) },
	}, a.integrations)
}

// openStore returns the store the setting names (a SQLite file, the
// default place when "", or a PostgreSQL URL; see store/engine), opened
// when a script first uses it, so that scripts that never do create no
// file and open no connection.
func (a *app) openStore(setting string) *store.LazyStore {
	env := engine.Env{Getenv: a.env.Getenv, DefaultPath: sqlite.DefaultPath(a.env.Getenv, a.env.HomeDir)}
	return store.Lazy(func(ctx context.Context) (store.Store, error) {
		return engine.Open(ctx, setting, env)
	})
}

// anyNativeAssistants reports whether an OpenAI account uses the Assistants
// API itself (assistants: native).
func anyNativeAssistants(cfg accounts.Config) bool {
	set := cfg[openai.Name]
	if set == nil {
		return false
	}
	for _, acct := range set.Accounts {
		if acct.Settings[openai.SettingAssistants] == openai.AssistantsNative {
			return true
		}
	}
	return false
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

// noteSayer prints each distinct note of the calls once, on standard error:
// a script that drops the same parameter in a loop is told once.
type noteSayer struct {
	mu   sync.Mutex
	w    io.Writer
	said map[string]bool
}

func (n *noteSayer) say(notes []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, msg := range notes {
		if !n.said[msg] {
			n.said[msg] = true
			fmt.Fprintf(n.w, "kosmo: note: %s\n", msg)
		}
	}
}
