// Package kosmo embeds the kosmo host in a Go program: it runs Lua scripts
// that call third-party APIs through app.integrations.<name>.*, with named
// accounts, validation by the functions' specs and the reference docs.
//
// A Host is built once and is safe for concurrent use; every Run gets a
// fresh sandboxed VM, so many scripts can run at once.
package kosmo

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/docs"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai"
	"github.com/kosmo-run/kosmo/luabridge"
	"github.com/kosmo-run/kosmo/store"
	"github.com/kosmo-run/kosmo/store/sqlite"
)

// Options configure a Host. The zero value gives the OpenAI integration with
// no account.
type Options struct {
	// Integrations available to scripts; nil means OpenAI alone.
	Integrations []*integration.Integration
	// Accounts per integration name; see LoadAccounts.
	Accounts accounts.Config
	// Client sends every call; nil uses integration.NewClient().
	Client *integration.Client
	// Stdout receives what scripts print, besides Result.Output; nil keeps it
	// in Result.Output only.
	Stdout io.Writer
	// KeepOutput is how much of what a script prints Result.Output keeps:
	// the last KeepOutput bytes, after a line saying how much was left out
	// before them. Zero keeps DefaultKeepOutput; negative keeps nothing
	// (what is printed goes to Stdout alone, and memory holds none of it).
	KeepOutput int
	// ReadOnly refuses write operations; DryRun returns what a write would
	// send instead of sending it.
	ReadOnly, DryRun bool
	// OnCall is told of every integration call, from the goroutine of the
	// script that made it.
	OnCall func(Call)
	// OnCallStart is told when a call is about to be sent.
	OnCallStart func(function, account string)
	// Gate, when set, is asked before every call (from scripts and Call);
	// an error refuses the call with a *integration.PolicyError.
	Gate func() error
	// Configure, when set, adjusts the options of every VM (limits, grants).
	Configure func(*luabridge.Options)
	// Store keeps what functions keep on the host's side: OpenAI's
	// assistants, since OpenAI no longer does. Nil gives the Host its own
	// in-memory store, opened on first use, whose objects live as long as
	// the Host; the kosmo CLI passes a SQLite file under the XDG data
	// directory (store/sqlite).
	Store store.Store
}

// DefaultKeepOutput is how much printed output Result.Output keeps unless
// Options.KeepOutput says: the last 4 MiB.
const DefaultKeepOutput = 4 << 20

// Call describes one integration call; it holds no argument values and no
// credentials.
type Call = luabridge.CallRecord

// Result is what a finished script gave back.
type Result struct {
	// Values are the script's return values, as JSON-shaped Go values.
	Values []any
	// Output is what the script printed: the last Options.KeepOutput
	// bytes, after a line "[… N bytes of output left out …]" when it
	// printed more.
	Output string
	// Calls lists the integration calls the script made, in order.
	Calls []Call
	// Duration is the script's wall-clock time.
	Duration time.Duration
}

// Host runs scripts. It is immutable after New and safe for concurrent use.
type Host struct {
	opts  Options
	docs  *docs.Library
	store store.Store
}

// New builds a Host.
func New(opts Options) *Host {
	if opts.Integrations == nil {
		opts.Integrations = []*integration.Integration{openai.New()}
	}
	if opts.Client == nil {
		opts.Client = integration.NewClient()
	}
	h := &Host{opts: opts, docs: docs.New(opts.Integrations...), store: opts.Store}
	if h.store == nil {
		h.store = store.Lazy(func(ctx context.Context) (store.Store, error) { return sqlite.Open(ctx, ":memory:") })
	}
	return h
}

// Close releases what the Host opened itself (its in-memory store); a Store
// given in Options is the caller's to close.
func (h *Host) Close() error {
	if h.opts.Store == nil {
		return h.store.Close()
	}
	return nil
}

// LoadAccounts reads accounts the way the kosmo CLI does: the config file
// (src.ConfigFile or the search path) and the environment.
func LoadAccounts(src accounts.Sources, integrations ...*integration.Integration) (accounts.Config, error) {
	if len(integrations) == 0 {
		integrations = []*integration.Integration{openai.New()}
	}
	cfg, _, err := accounts.Load(src, integrations)
	return cfg, err
}

