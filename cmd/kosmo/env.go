package main

import (
	"io"
	"os"
)

// Env is everything the CLI takes from the process; tests build their own.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	HomeDir        string
	WorkDir        string
	// IsTerminal tells whether a stream is an interactive terminal; nil
	// means none is.
	IsTerminal func(any) bool
}

func (e Env) terminal(stream any) bool { return e.IsTerminal != nil && e.IsTerminal(stream) }

func (e Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

// ProcessEnv returns the real process's streams, environment and folders.
func ProcessEnv() Env {
	home, _ := os.UserHomeDir()
	wd, _ := os.Getwd()
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, HomeDir: home, WorkDir: wd,
		IsTerminal: isCharDevice}
}

// isCharDevice reports whether stream is a file on a character device (a
// terminal).
func isCharDevice(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
