// Command load measures how well kosmo hosts that share one OpenAI account
// keep to its rate limits: several processes, each running many scripts at
// once that make chat calls, against one fake (kosmo fake --rpm --tpm) that
// answers 429 past the account's budget, once with the budget shared
// through Redis and once with a budget per process.
//
//	go run ./cmd/load -kosmo ../bin/kosmo [-redis redis://127.0.0.1:6379/0]
//
// It prints, for each run, the throughput as a fraction of the limit, the
// 429s, the retries, the longest wait for a share and how close the token
// estimates were to the answers' usage. -redis defaults to
// $KOSMO_TEST_REDIS_URL; without one only the run without Redis is made.
//
// With -worker it is one of the hosts (started by the command itself).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kosmo-run/kosmo"
	"github.com/kosmo-run/kosmo/accounts"
	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/integration/openai/openaitest"
	"github.com/kosmo-run/kosmo/integration/ratelimit"
	"github.com/kosmo-run/kosmo/luabridge"
)

// settings are the run's parameters, shared by the orchestrator and its
// workers.
type settings struct {
	Procs, Scripts int
	RPM, TPM       int
	Duration       time.Duration
	BaseURL, Redis string
	Until          time.Time
}

// report is what a worker measured. RateLimited counts the scripts cut
// off at the end of the run (a call refused as rate_limited, or the
// script's deadline reached while it waited); Failed the others that
// failed (a 429 after every retry, say).
type report struct {
	Calls, OK, Throttled, Retries, RateLimited, Failed int64
	LongestWait                                        time.Duration
	Estimated, Used                                    int64
	FirstError                                         string
}

