-- class: time
-- tries: a print to an output that never returns: Go code that no context reaches
-- stdout: blocking
-- timeout: 300ms
-- abandon: 500ms
-- want: timeout
-- text: was abandoned
print("never written")