// Run runs src (named name in error messages) in a fresh VM under ctx,
// which bounds the script and every call it makes. A script error is a
// *luabridge.ScriptError; the Result holds what was printed and called up
// to the failure.
func (h *Host) Run(ctx context.Context, name, src string) (*Result, error) {
	start := time.Now()
	var (
		mu    sync.Mutex
		calls []Call
	)
	out := &tailBuffer{keep: h.opts.KeepOutput}
	if out.keep == 0 {
		out.keep = DefaultKeepOutput
	}
	var stdout io.Writer = out
	switch {
	case h.opts.Stdout != nil && out.keep < 0:
		stdout = h.opts.Stdout
	case h.opts.Stdout != nil:
		stdout = io.MultiWriter(out, h.opts.Stdout)
	}
	vmOpts := luabridge.Options{
		Integrations: h.opts.Integrations,
		Accounts:     h.opts.Accounts,
		Client:       h.opts.Client,
		Docs:         h.docs,
		Stdout:       stdout,
		ReadOnly:     h.opts.ReadOnly,
		DryRun:       h.opts.DryRun,
		OnCall: func(c Call) {
			mu.Lock()
			calls = append(calls, c)
			mu.Unlock()
			if h.opts.OnCall != nil {
				h.opts.OnCall(c)
			}
		},
		OnCallStart: h.opts.OnCallStart,
		Gate:        h.opts.Gate,
		Store:       h.store,
	}
	if h.opts.Configure != nil {
		h.opts.Configure(&vmOpts)
	}
	vm := luabridge.New(vmOpts)
	defer vm.Close()
	values, err := vm.Run(ctx, name, src)
	mu.Lock()
	defer mu.Unlock()
	return &Result{Values: values, Output: out.String(), Calls: append([]Call(nil), calls...), Duration: time.Since(start)}, err
}

// tailBuffer keeps the last keep bytes written to it (none when keep is
// negative) and counts those it dropped. A script abandoned by Run (stuck
// in Go code past its deadline) may still write to it while Run reads it.
type tailBuffer struct {
	mu      sync.Mutex
	keep    int
	buf     []byte
	dropped int64
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(p)
	if b.keep < 0 {
		b.dropped += int64(n)
		return n, nil
	}
	if len(p) > b.keep {
		b.dropped += int64(len(b.buf) + len(p) - b.keep)
		b.buf = append(b.buf[:0], p[len(p)-b.keep:]...)
		return n, nil
	}
	b.buf = append(b.buf, p...)
	// Drop the oldest bytes once twice the kept size is held: each byte
	// is moved at most once.
	if len(b.buf) >= 2*b.keep && len(b.buf) > b.keep {
		cut := len(b.buf) - b.keep
		b.dropped += int64(cut)
		b.buf = append(b.buf[:0], b.buf[cut:]...)
	}
	return n, nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	data, dropped := b.buf, b.dropped
	if b.keep >= 0 && len(data) > b.keep {
		dropped += int64(len(data) - b.keep)
		data = data[len(data)-b.keep:]
	}
	if dropped == 0 || b.keep < 0 {
		return string(data)
	}
	return fmt.Sprintf("[… %d bytes of output left out; the last %d bytes follow …]\n", dropped, len(data)) + string(data)
}

// ReadDoc returns a reference page, as lua_read_doc does.
func (h *Host) ReadDoc(page string) (string, error) { return h.docs.Read(page) }

// Integrations lists the host's integrations, in order.
func (h *Host) Integrations() []*integration.Integration { return h.opts.Integrations }

// AccountNames lists an integration's account names (sorted) and its
// default account; never keys.
func (h *Host) AccountNames(integration string) (names []string, def string) {
	set := h.opts.Accounts[integration]
	if set == nil {
		return nil, ""
	}
	return set.Names(), set.Default
}

// RunWith is Run with configure applied to the VM's options after the
// Host's own Configure: limits lowered for one run, an OnCall of its own
// (configure wraps the one it finds), a different Stdout. The Host is not
// changed.
func (h *Host) RunWith(ctx context.Context, name, src string, configure func(*luabridge.Options)) (*Result, error) {
	if configure == nil {
		return h.Run(ctx, name, src)
	}
	c := *h
	base := h.opts.Configure
	c.opts.Configure = func(o *luabridge.Options) {
		if base != nil {
			base(o)
		}
		configure(o)
	}
	return c.Run(ctx, name, src)
}

// Docs returns the reference library that lua_read_doc, lua_list_docs and
// lua_search_docs serve to the Host's scripts.
func (h *Host) Docs() *docs.Library { return h.docs }
