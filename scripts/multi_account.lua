-- Run with: kosmo run --fake --config scripts/multi_account.yaml scripts/multi_account.lua
local openai = app.integrations.openai

local function ask(ns, question)
  local r = ns.openai_chat_completion({
    model = "gpt-5.1-mini",
    messages = { { role = "user", content = question } },
  })
  return r.choices[1].message.content
end

-- Default account (always works)
print("default:  " .. ask(openai, "Which account am I?"))
-- Explicit default (portable across setups)
print("explicit: " .. ask(openai.default, "Which account am I, explicitly?"))
-- Named account
print("work:     " .. ask(openai.work, "Summarise the quarterly report."))

-- An account that is not configured raises an error listing those that are.
local ok, err = pcall(function() return openai.marketing.openai_list_models() end)
print("marketing: " .. (ok and "?" or tostring(err):gsub("^[^:]+:%d+: ", "")))
