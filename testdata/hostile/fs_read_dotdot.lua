-- class: fs
-- tries: `..` out of the granted directory
-- fs: read
-- want: error
-- text: paths may not contain '..'
return fs.read(READ .. "/../outside/secret.txt")
