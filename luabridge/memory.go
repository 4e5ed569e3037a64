package luabridge

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"

	"github.com/kosmo-run/kosmo/integration"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// reserveFloor is the smallest allocation checked against the memory limit
// before it is made; smaller ones are left to the watchdog, which samples
// every memoryInterval.
const reserveFloor = 1 << 20

// decodeMargin is the part of the memory limit that decoding an API answer
// or json.decode may fill: past it, the decoding fails with an error the
// script can catch, before the watchdog (which stops the script once live
// memory exceeds the whole limit) would.
const decodeMargin = 0.75

// heapInUse returns the Go heap (live and unswept objects) and stacks, in
// bytes: what the watchdog measures.
func heapInUse() int64 {
	return memoryInUse([]metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}})
}

// fits tells whether size more bytes keep the process within the memory
// limit; when they would not, it collects garbage and looks again. It
// returns the memory in use. Without a limit everything fits.
func (g *guard) fits(size float64) (bool, int64) {
	if g.lim.MaxMemory <= 0 {
		return true, 0
	}
	limit := float64(g.lim.MaxMemory)
	used := heapInUse()
	if float64(used)+size <= limit {
		return true, used
	}
	runtime.GC()
	used = heapInUse()
	return float64(used)+size <= limit, used
}

// reserve is called before a library function, a concatenation or a
// conversion allocates size bytes at once: when the memory in use and size
// together would exceed the memory limit, even once garbage is collected,
// it stops the script with ErrMemoryLimit before anything is allocated
// (the watchdog, sampling every 10 ms, cannot interrupt one allocation).
func (g *guard) reserve(L *lua.LState, what string, size float64) {
	if size < reserveFloor {
		return
	}
	ok, used := g.fits(size)
	if ok {
		return
	}
	err := fmt.Errorf("%w: %s needs %.0f MiB with %d MiB in use, limit %d MiB", ErrMemoryLimit, what, size/(1<<20), used>>20, g.lim.MaxMemory>>20)
	if g.halt != nil {
		g.halt(err)
	}
	L.RaiseError("script stopped: %v", err)
}

// concatHook bounds one concatenation ('..'): the string it builds is a
// library string like any other (at most Limits.MaxString bytes, a Lua
// error past it) and is reserved against the memory limit.
func (g *guard) concatHook(L *lua.LState, size int) {
	if size > g.lim.MaxString {
		g.tooLong(L, "concatenation ('..')", float64(size))
	}
	g.reserve(L, "concatenation ('..')", float64(size))
}

// reserving wraps a string function whose result is as long as its first
// argument (string.upper, string.lower, string.reverse): the result is
// reserved before it is built.
func (g *guard) reserving(name string, fn lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if s, ok := L.Get(1).(lua.LString); ok {
			g.reserve(L, name, float64(len(s)))
		}
		return fn(L)
	}
}

// decodeCheck is the check of a JSON decoding (an API answer, json.decode)
// for decodeJSONChecked: the script's context, and the memory the decoded
// values take, which may fill decodeMargin of the limit. Garbage is
// collected once the limit is in sight, and again only after the heap grew
// by an eighth of the limit since.
func (g *guard) decodeCheck(L *lua.LState, what string) func() error {
	lastLive := int64(-1)
	return func() error {
		if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
			return &decodeStop{fmt.Errorf("script stopped: %w", context.Cause(ctx))}
		}
		if g.lim.MaxMemory <= 0 {
			return nil
		}
		limit := int64(decodeMargin * float64(g.lim.MaxMemory))
		used := heapInUse()
		if used <= limit {
			return nil
		}
		if lastLive < 0 || used-lastLive > g.lim.MaxMemory/8 {
			runtime.GC()
			used = heapInUse()
			lastLive = used
			if used <= limit {
				return nil
			}
		}
		return &decodeStop{fmt.Errorf("%s needs more memory than the limit leaves (%d MiB in use, limit %d MiB)", what, used>>20, g.lim.MaxMemory>>20)}
	}
}

// decodeStop is a decoding ended by its check, not by invalid JSON.
type decodeStop struct{ err error }

func (e *decodeStop) Error() string { return e.err.Error() }
func (e *decodeStop) Unwrap() error { return e.err }

// responseShare is the part of the memory limit one API answer may take as
// it is read: the answer is held whole while it is decoded into Lua values,
// which take as much again or more.
const responseShare = 4

// capResponses returns c with its response cap lowered to a responseShare
// of the memory limit, so that an answer too large to convert under the
// limit fails as an error the script can catch (invalid_response) instead
// of stopping it; c itself when there is no limit or its cap is lower.
func capResponses(c *integration.Client, maxMemory int64) *integration.Client {
	if maxMemory <= 0 {
		return c
	}
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = integration.DefaultMaxResponseBytes
	}
	if limit <= maxMemory/responseShare {
		return c
	}
	capped := *c
	capped.MaxResponseBytes = maxMemory / responseShare
	return &capped
}
