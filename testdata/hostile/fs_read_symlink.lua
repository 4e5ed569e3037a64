-- class: fs
-- tries: a symbolic link inside the grant that points outside it
-- fs: read
-- want: error
-- text: a symbolic link leads outside the directory granted with --allow-read
return fs.read("escape")
