package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
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
	"github.com/kosmo-run/kosmo/internal/fileread"
	"github.com/kosmo-run/kosmo/internal/secreturl"
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
	// auditFailOpen lets calls go on when the audit log cannot be written.
	auditFailOpen bool
}

func (p *policyFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&p.fake, "fake", false, "use the built-in fake OpenAI server (offline, no key needed; "+openaitest.DateEnv+"=YYYY-MM-DD sets its day)")
	f.BoolVar(&p.readOnly, "read-only", false, "refuse every write operation before it is sent")
	f.BoolVar(&p.dryRun, "dry-run", false, "validate write operations and return what would be sent, without sending")
	f.BoolVarP(&p.quiet, "quiet", "q", false, "no progress spinner on standard error")
	f.StringVar(&p.audit, "audit", "", "append one JSON line per call to FILE (no parameter values, no keys); once it cannot be written, calls are refused and kosmo exits non-zero")
	f.BoolVar(&p.auditFailOpen, "audit-fail-open", false, "with --audit: let calls go on when the audit log cannot be written (a warning at exit)")
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
	opts.timeout = DefaultTimeout
	f.Var((*duration)(&opts.timeout), "timeout", "wall-clock limit for the whole script, calls included (0: none)")
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

func (a *app) run(ctx context.Context, opts *runOptions) (err error) {
	name, src := "-e", opts.eval
	if opts.eval == "" {
		var err error
		if src, err = a.readScript(ctx, opts.script); err != nil {
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
	host, finish, err := a.newHost(ctx, &opts.policyFlags, opts.asJSON, configure)
	if err != nil {
		return err
	}
	defer func() { err = a.finishWith(err, finish()) }()
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

// finishWith returns err, or the error of finishing the host (the audit
// log) when err is nil; when both are there, the latter is printed.
func (a *app) finishWith(err, finishErr error) error {
	if finishErr == nil {
		return err
	}
	if err == nil {
		return finishErr
	}
	fmt.Fprintln(a.env.Stderr, "kosmo: "+oneLine(finishErr.Error()))
	return err
}

// auditFailed is an audit log that could not be written.
type auditFailed struct {
	path string
	err  error
}

func (e *auditFailed) Error() string {
	return fmt.Sprintf("the audit log %s could not be written: %v; calls were refused from then on (--audit-fail-open lets them go on)", e.path, e.err)
}

func (e *auditFailed) Unwrap() error { return e.err }

// newHost loads the accounts (pointing them at a fake when asked) and builds
// the host with the policy flags and, for scripts, configure (limits and
// grants; nil for none); finish stops what it started and returns the
// audit log's failure, unless --audit-fail-open.
func (a *app) newHost(ctx context.Context, p *policyFlags, captureOutput bool, configure func(*luabridge.Options)) (*kosmo.Host, func() error, error) {
	return a.newHostClient(ctx, p, captureOutput, configure, nil)
}

// newHostClient is newHost with the client that sends every call (nil: the
// default one).
func (a *app) newHostClient(ctx context.Context, p *policyFlags, captureOutput bool, configure func(*luabridge.Options), client *integration.Client) (*kosmo.Host, func() error, error) {
	loaded, err := a.loadAll(ctx, p.fake)
	if err != nil {
		return nil, nil, err
	}
	cfg := loaded.Accounts
	configure = a.protectOwnFiles(ctx, loaded, a.workPath(p.audit), configure)
	cleanup := func() {}
	// With --fake, assistants live in the host's own in-memory store, as
	// the fake's conversations live in its memory; otherwise in the store
	// file, opened on first use.
	var st store.Store
	if p.fake {
		dated, clock, err := a.fakeDate("")
		if err != nil {
			return nil, nil, err
		}
		opts := append(fakeBounds(), dated...)
		if anyNativeAssistants(cfg) {
			opts = append(opts, openaitest.WithLegacyAssistants())
		}
		srv := openaitest.NewServer(opts...)
		cleanup = srv.Close
		cfg = useFake(cfg, a.integrations, srv.BaseURL(), openaitest.DefaultAPIKey, clock)
	} else {
		if _, err := engine.Resolve(loaded.Store, a.storeEnv(ctx)); errors.Is(err, engine.ErrMistypedURL) {
			return nil, nil, &accounts.ConfigError{Err: err}
		}
		st = a.openStore(loaded.Store)
		closeFake := cleanup
		cleanup = func() {
			closeFake()
			if err := st.Close(); err != nil {
				fmt.Fprintf(a.env.Stderr, "kosmo: store: %v\n", err)
			}
		}
	}
	// Printed output is held only for a caller that answers with it
	// (--json), and then its last kosmo.DefaultKeepOutput bytes.
	var stdout io.Writer = a.env.Stdout
	keep := -1
	if captureOutput {
		stdout, keep = nil, 0
	}
	// With --fake, the rate budgets stay in this process: offline runs
	// neither need the shared Redis nor take shares of its budgets.
	rateStore := loaded.RateLimitStore
	if p.fake {
		rateStore = ""
	}
	client, closeClient, err := a.rateLimitedClient(ctx, rateStore, client)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	var (
		auditLog *audit.Writer
		gate     func() error
	)
	auditPath := a.workPath(p.audit)
	if p.audit != "" {
		if auditLog, err = audit.OpenContext(ctx, auditPath); err != nil {
			cleanup()
			closeClient()
			if ctx.Err() != nil {
				return nil, nil, err
			}
			return nil, nil, usagef("--audit: %v", err)
		}
	}
	if auditLog != nil && !p.auditFailOpen {
		gate = func() error {
			if err := auditLog.Err(); err != nil {
				return fmt.Errorf("refused: the audit log %s cannot be written (%v); --audit-fail-open lets calls go on without it", auditPath, err)
			}
			return nil
		}
	}
	notes := &noteSayer{w: a.env.Stderr, said: map[string]bool{}}
	spin := newSpinner(a.env.Stderr, a.env.terminal(a.env.Stderr) && !p.quiet && a.env.getenv("TERM") != "dumb")
	host := kosmo.New(kosmo.Options{
		Integrations: a.integrations,
		Accounts:     cfg,
		Client:       client,
		Stdout:       stdout,
		KeepOutput:   keep,
		ReadOnly:     p.readOnly,
		DryRun:       p.dryRun,
		OnCallStart:  spin.start,
		Gate:         gate,
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
	return host, func() error {
		spin.stop()
		cleanup()
		closeClient()
		_ = host.Close()
		if auditLog == nil {
			return nil
		}
		err := auditLog.Close()
		if err != nil && p.auditFailOpen {
			fmt.Fprintf(a.env.Stderr, "kosmo: warning: the audit log %s could not be written: %v (--audit-fail-open: calls went on)\n", auditPath, err)
			return nil
		}
		if err != nil {
			return &auditFailed{path: auditPath, err: err}
		}
		return nil
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

// workPath resolves a path the user gave against the working directory.
func (a *app) workPath(p string) string {
	if p == "" || filepath.IsAbs(p) || a.env.WorkDir == "" {
		return p
	}
	return filepath.Join(a.env.WorkDir, p)
}

func chunkName(script string) string {
	if script == "-" {
		return "stdin"
	}
	return script
}

// readScript reads the script from path ("-": standard input), at most
// luabridge.DefaultMaxSource bytes, the largest script a VM compiles;
// an interrupt ends a read blocked on a FIFO.
func (a *app) readScript(ctx context.Context, path string) (string, error) {
	var (
		data []byte
		err  error
	)
	if path == "-" {
		data, err = fileread.All(ctx, a.env.Stdin, luabridge.DefaultMaxSource)
	} else {
		data, err = fileread.File(ctx, path, luabridge.DefaultMaxSource)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return "", err
	case err != nil:
		return "", usagef("cannot read script %s: %v", chunkName(path), err)
	}
	return string(data), nil
}

func (a *app) loadAccounts(ctx context.Context, ignoreKeys bool) (accounts.Config, error) {
	l, err := a.loadAll(ctx, ignoreKeys)
	return l.Accounts, err
}

// loadAll reads the configuration: accounts and host settings.
// A config found in the working directory is named on standard error: a
// file there may have been put by someone else.
func (a *app) loadAll(ctx context.Context, ignoreKeys bool) (accounts.Loaded, error) {
	src := a.sources(ignoreKeys)
	src.Context = ctx
	l, err := accounts.LoadAll(src, a.integrations)
	if accounts.FromWorkDir(src, l.File) {
		fmt.Fprintln(a.env.Stderr, "kosmo: using the configuration in the working directory: "+l.File)
	}
	return l, err
}

func (a *app) sources(ignoreKeys bool) accounts.Sources {
	return accounts.Sources{
		ConfigFile: a.configFile,
		Getenv:     a.env.Getenv,
		HomeDir:    a.env.HomeDir,
		WorkDir:    a.env.WorkDir,
		IgnoreKeys: ignoreKeys,
		Account:    a.account,
		Warn:       func(msg string) { fmt.Fprintln(a.env.Stderr, "kosmo: warning: "+oneLine(msg)) },
	}
}

// protectOwnFiles adds to configure what no file grant covers: every
// config file kosmo would read, the key files, the audit log, the store
// (the SQLite file the store setting resolves to, with its -wal, -shm and
// -journal files) and the files that store: and rate_limit_store: read
// their values from (file:PATH); and the secrets to scrub from what
// scripts read: the keys and the passwords of the store's and the
// rate_limit_store's URLs.
func (a *app) protectOwnFiles(ctx context.Context, loaded accounts.Loaded, auditFile string, configure func(*luabridge.Options)) func(*luabridge.Options) {
	protected := accounts.ConfigCandidates(a.sources(false))
	if loaded.File != "" {
		protected = append(protected, loaded.File)
	}
	protected = append(protected, loaded.KeyFiles...)
	if auditFile != "" {
		protected = append(protected, auditFile)
	}
	var secrets []integration.Secret
	for _, setting := range []string{loaded.Store, loaded.RateLimitStore} {
		if path, ok := strings.CutPrefix(setting, "file:"); ok {
			protected = append(protected, a.workPath(path))
		}
	}
	if t, err := engine.Resolve(loaded.Store, a.storeEnv(ctx)); err == nil && t.Engine == engine.SQLite {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			protected = append(protected, a.workPath(t.Location)+suffix)
		}
	} else if err == nil {
		secrets = append(secrets, urlSecrets(t.Location)...)
	}
	if loaded.RateLimitStore != "" {
		if url, _, err := engine.Indirect("rate_limit_store", loaded.RateLimitStore, a.storeEnv(ctx)); err == nil {
			secrets = append(secrets, urlSecrets(url)...)
		}
	}
	for _, in := range a.integrations {
		if v := a.env.getenv(in.Env.APIKey); v != "" {
			secrets = append(secrets, integration.NewSecret(v))
		}
		if set := loaded.Accounts[in.Name]; set != nil {
			for _, acct := range set.Accounts {
				if !acct.Key.IsZero() {
					secrets = append(secrets, acct.Key)
				}
			}
		}
	}
	return func(o *luabridge.Options) {
		if configure != nil {
			configure(o)
		}
		o.Files.Protected = append(append([]string(nil), o.Files.Protected...), protected...)
		o.Files.Secrets = append(append([]integration.Secret(nil), o.Files.Secrets...), secrets...)
	}
}

// urlSecrets are the passwords a store or Redis URL holds.
func urlSecrets(rawURL string) []integration.Secret {
	var out []integration.Secret
	for _, pw := range secreturl.Passwords(rawURL) {
		out = append(out, integration.NewSecret(pw))
	}
	return out
}

// maxSettingFile bounds what a file: setting (store, rate_limit_store)
// reads: a URL or a path.
const maxSettingFile = 64 << 10

// storeEnv is what resolving the store and rate_limit_store settings
// reads; a file: setting is read with a bound, until ctx ends (a FIFO
// nobody writes does not hold kosmo past an interrupt).
func (a *app) storeEnv(ctx context.Context) engine.Env {
	return engine.Env{
		Getenv:      a.env.Getenv,
		ReadFile:    func(path string) ([]byte, error) { return fileread.File(ctx, path, maxSettingFile) },
		DefaultPath: sqlite.DefaultPath(a.env.Getenv, a.env.HomeDir),
	}
}

// openStore returns the store the setting names (a SQLite file, the
// default place when "", or a PostgreSQL URL; see store/engine), opened
// when a script first uses it, so that scripts that never do create no
// file and open no connection.
func (a *app) openStore(setting string) *store.LazyStore {
	return store.Lazy(func(ctx context.Context) (store.Store, error) {
		return engine.Open(ctx, setting, a.storeEnv(ctx))
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

// useFake points every account at the fake server with its key and clock
// (nil: the host's), and gives an integration with no account a default
// one, so that any script that runs against the real API runs offline
// unchanged.
func useFake(cfg accounts.Config, integrations []*integration.Integration, baseURL, key string, clock func() time.Time) accounts.Config {
	out := accounts.Config{}
	for _, in := range integrations {
		set := &accounts.Set{Default: accounts.DefaultName}
		if old := cfg[in.Name]; old != nil && len(old.Accounts) > 0 {
			set.Default = old.Default
			for _, acct := range old.Accounts {
				c := *acct
				c.BaseURL, c.Key, c.KeySource, c.Organization, c.Project, c.Clock = baseURL, integration.NewSecret(key), "fake", "", "", clock
				set.Accounts = append(set.Accounts, &c)
			}
		} else {
			set.Accounts = []*integration.Account{{Name: accounts.DefaultName, BaseURL: baseURL, Key: integration.NewSecret(key), KeySource: "fake", Clock: clock}}
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
			fmt.Fprintf(n.w, "kosmo: note: %s\n", oneLine(msg))
		}
	}
}
