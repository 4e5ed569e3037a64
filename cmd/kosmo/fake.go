package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

func (a *app) newFakeCmd() *cobra.Command {
	var (
		addr   string
		legacy bool
	)
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Serve the built-in fake OpenAI API for other clients",
		Example: `  kosmo fake --addr 127.0.0.1:8080
  OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_API_KEY=` + openaitest.DefaultAPIKey + ` kosmo run agent.lua`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var opts []openaitest.Option
			if legacy {
				opts = append(opts, openaitest.WithLegacyAssistants())
			}
			return a.serveFake(cmd.Context(), addr, opts...)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&legacy, "legacy-assistants", false, "also serve the Assistants v2 endpoints that OpenAI has retired (for accounts with assistants: native)")
	return cmd
}

func (a *app) serveFake(ctx context.Context, addr string, opts ...openaitest.Option) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return usagef("cannot listen on %s: %v", addr, err)
	}
	srv := &http.Server{Handler: openaitest.NewHandler(opts...), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(a.env.Stdout, "fake OpenAI API at http://%s/v1\nAPI key: %s\n", l.Addr(), openaitest.DefaultAPIKey)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
