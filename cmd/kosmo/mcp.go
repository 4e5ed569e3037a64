package main

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/mcpgateway"
)

func (a *app) newMCPCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the integrations to other agents over the Model Context Protocol",
		Example: `  kosmo mcp serve                        # read-only tools over stdio, real OpenAI
  kosmo mcp serve --allow-write --fake   # every tool, against the built-in fake
  kosmo mcp serve --timeout 2m           # bound each tool call`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var (
		p          policyFlags
		allowWrite bool
		timeout    *timeoutFlag
	)
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve one MCP tool per function over standard input and output",
		Long: `Serve one MCP tool per function (openai_chat_completion, …) over stdio. Each tool's input
schema comes from the function's spec, with an optional "account" argument; read functions are
marked readOnlyHint. Write functions are offered only with --allow-write.

The server starts whatever the accounts' keys: a call through an account whose key is missing
(its api_key_env variable is not set, its api_key_file cannot be read, no account at all)
fails as a tool error of type credentials_error naming the account and the reason.`,
		Example: `  kosmo mcp serve                      # read-only tools, real OpenAI
  kosmo mcp serve --allow-write --fake # every tool, against the built-in fake
  # in an MCP client's config: {"command": "kosmo", "args": ["mcp", "serve"]}`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serveMCP(cmd.Context(), &p, allowWrite, timeout.limit)
		},
	}
	p.register(serve)
	serve.Flags().BoolVar(&allowWrite, "allow-write", false, "also offer the write functions")
	timeout = addTimeoutFlag(serve, DefaultTimeout, "each tool call, retries and their waits included")
	cmd.AddCommand(serve)
	return cmd
}

func (a *app) serveMCP(ctx context.Context, p *policyFlags, allowWrite bool, callTimeout time.Duration) error {
	p.quiet = true // standard output is the protocol
	host, cleanup, err := a.newHost(p, true, nil)
	if err != nil {
		return err
	}
	defer cleanup()
	srv := mcpgateway.NewServer(mcpgateway.Options{Host: host, AllowWrite: allowWrite, Version: version, CallTimeout: callTimeout})
	t := &mcp.IOTransport{Reader: io.NopCloser(a.env.Stdin), Writer: nopWriteCloser{a.env.Stdout}}
	err = srv.Run(ctx, t)
	if err == nil || errors.Is(err, io.EOF) || ctx.Err() != nil {
		return nil
	}
	return err
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
