-- class: fs
-- tries: writing through a symbolic link to a directory outside the grant
-- fs: read,write
-- want: error
-- text: a symbolic link leads outside the directory granted with --allow-write
fs.write(WRITE .. "/out/planted.txt", "x")
