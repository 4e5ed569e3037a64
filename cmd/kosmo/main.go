// Command kosmo runs agent Lua scripts that call third-party APIs through
// app.integrations.<name>.*; see `kosmo --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], ProcessEnv())
	stop()
	os.Exit(code)
}
