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
}

// ProcessEnv returns the real process's streams, environment and folders.
func ProcessEnv() Env {
	home, _ := os.UserHomeDir()
	wd, _ := os.Getwd()
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, HomeDir: home, WorkDir: wd}
}
