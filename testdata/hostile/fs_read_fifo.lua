-- class: fs
-- tries: reading a FIFO with no writer (an open that would wait forever)
-- fs: read
-- want: error
-- text: not a regular file
return fs.read("pipe")
