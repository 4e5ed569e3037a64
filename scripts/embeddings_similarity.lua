-- Embed a few sentences at once and rank them by cosine similarity to a query.
local openai = app.integrations.openai

local docs = {
  "The cat sat on the mat.",
  "A cat is sitting on a mat.",
  "Stock markets fell sharply today.",
  "Interest rates and stock markets move together.",
}
local query = "Where is the cat sitting?"

local inputs = { query }
for _, d in ipairs(docs) do inputs[#inputs + 1] = d end
local result = openai.openai_create_embedding({ model = "text-embedding-3-small", input = inputs })

local function cosine(a, b)
  local dot, na, nb = 0, 0, 0
  for i = 1, #a do
    dot = dot + a[i] * b[i]
    na = na + a[i] * a[i]
    nb = nb + b[i] * b[i]
  end
  return dot / (math.sqrt(na) * math.sqrt(nb))
end

local q = result.data[1].embedding
local ranked = {}
for i, d in ipairs(docs) do
  ranked[#ranked + 1] = { text = d, score = cosine(q, result.data[i + 1].embedding) }
end
table.sort(ranked, function(x, y) return x.score > y.score end)

print("query: " .. query)
for i, r in ipairs(ranked) do
  print(string.format("%d. %.3f  %s", i, r.score, r.text))
end
print("best match: " .. ranked[1].text)