func main() {
	var s settings
	worker := flag.Bool("worker", false, "run as one host (started by the command itself)")
	kosmoBin := flag.String("kosmo", os.Getenv("KOSMO_BIN"), "the kosmo binary that serves the fake")
	flag.IntVar(&s.Procs, "procs", 3, "kosmo processes")
	flag.IntVar(&s.Scripts, "scripts", 32, "concurrent scripts per process")
	flag.IntVar(&s.RPM, "rpm", 600, "the account's requests per minute (the fake's limit and the account's rate_limits)")
	flag.IntVar(&s.TPM, "tpm", 60000, "the account's tokens per minute")
	flag.DurationVar(&s.Duration, "duration", time.Minute, "how long each run makes calls")
	flag.StringVar(&s.Redis, "redis", os.Getenv("KOSMO_TEST_REDIS_URL"), "Redis URL of the shared budget")
	flag.StringVar(&s.BaseURL, "base-url", "", "the fake's base URL (workers)")
	until := flag.Int64("until", 0, "when workers stop, Unix milliseconds")
	flag.Parse()
	s.Until = time.UnixMilli(*until)
	var err error
	if *worker {
		err = work(s)
	} else {
		err = orchestrate(s, *kosmoBin)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// The chat call every script makes: about 40 prompt tokens and at most 40
// answer tokens, so that at the full request rate the tokens budget is
// about 80 % used and the requests budget is the one that binds.
const script = `
local openai, n = app.integrations.openai, 0
for i = 1, 3 do
	local r = openai.openai_chat_completion{ model = "gpt-4o-mini", max_tokens = 40, messages = {
		{ role = "system", content = "You are a terse assistant that answers in one short sentence." },
		{ role = "user", content = "Summarise, for the weekly report of the operations team, what happened to ticket " .. i .. " and who should follow it up next week." } } }
	n = n + #r.choices
end
return n`

// work is one host: s.Scripts scripts at once, each run again until
// s.Until, through one account whose budget is shared with the other hosts
// through Redis (or kept in this process).
func work(s settings) error {
	client := integration.NewClient()
	var buckets ratelimit.Buckets = ratelimit.NewMemory()
	if s.Redis != "" {
		rdb, err := ratelimit.OpenRedis(context.Background(), s.Redis)
		if err != nil {
			return err
		}
		defer rdb.Close()
		buckets = rdb
	}
	limiter := ratelimit.New(buckets)
	client.Limiter = limiter
	host := kosmo.New(kosmo.Options{Client: client, Accounts: accounts.Config{"openai": {Default: "default", Accounts: []*integration.Account{{
		Name: "default", Key: integration.NewSecret(openaitest.DefaultAPIKey), BaseURL: s.BaseURL,
		RateLimits: integration.RateLimits{RPM: s.RPM, TPM: s.TPM},
	}}}}})
	var (
		r     report
		wg    sync.WaitGroup
		first atomic.Value
	)
	for range s.Scripts {
		wg.Go(func() {
			for time.Now().Before(s.Until) {
				// A script may run until the end of the run, and 10 s
				// past it: its calls wait for shares no longer.
				ctx, cancel := context.WithDeadline(context.Background(), s.Until.Add(10*time.Second))
				res, err := host.Run(ctx, "load.lua", script)
				cancel()
				if res != nil {
					for _, c := range res.Calls {
						for _, q := range c.Requests {
							atomic.AddInt64(&r.Calls, 1)
							atomic.AddInt64(&r.Retries, int64(max(q.Attempts-1, 0)))
							if q.Status == 200 {
								atomic.AddInt64(&r.OK, 1)
							}
						}
					}
				}
				var se *luabridge.ScriptError
				switch {
				case err == nil:
				case errors.As(err, &se) && se.Fields["type"] == integration.TypeRateLimited,
					errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
					// Cut off at the end of the run: its share came too late.
					atomic.AddInt64(&r.RateLimited, 1)
				default:
					atomic.AddInt64(&r.Failed, 1)
					first.CompareAndSwap(nil, err.Error())
				}
			}
		})
	}
	wg.Wait()
	st := limiter.Stats()
	r.Throttled, r.LongestWait, r.Estimated, r.Used = st.Throttled, st.LongestWait, st.Estimated, st.Used
	if v, ok := first.Load().(string); ok {
		r.FirstError = v
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

// orchestrate makes the runs and prints their figures.
func orchestrate(s settings, kosmoBin string) error {
	if kosmoBin == "" {
		return errors.New("-kosmo (or $KOSMO_BIN) must name the kosmo binary")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Printf("%d processes × %d scripts, chat calls through one account, against kosmo fake --rpm %d --tpm %d, %s per run\n\n",
		s.Procs, s.Scripts, s.RPM, s.TPM, s.Duration)
	fmt.Println("| budget | requests/min | of the limit | tokens/min | 429s | of requests | retries | longest wait | scripts failed | cut at the end | estimate/usage |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	runs := []struct{ name, redis string }{{"shared through Redis", s.Redis}, {"one per process", ""}}
	for _, run := range runs {
		if run.name == runs[0].name && run.redis == "" {
			fmt.Println("| shared through Redis | (no -redis URL: skipped) | | | | | | | | | |")
			continue
		}
		rs := s
		rs.Redis = run.redis
		line, err := measure(rs, kosmoBin, self, run.name)
		if err != nil {
			return fmt.Errorf("%s: %w", run.name, err)
		}
		fmt.Println(line)
	}
	return nil
}

// measure makes one run: a fake, s.Procs workers, and the fake's log read
// afterwards for what it answered.
func measure(s settings, kosmoBin, self, name string) (string, error) {
	dir, err := os.MkdirTemp("", "kosmo-load")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	logPath := filepath.Join(dir, "fake.log")
	fake := exec.Command(kosmoBin, "fake", "--addr", "127.0.0.1:0", "--rpm", fmt.Sprint(s.RPM), "--tpm", fmt.Sprint(s.TPM), "--log", logPath)
	out, err := fake.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := fake.Start(); err != nil {
		return "", err
	}
	defer func() {
		_ = fake.Process.Signal(syscall.SIGINT)
		_ = fake.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("kosmo fake: %w", err)
	}
	s.BaseURL = strings.TrimSpace(strings.TrimPrefix(line, "fake OpenAI API at "))

	start := time.Now().Add(2 * time.Second) // the workers' start-up
	s.Until = start.Add(s.Duration)
	reports := make([]report, s.Procs)
	errs := make([]error, s.Procs)
	var wg sync.WaitGroup
	for i := range s.Procs {
		wg.Go(func() {
			args := []string{"-worker", "-scripts", fmt.Sprint(s.Scripts), "-rpm", fmt.Sprint(s.RPM), "-tpm", fmt.Sprint(s.TPM),
				"-base-url", s.BaseURL, "-redis", s.Redis, "-until", fmt.Sprint(s.Until.UnixMilli())}
			cmd := exec.Command(self, args...)
			cmd.Stderr = os.Stderr
			data, err := cmd.Output()
			if err == nil {
				err = json.Unmarshal(data, &reports[i])
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	var total report
	for _, r := range reports {
		total.Calls += r.Calls
		total.OK += r.OK
		total.Throttled += r.Throttled
		total.Retries += r.Retries
		total.RateLimited += r.RateLimited
		total.Failed += r.Failed
		total.LongestWait = max(total.LongestWait, r.LongestWait)
		total.Estimated += r.Estimated
		total.Used += r.Used
		if total.FirstError == "" {
			total.FirstError = r.FirstError
		}
	}
	ok, throttled, err := readFakeLog(logPath, start, s.Until)
	if err != nil {
		return "", err
	}
	minutes := s.Duration.Minutes()
	perMin := float64(ok) / minutes
	tokensPerMin := 0.0
	if total.OK > 0 {
		tokensPerMin = perMin * float64(total.Used) / float64(total.OK)
	}
	ratio := 0.0
	if total.Used > 0 {
		ratio = float64(total.Estimated) / float64(total.Used)
	}
	if total.FirstError != "" {
		fmt.Fprintf(os.Stderr, "%s: first failure: %s\n", name, total.FirstError)
	}
	return fmt.Sprintf("| %s | %.0f | %.1f %% | %.0f | %d | %.2f %% | %d | %s | %d | %d | %.2f |",
		name, perMin, 100*perMin/float64(s.RPM), tokensPerMin, throttled, 100*float64(throttled)/float64(max(ok+throttled, 1)),
		total.Retries, total.LongestWait.Round(time.Millisecond), total.Failed, total.RateLimited, ratio), nil
}

// readFakeLog counts the requests the fake answered 200 and 429 between
// from and until, from its request log (one line per request: the time,
// the method, the path, the status, …).
func readFakeLog(path string, from, until time.Time) (ok, throttled int64, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, f[0])
		if err != nil || at.Before(from) || at.After(until) {
			continue
		}
		switch f[3] {
		case "200":
			ok++
		case "429":
			throttled++
		}
	}
	return ok, throttled, nil
}
