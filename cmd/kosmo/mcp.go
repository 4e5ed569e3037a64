package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/internal/fileread"
	"github.com/kosmo-run/kosmo/luabridge"
	"github.com/kosmo-run/kosmo/mcpgateway"
)

// TokenEnv is the environment variable that holds the access token of
// `kosmo mcp serve --http`.
const TokenEnv = "KOSMO_MCP_TOKEN"

// mcpOptions are the flags of `kosmo mcp serve`.
type mcpOptions struct {
	policyFlags
	allowWrite bool
	timeout    *timeoutFlag
	maxMemory  byteSize
	concurrent int
	tools      string
	httpAddr   string
	tokenFile  string
	allowRead  []string
}

func (a *app) newMCPCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the integrations to other agents over the Model Context Protocol",
		Example: `  kosmo mcp serve                        # execute_lua, the doc tools and the read functions over stdio
  kosmo mcp serve --allow-write --fake   # every tool, writes allowed, against the built-in fake
  kosmo mcp serve --tools code           # only execute_lua and the doc tools
  kosmo mcp serve --http 127.0.0.1:8765  # Streamable HTTP at http://127.0.0.1:8765/mcp
  kosmo mcp serve --timeout 2m           # bound each tool call`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	o := &mcpOptions{maxMemory: DefaultMaxMemory}
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve execute_lua, the doc tools and one tool per function over stdio or HTTP",
		Long: `Serve kosmo as MCP tools, over stdio (the default) or Streamable HTTP (--http ADDR, at /mcp).

Tools (--tools code|functions|all, default all):
  code:      execute_lua (arguments: code; timeout in seconds and memory_limit in MiB,
             optional, never above --timeout and --max-memory) runs a Lua script in a fresh
             sandboxed VM and answers with its output, return values (JSON), error table,
             calls and duration; lua_read_doc, lua_list_docs and lua_search_docs give the
             reference, the same text as inside a script.
  functions: one tool per function (openai_chat_completion, …), its input schema from the
             function's spec, with an optional "account" argument; read functions are
             marked readOnlyHint.

Limits, as kosmo run's: --timeout bounds each call and --max-memory the whole process (a
script past it is stopped). At most --max-concurrent calls (default 4) run at once, the
others wait; each API answer is capped to a quarter of --max-memory divided by that number
(an answer over it is a tool error of type invalid_response). Messages over stdio may be up
to 48 MiB (25 MB of audio as base64); a malformed one is answered with a JSON-RPC error.

Read-only unless --allow-write: write functions are not offered as tools and scripts are
refused them. --dry-run and --audit FILE apply to every call, from a tool or a script.

Over HTTP, an address that is not loopback needs an access token (kosmo refuses to start
without one), taken from the environment (KOSMO_MCP_TOKEN) or a file (--token-file FILE),
never from a flag's value; once set it is required on loopback too. Clients send it as
"Authorization: Bearer TOKEN". It is never logged.

The server starts whatever the accounts' keys: a call through an account whose key is missing
(its api_key_env variable is not set, its api_key_file cannot be read, no account at all)
fails as a tool error of type credentials_error naming the account and the reason.`,
		Example: `  kosmo mcp serve                      # read-only, real OpenAI, over stdio
  kosmo mcp serve --allow-write --fake # every tool, against the built-in fake
  kosmo mcp serve --tools code --timeout 1m --max-memory 256MiB
  KOSMO_MCP_TOKEN=$(cat ~/.config/kosmo/mcp.token) kosmo mcp serve --http 0.0.0.0:8765
  kosmo mcp serve --http 127.0.0.1:8765 --token-file ~/.config/kosmo/mcp.token
  # in an MCP client's config: {"command": "kosmo", "args": ["mcp", "serve"]}`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serveMCP(cmd.Context(), o)
		},
	}
	o.policyFlags.register(serve)
	f := serve.Flags()
	f.BoolVar(&o.allowWrite, "allow-write", false, "also offer the write functions and let scripts call them")
	o.timeout = addTimeoutFlag(serve, DefaultTimeout, "each tool call (a script, or a function with its retries)")
	f.Var(&o.maxMemory, "max-memory", "stop a script when kosmo's memory (Go heap and stacks, all calls together) exceeds this, e.g. 512MiB (0: no limit)")
	f.IntVar(&o.concurrent, "max-concurrent", mcpgateway.DefaultMaxConcurrent, "run at most `N` tool calls at once; the others wait (each API answer is capped to a quarter of --max-memory / N)")
	f.StringVar(&o.tools, "tools", string(mcpgateway.ToolsAll), "the tools offered: code (execute_lua and the doc tools), functions (one tool per function) or all")
	f.StringVar(&o.httpAddr, "http", "", "serve Streamable HTTP on `ADDR` (host:port; at /mcp) instead of stdio")
	f.StringVar(&o.tokenFile, "token-file", "", "read the HTTP access token from `FILE` (else KOSMO_MCP_TOKEN)")
	f.StringArrayVar(&o.allowRead, "allow-read", nil, "let scripts read files below `DIR` with fs.read and fs.read_base64 (repeatable); scripts get no write grant over MCP")
	cmd.AddCommand(serve)
	return cmd
}

