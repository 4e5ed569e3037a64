-- class: time
-- tries: `sleep(1e9)`
-- want: timeout
-- timeout: 300ms
-- within: 5s
sleep(1e9)
