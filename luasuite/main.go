// Command luasuite runs Lua 5.1's own test suite (upstream/, unchanged, with
// the sandbox guards of sandbox.patch applied to a temporary copy) under
// kosmo, and under the reference interpreter lua5.1 where it is installed,
// and prints one line per file: pass or the first failure. It fails when a
// required file fails under kosmo. It fetches nothing.
//
//	go run ./luasuite -kosmo bin/kosmo
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// required are the files that must pass under kosmo; the others of
// upstream/ are reported only.
var required = []string{"pm", "strings", "sort", "math", "constructs", "calls",
	"events", "literals", "vararg", "locals", "errors", "big"}

// helpers are files of the suite that other files load, not tests.
var helpers = map[string]bool{"checktable": true}

func main() {
	kosmo := flag.String("kosmo", "bin/kosmo", "the kosmo binary")
	ref := flag.String("lua", "lua5.1", "the reference interpreter; skipped when not installed")
	dir := flag.String("dir", "luasuite", "the folder with upstream/ and sandbox.patch")
	timeout := flag.Duration("timeout", 5*time.Minute, "limit per file and interpreter")
	flag.Parse()
	if err := run(os.Stdout, *kosmo, *ref, *dir, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "luasuite:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, kosmo, ref, dir string, timeout time.Duration) error {
	kosmo, err := filepath.Abs(kosmo)
	if err != nil {
		return err
	}
	if _, err := os.Stat(kosmo); err != nil {
		return fmt.Errorf("kosmo binary: %w (make build)", err)
	}
	refPath, refErr := exec.LookPath(ref)
	work, err := guardedCopy(dir)
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	files, err := filepath.Glob(filepath.Join(work, "*.lua"))
	if err != nil {
		return err
	}
	refHeader := ref + " (reference)"
	if refErr != nil {
		refHeader = ref + " (not installed)"
	}
	fmt.Fprintf(w, "| file | kosmo | %s |\n|---|---|---|\n", refHeader)
	var failed []string
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".lua")
		if helpers[name] {
			continue
		}
		k := runFile(work, timeout, kosmo, "run", "-q", name+".lua")
		r := "—"
		if refErr == nil {
			r = runFile(work, timeout, refPath, name+".lua").String()
		}
		mark := ""
		if isRequired(name) {
			mark = " (required)"
			if !k.ok {
				failed = append(failed, name)
			}
		}
		fmt.Fprintf(w, "| %s.lua%s | %s | %s |\n", name, mark, k, r)
	}
	if len(failed) > 0 {
		return fmt.Errorf("required files failed under kosmo: %s", strings.Join(failed, ", "))
	}
	return nil
}

func isRequired(name string) bool {
	for _, r := range required {
		if r == name {
			return true
		}
	}
	return false
}

// guardedCopy copies upstream/*.lua to a temporary folder and applies
// sandbox.patch there with git apply.
func guardedCopy(dir string) (string, error) {
	patch, err := filepath.Abs(filepath.Join(dir, "sandbox.patch"))
	if err != nil {
		return "", err
	}
	work, err := os.MkdirTemp("", "luasuite-")
	if err != nil {
		return "", err
	}
	files, err := filepath.Glob(filepath.Join(dir, "upstream", "*.lua"))
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no suite files in %s", filepath.Join(dir, "upstream"))
	}
	for _, f := range files {
		if err != nil {
			break
		}
		var data []byte
		if data, err = os.ReadFile(f); err == nil {
			err = os.WriteFile(filepath.Join(work, filepath.Base(f)), data, 0o644)
		}
	}
	if err == nil {
		cmd := exec.Command("git", "apply", "-p1", patch)
		cmd.Dir = work
		if out, aerr := cmd.CombinedOutput(); aerr != nil {
			err = fmt.Errorf("git apply %s: %w: %s", patch, aerr, out)
		}
	}
	if err != nil {
		os.RemoveAll(work)
		return "", err
	}
	return work, nil
}

// result is how one file ran under one interpreter.
type result struct {
	ok      bool
	took    time.Duration
	failure string
}

func (r result) String() string {
	if r.ok {
		return fmt.Sprintf("pass (%.1f s)", r.took.Seconds())
	}
	return "FAIL: " + strings.ReplaceAll(r.failure, "|", `\|`)
}

// runFile runs one file in dir; its first failure is the first line of
// standard error (the error message), or how the process ended.
func runFile(dir string, timeout time.Duration, prog string, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{ok: err == nil, took: time.Since(start)}
	if err == nil {
		return r
	}
	first, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		r.failure = fmt.Sprintf("no answer within %s", timeout)
	case first != "":
		r.failure = first
	default:
		r.failure = err.Error()
	}
	return r
}
