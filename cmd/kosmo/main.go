// Command kosmo runs agent Lua scripts that call third-party APIs through
// app.integrations.<name>.*; see `kosmo --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

func main() {
	// gopher-lua fills an array's gap one element at a time, so one
	// assignment such as t[2^26-1] = 1 could stall and allocate gigabytes;
	// its process-wide bound on array indices is the only place to cap that.
	lua.MaxArrayIndex = 1 << 24
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], ProcessEnv())
	stop()
	os.Exit(code)
}
