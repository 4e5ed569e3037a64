package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-run/kosmo/luabridge"
)

// DefaultMaxMemory is the memory limit of a script unless --max-memory says.
const DefaultMaxMemory = 1 << 30

// abandonAfter is how long kosmo waits, once a script's time is up or it
// was interrupted, for a script stuck in Go code; then it stops anyway.
const abandonAfter = time.Second

// limitFlags are the flags of `kosmo run` that bound a script and grant it
// files.
type limitFlags struct {
	maxMemory  byteSize
	allowRead  []string
	allowWrite []string
}

// addLimitFlags registers --max-memory, --allow-read and --allow-write on
// cmd and returns where they land.
func addLimitFlags(cmd *cobra.Command) *limitFlags {
	l := &limitFlags{maxMemory: DefaultMaxMemory}
	f := cmd.Flags()
	f.Var(&l.maxMemory, "max-memory", "stop the script when kosmo's memory (Go heap and stacks) exceeds this, e.g. 512MiB or 2GiB (0: no limit)")
	f.StringArrayVar(&l.allowRead, "allow-read", nil, "let the script read files below `DIR` with fs.read and fs.read_base64 (repeatable)")
	f.StringArrayVar(&l.allowWrite, "allow-write", nil, "let the script create and replace files below `DIR` with fs.write (repeatable)")
	return l
}

// apply fills the limits and file grants of opts. Relative directories, and
// the relative paths a script gives, are resolved against workDir; a grant
// that is not a directory is a usage error.
func (l *limitFlags) apply(opts *luabridge.Options, workDir string) error {
	opts.Limits.MaxMemory = int64(l.maxMemory)
	opts.Limits.AbandonAfter = abandonAfter
	opts.Files.WorkDir = workDir
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
	n := int64(*b)
	for _, u := range []struct {
		suffix string
		shift  uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// Type implements pflag.Value.
func (b *byteSize) Type() string { return "size" }
