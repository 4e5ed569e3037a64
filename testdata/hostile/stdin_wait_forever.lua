-- class: time
-- tries: `stdin.read()` on a granted standard input that never gives a byte
-- want: timeout
-- timeout: 200ms
-- within: 10s
-- stdin: silent
return stdin.read()
