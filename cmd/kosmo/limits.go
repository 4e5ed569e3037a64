package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/internal/fileread"
	"github.com/kosmo-run/kosmo/luabridge"
)

// DefaultMaxMemory is the memory limit of a script unless --max-memory says.
const DefaultMaxMemory = 1 << 30

// MinMaxMemory is the smallest --max-memory kosmo accepts (0, no limit,
// aside). The limit measures the whole process, not the script alone: kosmo
// itself holds a few MiB before a script starts (4 to 6 MiB measured with
// --fake), one API answer or upload is held whole (OpenAI takes audio files
// up to 25 MB, 33 MB once base64-encoded), and the watchdog samples every
// 10 ms, so a script can allocate several MiB past the limit before it is
// stopped. Below 64 MiB a limit stops ordinary scripts, not runaway ones.
const MinMaxMemory = 64 << 20

// abandonAfter is how long kosmo waits, once a script's time is up or it
// was interrupted, for a script stuck in Go code; then it stops anyway.
const abandonAfter = time.Second

// limitFlags are the flags of `kosmo run` that bound a script and grant it
// files.
type limitFlags struct {
	maxMemory  byteSize
	writeQuota byteSize
	allowRead  []string
	allowWrite []string
}

// addLimitFlags registers --max-memory, --allow-read and --allow-write on
// cmd and returns where they land.
func addLimitFlags(cmd *cobra.Command) *limitFlags {
	l := &limitFlags{maxMemory: DefaultMaxMemory, writeQuota: luabridge.DefaultWriteQuota}
	f := cmd.Flags()
	f.Var(&l.maxMemory, "max-memory", "stop the script when kosmo's memory (Go heap and stacks) exceeds this, e.g. 512MiB or 2GiB (0: no limit)")
	f.StringArrayVar(&l.allowRead, "allow-read", nil, "let the script read files below `DIR` with fs.read and fs.read_base64 (repeatable)")
	f.StringArrayVar(&l.allowWrite, "allow-write", nil, "let the script create and replace files below `DIR` with fs.write (repeatable)")
	f.Var(&l.writeQuota, "write-quota", "the most bytes fs.write may write in one run, e.g. 100MiB (0: no quota)")
	return l
}

// apply fills the limits and file grants of opts. Relative directories, and
// the relative paths a script gives, are resolved against workDir; a grant
// that is not a directory is a usage error.
func (l *limitFlags) apply(opts *luabridge.Options, workDir string) error {
	if l.maxMemory != 0 && l.maxMemory < MinMaxMemory {
		floor := byteSize(MinMaxMemory)
		return usagef("--max-memory %s is below the floor of %s: the limit counts all of kosmo's memory, and kosmo with one API answer needs tens of MiB (0 means no limit)", l.maxMemory.String(), floor.String())
	}
	opts.Limits.MaxMemory = int64(l.maxMemory)
	opts.Limits.AbandonAfter = abandonAfter
	opts.Files.WorkDir = workDir
	opts.Files.WriteQuota = int64(l.writeQuota)
	if l.writeQuota == 0 {
		opts.Files.WriteQuota = -1
	}
	var err error
	if opts.Files.Read, err = grantDirs("--allow-read", l.allowRead, workDir); err != nil {
		return err
	}
	opts.Files.Write, err = grantDirs("--allow-write", l.allowWrite, workDir)
	return err
}

// configure checks the flags once and returns the function that gives
// every VM the limits and grants, for kosmo.Options.Configure.
func (l *limitFlags) configure(workDir string) (func(*luabridge.Options), error) {
	var checked luabridge.Options
	if err := l.apply(&checked, workDir); err != nil {
		return nil, err
	}
	return func(o *luabridge.Options) {
		o.Limits, o.Files = checked.Limits, checked.Files
	}, nil
}

