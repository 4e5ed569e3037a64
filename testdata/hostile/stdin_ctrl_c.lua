-- class: time
-- tries: Ctrl-C during `for line in stdin.lines()` on a standard input that never gives a byte
-- want: interrupted
-- cancel: 200ms
-- within: 10s
-- stdin: silent
for line in stdin.lines() do end
