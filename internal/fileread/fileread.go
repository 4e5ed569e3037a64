// Package fileread reads the files kosmo reads for itself (a script, a
// config file, a key file, arguments) with a bound on their size, refusing
// what is not a file, and without holding up an interrupt: a read blocked
// on a FIFO ends when its context does.
package fileread

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
)

// TooLargeError is an input longer than its bound.
type TooLargeError struct {
	// Limit is the bound, in bytes.
	Limit int64
}

func (e *TooLargeError) Error() string {
	return "more than " + Size(e.Limit) + ", the most kosmo reads here"
}

// ErrNotAFile is a path that names a directory, a device or a socket where a
// file is expected. Regular files and FIFOs (a pipe such as <(command))
// are read.
var ErrNotAFile = errors.New("not a regular file")

// File reads the file at path, at most limit bytes, until ctx ends. A FIFO
// is read too (opening it waits for a writer, as long as ctx lasts); a
// directory, a device (such as /dev/zero) or a socket is ErrNotAFile.
func File(ctx context.Context, path string, limit int64) ([]byte, error) {
	return wait(ctx, func() ([]byte, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if m := st.Mode(); !m.IsRegular() && m&fs.ModeNamedPipe == 0 {
			return nil, fmt.Errorf("%w (%s)", ErrNotAFile, kind(m))
		}
		if st.Mode().IsRegular() && st.Size() > limit {
			return nil, &TooLargeError{Limit: limit}
		}
		return readAll(f, limit)
	})
}

// All reads r to its end, at most limit bytes, until ctx ends.
func All(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	return wait(ctx, func() ([]byte, error) { return readAll(r, limit) })
}

func readAll(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return data, nil
}

// wait runs read on a goroutine and returns its answer, or ctx's error
// as soon as ctx ends: a read blocked on a FIFO or a terminal cannot be
// interrupted, so it is left to end with the process.
func wait(ctx context.Context, read func() ([]byte, error)) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := read()
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "mode " + m.String()
}

// Size writes n bytes with the largest binary unit that divides it.
func Size(n int64) string {
	for _, u := range []struct {
		suffix string
		shift  uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
