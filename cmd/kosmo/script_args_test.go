package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestScriptArguments: `kosmo run` passes what follows the script to it, as
// lua does (arg and ...), skips a shebang line, and lets the script read
// standard input only with --allow-stdin.
func TestScriptArguments(t *testing.T) {
	printArgs := `print(arg[0] ~= nil, #arg, ...)`
	tests := []struct {
		name   string
		stdin  string
		args   []string // after "run --fake"; "SCRIPT" is replaced by a file holding src
		src    string
		code   int
		stdout string
		stderr string
	}{
		{name: "arguments", args: []string{"SCRIPT", "a", "b c"}, src: printArgs, stdout: "true\t2\ta\tb c\n"},
		{name: "no arguments", args: []string{"SCRIPT"}, src: printArgs, stdout: "true\t0\n"},
		{name: "arg[0] is the script", args: []string{"SCRIPT", "x"}, src: `print(arg[0]:match("agent%.lua$") ~= nil, arg[1])`, stdout: "true\tx\n"},
		{name: "arguments that look like flags go after --", args: []string{"SCRIPT", "--", "-n", "3", "--json"}, src: printArgs,
			stdout: "true\t3\t-n\t3\t--json\n"},
		{name: "kosmo's flags may follow the script", args: []string{"SCRIPT", "a", "--timeout", "1m"}, src: printArgs, stdout: "true\t1\ta\n"},
		{name: "-e takes arguments after --", args: []string{"-e", printArgs, "--", "a", "b"}, stdout: "true\t2\ta\tb\n"},
		{name: "-e with no arguments", args: []string{"-e", printArgs}, stdout: "true\t0\n"},
		{name: "-e refuses arguments before --", args: []string{"-e", printArgs, "a"}, code: ExitUsage,
			stderr: "give either -e CODE or a script, not both (arguments for -e CODE go after --: kosmo run -e CODE -- a b)"},
		{name: "script on standard input", stdin: printArgs, args: []string{"-", "a", "b"}, stdout: "true\t2\ta\tb\n"},
		{name: "shebang line", args: []string{"SCRIPT", "x"}, src: "#!/usr/bin/env kosmo run\nprint(...)", stdout: "x\n"},
		{name: "shebang keeps line numbers", args: []string{"SCRIPT"}, src: "#!/usr/bin/env kosmo run\nlocal x = 1\nerror('boom')",
			code: ExitScript, stderr: "agent.lua:3: boom"},
		{name: "standard input granted", stdin: "one\ntwo\n", args: []string{"--allow-stdin", "SCRIPT"},
			src: `for line in stdin.lines() do print("<" .. line .. ">") end`, stdout: "<one>\n<two>\n"},
		{name: "standard input read whole", stdin: "all\nof it", args: []string{"--allow-stdin", "-e", `io_text = stdin.read("a") print(#io_text)`},
			stdout: "9\n"},
		{name: "standard input not granted", stdin: "secret", args: []string{"SCRIPT"}, src: `print(stdin.read("a"))`, code: ExitScript,
			stderr: "stdin.read: reading standard input is not allowed; run kosmo with --allow-stdin"},
		{name: "standard input holds the script", stdin: `print(1)`, args: []string{"--allow-stdin", "-"}, code: ExitUsage,
			stderr: "--allow-stdin: standard input holds the script (kosmo run -)"},
		{name: "os.getenv says how to pass values", args: []string{"SCRIPT"}, src: `return os.getenv("HOME")`, code: ExitScript,
			stderr: "agent.lua:1: os.getenv is not available in the sandbox: scripts get no environment; pass values as script arguments (kosmo run script.lua a b)"},
		{name: "require says modules cannot be loaded", args: []string{"SCRIPT"}, src: `local m = require("socket")`, code: ExitScript,
			stderr: "agent.lua:1: require is not available in the sandbox: modules cannot be loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"run", "--fake"}
			for _, a := range tt.args {
				if a == "SCRIPT" {
					a = script(t, tt.src)
				}
				args = append(args, a)
			}
			r := runCLIWithStdin(t, context.Background(), nil, tt.stdin, args...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tt.stderr)
			if tt.code == ExitOK {
				assert.Equal(t, tt.stdout, r.stdout)
			}
		})
	}
}
