// Command testprogress reads `go test -json` on standard input and shows
// progress while the tests run: go test's own closing line for each package
// as it finishes ("ok  \t<pkg>\t<time>", "FAIL\t<pkg>…"), a line for each
// top-level test that took longer than a few seconds, a "still running" line
// after a long silence, the whole output of every failing test, and at the
// end one plain line "packages: N passed, N failed". Lines that are not
// JSON (build errors, go's own messages) are passed through. It exits 1 when
// a package failed or did not build.
//
//	go test -json -race -count=1 ./... 2>&1 | go run ./internal/testprogress
package main

import (
	"bufio"
	"io"
	"os"
	"time"
)

func main() {
	r := newReporter(os.Stdout, time.Now)
	os.Exit(follow(os.Stdin, r, time.Second))
}

// follow feeds every line of in to r, and r's clock ticks every tick so
// that a silence is noticed while no line comes; it returns r's exit code
// once in ends.
func follow(in io.Reader, r *reporter, tick time.Duration) int {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				return r.finish()
			}
			r.line(line)
		case <-ticker.C:
			r.tick()
		}
	}
}