func (a *app) serveMCP(ctx context.Context, o *mcpOptions) (err error) {
	tools, err := mcpgateway.ParseToolSet(o.tools)
	if err != nil {
		return usagef("--tools: %v", err)
	}
	if o.maxMemory != 0 && o.maxMemory < MinMaxMemory {
		floor := byteSize(MinMaxMemory)
		return usagef("--max-memory %s is below the floor of %s: the limit counts all of kosmo's memory (0 means no limit)", o.maxMemory.String(), floor.String())
	}
	token := ""
	if o.httpAddr != "" {
		if token, err = a.mcpToken(ctx, o.tokenFile); err != nil {
			return err
		}
		if err := mcpgateway.CheckToken(o.httpAddr, token); err != nil {
			return usagef("--http: %v", err)
		}
	} else if o.tokenFile != "" {
		return usagef("--token-file is for --http ADDR; over stdio the client starts kosmo itself")
	}
	p := o.policyFlags
	p.quiet = true // standard output is the protocol
	if !o.allowWrite {
		p.readOnly = true
	}
	readDirs, err := grantDirs("--allow-read", o.allowRead, a.env.WorkDir)
	if err != nil {
		return err
	}
	configure := func(vm *luabridge.Options) { // the gateway sets each call's limits
		vm.Files.WorkDir, vm.Files.Read = a.env.WorkDir, readDirs
	}
	if o.concurrent < 1 {
		return usagef("--max-concurrent %d: at least 1 expected", o.concurrent)
	}
	// Calls run side by side, each holding its answer whole and converting
	// it twice (to Go values, then to JSON for the client): each answer is
	// capped to its share of the memory limit, and the Go runtime collects
	// garbage as the limit nears (without it, the garbage of four answers
	// at once doubles the heap).
	if o.maxMemory > 0 {
		prev := debug.SetMemoryLimit(int64(o.maxMemory))
		defer debug.SetMemoryLimit(prev)
	}
	client := integration.NewClient()
	if c := mcpgateway.ResponseCap(int64(o.maxMemory), o.concurrent); c > 0 && c < client.MaxResponseBytes {
		client.MaxResponseBytes = c
	}
	host, finish, err := a.newHostClient(ctx, &p, true, configure, client)
	if err != nil {
		return err
	}
	defer func() { err = a.finishWith(err, finish()) }()
	opts := mcpgateway.Options{Host: host, AllowWrite: o.allowWrite, Version: version, CallTimeout: o.timeout.limit,
		Tools: tools, MaxMemory: int64(o.maxMemory), MaxConcurrent: o.concurrent, Shutdown: ctx}
	if o.httpAddr != "" {
		return a.serveMCPHTTP(ctx, opts, o.httpAddr, token)
	}
	srv := mcpgateway.NewServer(opts)
	// The first SIGINT or SIGTERM ends ctx, which cancels every call in
	// flight (opts.Shutdown) and stops reading requests (Drain); the
	// server stops once the calls have answered, and kosmo exits with
	// ExitInterrupted. A second one ends kosmo without waiting (main's
	// interruptible owns the signals).
	t := mcpgateway.FinishingTransport{Transport: &mcpgateway.StdioTransport{Reader: a.env.Stdin, Writer: a.env.Stdout}, Drain: ctx.Done()}
	err = srv.Run(context.WithoutCancel(ctx), t)
	switch {
	case ctx.Err() != nil:
		return interrupted(ctx, "mcp serve")
	case err == nil || errors.Is(err, io.EOF):
		return nil
	}
	return err
}

// maxTokenFile bounds what --token-file reads.
const maxTokenFile = 64 << 10

// mcpToken reads the access token from file, else from KOSMO_MCP_TOKEN;
// "" when neither gives one.
func (a *app) mcpToken(ctx context.Context, file string) (string, error) {
	if file == "" {
		return strings.TrimSpace(a.env.getenv(TokenEnv)), nil
	}
	if strings.HasPrefix(file, "~/") {
		file = filepath.Join(a.env.HomeDir, file[2:])
	} else if !filepath.IsAbs(file) {
		file = filepath.Join(a.env.WorkDir, file)
	}
	data, err := fileread.File(ctx, file, maxTokenFile)
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		return "", usagef("--token-file: %v", err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", usagef("--token-file %s: the file is empty", file)
	}
	if st, err := os.Stat(file); err == nil && st.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(a.env.Stderr, "kosmo: warning: --token-file %s is readable by group or others (chmod 600 it)\n", file)
	}
	return token, nil
}

// serveMCPHTTP serves opts over Streamable HTTP on addr until ctx ends.
func (a *app) serveMCPHTTP(ctx context.Context, opts mcpgateway.Options, addr, token string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usagef("--http %s: %v", addr, err)
	}
	access := "no access token (loopback only)"
	if token != "" {
		access = "access token required (Authorization: Bearer …)"
	}
	fmt.Fprintf(a.env.Stderr, "kosmo: serving MCP at http://%s%s; %s\n", ln.Addr(), mcpgateway.HTTPPath, access)
	srv := &http.Server{Handler: mcpgateway.HTTPHandler(opts, token), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		_ = srv.Close()
	}
	<-done
	return interrupted(ctx, "mcp serve")
}
