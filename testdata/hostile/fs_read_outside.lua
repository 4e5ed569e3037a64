-- class: fs
-- tries: reading a file outside the granted directory
-- fs: read
-- want: error
-- text: refused: it is not below a directory granted with --allow-read
return fs.read(OUTSIDE .. "/secret.txt")
