-- class: network
-- tries: the time limit in the middle of an HTTP call, the error caught by pcall
-- fault: delay
-- timeout: 300ms
-- want: timeout
pcall(app.integrations.openai.openai_list_models)
while true do end
