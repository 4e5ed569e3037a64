-- class: errors
-- tries: forging the message of a time limit: it stays a script error
-- want: error
-- text: script stopped: time limit reached
error("script stopped: time limit reached", 0)
