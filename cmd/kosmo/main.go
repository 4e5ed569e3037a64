// Command kosmo runs agent Lua scripts that call third-party APIs through
// app.integrations.<name>.*; see `kosmo --help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

func main() {
	// gopher-lua fills an array's gap one element at a time, so one
	// assignment such as t[2^26-1] = 1 could stall and allocate gigabytes;
	// its process-wide bound on array indices is the only place to cap that.
	lua.MaxArrayIndex = 1 << 24
	ctx, stop := interruptible()
	code := Main(ctx, os.Args[1:], ProcessEnv())
	stop()
	os.Exit(code)
}

// interruptible returns a context that the first SIGINT or SIGTERM ends,
// so that kosmo stops what it does and exits with ExitInterrupted; a
// second signal exits at once with that code, whatever kosmo is waiting
// for.
func interruptible() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		cancel()
		if _, ok := <-sigs; ok {
			fmt.Fprintln(os.Stderr, "kosmo: interrupted again: exiting")
			os.Exit(ExitInterrupted)
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel()
	}
}
