package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
)

func (a *app) newFakeCmd() *cobra.Command {
	var (
		addr    string
		legacy  bool
		logFile string
		quiet   bool
		date    string
		limits  openaitest.RateLimits
	)
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Serve the built-in fake OpenAI API for other clients",
		Long: `Serve the built-in fake OpenAI API for other clients until interrupted.

Every request is logged on standard error once it is answered, one line each:
the time (UTC), the method, the path without its query, the status ("-" when
no answer was sent), the time taken and the request id that the client got
in x-request-id. Nothing else of a request is logged: neither its query, nor
its headers (the API key is one), nor its body. --log FILE appends the lines
to FILE instead; --quiet logs nothing.

In memory the fake keeps the objects created through it, and of the requests
only the last 100, the first 64 KiB of each body. A request body that sends
nothing for 10 s, or is not complete after 2 minutes, is answered with 408 and
its connection closed.`,
		Example: `  kosmo fake --addr 127.0.0.1:8080
  OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_API_KEY=` + openaitest.DefaultAPIKey + ` kosmo run agent.lua
  kosmo fake --log fake-requests.log
  kosmo fake --date 2027-01-15   # answer as OpenAI will on that day: gpt-4o and tts-1 shut down
  kosmo fake --rpm 600 --tpm 60000`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if quiet && logFile != "" {
				return usagef("--quiet and --log cannot be used together: --quiet logs no request, --log writes them to a file")
			}
			dated, _, err := a.fakeDate(date)
			if err != nil {
				return err
			}
			opts := append(fakeBounds(), dated...)
			if legacy {
				opts = append(opts, openaitest.WithLegacyAssistants())
			}
			if limits.RPM < 0 || limits.TPM < 0 {
				return usagef("--rpm and --tpm take a number of requests or tokens per minute (0 for no limit)")
			}
			opts = append(opts, openaitest.WithRateLimits(limits))
			switch {
			case quiet:
			case logFile != "":
				if !filepath.IsAbs(logFile) && a.env.WorkDir != "" {
					logFile = filepath.Join(a.env.WorkDir, logFile)
				}
				f, err := os.OpenFile(logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
				if err != nil {
					return usagef("cannot open the request log: %v", err)
				}
				defer f.Close()
				opts = append(opts, openaitest.WithRequestLog(f))
			default:
				opts = append(opts, openaitest.WithRequestLog(a.env.Stderr))
			}
			return a.serveFake(cmd.Context(), addr, opts...)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&legacy, "legacy-assistants", false, "also serve the Assistants v2 endpoints that OpenAI has retired (for accounts with assistants: native)")
	cmd.Flags().StringVar(&logFile, "log", "", "append the request log to `FILE` instead of standard error")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "log no request")
	cmd.Flags().StringVar(&date, "date", "", "answer as on `YYYY-MM-DD` (default today, or "+openaitest.DateEnv+"): models shut down by then are refused")
	cmd.Flags().IntVar(&limits.RPM, "rpm", 0, "answer 429 rate_limit_exceeded past `N` requests per minute for each key and model, as OpenAI does (0: no limit)")
	cmd.Flags().IntVar(&limits.TPM, "tpm", 0, "answer 429 rate_limit_exceeded past `N` tokens per minute for each key and model (0: no limit)")
	return cmd
}

// A fake kosmo serves keeps the last fakeRecordedRequests requests, the
// first fakeRecordedBody bytes of each body: its log is for looking at
// recent traffic, and a long-running fake must not grow with every upload.
const (
	fakeRecordedRequests = 100
	fakeRecordedBody     = 64 << 10
)

// fakeBounds are the options of every fake kosmo starts (kosmo fake,
// --fake).
func fakeBounds() []openaitest.Option {
	return []openaitest.Option{openaitest.WithMaxRecordedRequests(fakeRecordedRequests), openaitest.WithMaxRecordedBody(fakeRecordedBody)}
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
		return interrupted(ctx, "fake")
	}
}

// fakeDate is the option that sets the fake's day, and the fake's clock:
// flag (--date) when given, else the environment's openaitest.DateEnv,
// else none (today; a nil clock).
func (a *app) fakeDate(flag string) ([]openaitest.Option, func() time.Time, error) {
	day, from := flag, "--date"
	if day == "" {
		day, from = a.env.getenv(openaitest.DateEnv), openaitest.DateEnv
	}
	if day == "" {
		return nil, nil, nil
	}
	clock, err := openaitest.DateClock(day)
	if err != nil {
		return nil, nil, usagef("%s: %v", from, err)
	}
	return []openaitest.Option{openaitest.WithClock(clock)}, clock, nil
}