func grantDirs(flag string, dirs []string, workDir string) ([]string, error) {
	out := make([]string, 0, len(dirs))
	for _, d := range dirs {
		if d == "" {
			return nil, usagef("%s: a directory expected", flag)
		}
		if !filepath.IsAbs(d) {
			d = filepath.Join(workDir, d)
		}
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() {
			return nil, usagef("%s=%s: not a directory", flag, d)
		}
		out = append(out, filepath.Clean(d))
	}
	return out, nil
}

// byteSize is a flag value in bytes, written with an optional unit: B, KiB,
// MiB, GiB, TiB (K, KB, M, MB, G, GB and T, TB mean the same).
type byteSize int64

var units = []struct {
	suffix string
	shift  uint
}{
	{"kib", 10}, {"mib", 20}, {"gib", 30}, {"tib", 40},
	{"kb", 10}, {"mb", 20}, {"gb", 30}, {"tb", 40},
	{"k", 10}, {"m", 20}, {"g", 30}, {"t", 40}, {"b", 0},
}

// Set implements pflag.Value.
func (b *byteSize) Set(s string) error {
	text := strings.ToLower(strings.TrimSpace(s))
	shift := uint(0)
	for _, u := range units {
		if strings.HasSuffix(text, u.suffix) {
			text, shift = strings.TrimSpace(strings.TrimSuffix(text, u.suffix)), u.shift
			break
		}
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || n < 0 || n*float64(int64(1)<<shift) >= 1<<62 {
		return fmt.Errorf("%q is not a size (examples: 512MiB, 2GiB, 0)", s)
	}
	*b = byteSize(n * float64(int64(1)<<shift))
	return nil
}

// String implements pflag.Value.
func (b *byteSize) String() string {
	return strings.TrimSuffix(fileread.Size(int64(*b)), " bytes")
}

// Type implements pflag.Value.
func (b *byteSize) Type() string { return "size" }

// timeoutFlag is the --timeout of a command that calls an API: a
// wall-clock limit, retries and their waits included; 0 means none.
type timeoutFlag struct{ limit time.Duration }

// addTimeoutFlag registers --timeout on cmd with its default and what it
// bounds ("the call, retries included"), and returns where it lands.
func addTimeoutFlag(cmd *cobra.Command, def time.Duration, bounds string) *timeoutFlag {
	t := &timeoutFlag{limit: def}
	cmd.Flags().Var((*duration)(&t.limit), "timeout", "wall-clock limit for "+bounds+" (0: none)")
	return t
}

// duration is a flag value that is a time.Duration of 0 or more: the
// flags that take one read 0 as "none", and a negative value, which would
// mean the same silently, is refused (a usage error naming the flag).
type duration time.Duration

// Set implements pflag.Value.
func (d *duration) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration (examples: 30s, 2m, 1h30m, 0)", s)
	}
	if v < 0 {
		return fmt.Errorf("%q is negative: a duration of 0 or more expected (0: none)", s)
	}
	*d = duration(v)
	return nil
}

// String implements pflag.Value.
func (d *duration) String() string { return time.Duration(*d).String() }

// Type implements pflag.Value.
func (d *duration) Type() string { return "duration" }

// bound returns ctx ended with errTimeout as its cause once the limit has
// passed (ctx itself when there is no limit).
func (t *timeoutFlag) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if t.limit <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, t.limit, errTimeout)
}

// explain returns err, or a *timeLimitError naming what ran out of time
// when ctx (from bound) ended because the limit passed: its exit code is
// ExitTimeout, and the error it replaces stays in its chain.
func (t *timeoutFlag) explain(ctx context.Context, err error, what string) error {
	if err == nil || !errors.Is(context.Cause(ctx), errTimeout) {
		return err
	}
	return &timeLimitError{what: what, limit: t.limit, err: err}
}

// timeLimitError is a call stopped by --timeout.
type timeLimitError struct {
	what  string
	limit time.Duration
	err   error
}

func (e *timeLimitError) Error() string {
	return fmt.Sprintf("%s: time limit (--timeout %s) reached", e.what, e.limit)
}

// Unwrap gives errTimeout (the exit code) and the error the limit caused.
func (e *timeLimitError) Unwrap() []error { return []error{errTimeout, e.err} }
