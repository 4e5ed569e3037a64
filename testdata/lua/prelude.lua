-- Helpers for the Lua tests; loaded before every *_test.lua file.

function eq(got, want, msg)
  if got ~= want then
    error(string.format("%s: got %s, want %s", msg or "eq", tostring(got), tostring(want)), 2)
  end
end

function ok(cond, msg)
  if not cond then error(msg or "assertion failed", 2) end
end

function contains(s, part, msg)
  if type(s) ~= "string" or not s:find(part, 1, true) then
    error(string.format("%s: %q does not contain %q", msg or "contains", tostring(s), part), 2)
  end
end

-- fails calls fn(input) and returns its error, which must mention every part.
function fails(fn, input, ...)
  local okay, err = pcall(fn, input)
  if okay then error("expected an error, the call succeeded", 2) end
  local text = tostring(err)
  for _, part in ipairs({...}) do
    if not text:find(part, 1, true) then
      error(string.format("error %q does not contain %q", text, part), 2)
    end
  end
  return err
end

-- requests(server) lists what fake server "a" (default account) or "b"
-- (account work) received: { method, path, query, headers, body, json, parts }.
function requests(server) return json.decode(__fake_requests(server)) end
function last(server) local r = requests(server); return r[#r] end
function count(server) return #requests(server) end

-- The three ways to reach an account, with the fake server each one uses.
function each_form(f)
  f(app.integrations.openai, "a", "personal")
  f(app.integrations.openai.default, "a", "personal")
  f(app.integrations.openai.work, "b", "work")
end

-- auth_ok checks the credentials a request carried to fake server a or b.
function auth_ok(req, server)
  local key = server == "a" and "personal" or "work"
  contains(req.headers["authorization"], "Bearer sk-" .. key, "bearer key")
  if server == "b" then
    eq(req.headers["openai-organization"], "org-work", "organization header")
    eq(req.headers["openai-project"], "proj_work", "project header")
  else
    eq(req.headers["openai-organization"], nil, "no organization header")
  end
end
