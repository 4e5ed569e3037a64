-- class: fs
-- tries: reading granted files, text and binary, by absolute and relative path
-- fs: read
assert(fs.read(READ .. "/hello.txt") == "hello")
assert(fs.read("hello.txt") == "hello")
assert(fs.read_base64("sub/audio.bin") == base64.encode("\0\1\2\255ID3"))
assert(not pcall(fs.write, READ .. "/new.txt", "x"), "a read grant does not grant writes")
