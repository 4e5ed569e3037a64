-- class: fs
-- tries: writing a file in the granted directory and reading it back
-- fs: read,write
fs.write(WRITE .. "/speech.mp3", "\0binary\255")
assert(fs.read(WRITE .. "/speech.mp3") == "\0binary\255")
