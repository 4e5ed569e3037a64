-- class: time
-- tries: `sleep(1e9)`
-- want: timeout
-- timeout: 300ms
sleep(1e9)
