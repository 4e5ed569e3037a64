-- class: fs
-- tries: `fs.write` with only a read grant
-- fs: read
-- want: error
-- text: writing files is not allowed; run kosmo with --allow-write=DIR
fs.write(READ .. "/x.txt", "data")
