-- class: sandbox
-- tries: `os.getenv("OPENAI_API_KEY")`, the key itself
-- want: error
-- text: os.getenv is not available in the sandbox: scripts get no environment
return os.getenv("OPENAI_API_KEY")
