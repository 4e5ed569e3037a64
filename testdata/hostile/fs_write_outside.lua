-- class: fs
-- tries: writing outside the granted directory
-- fs: read,write
-- want: error
-- text: refused: it is not below a directory granted with --allow-write
fs.write(OUTSIDE .. "/planted.txt", "x")
