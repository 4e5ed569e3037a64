#!/usr/bin/env bash
# The MCP Inspector's CLI mode against `kosmo mcp serve --fake`, over stdio
# and over Streamable HTTP: list the tools, call execute_lua and a doc tool.
# Usage: inspector.sh PATH/TO/kosmo (run from the folder holding node_modules)
set -euo pipefail
kosmo=$1
inspector=(node_modules/.bin/mcp-inspector --cli)
check() { # what, output, pattern
  if ! grep -q -- "$3" <<<"$2"; then echo "inspector: $1: expected $3 in:"; echo "$2"; exit 1; fi
}

out=$("${inspector[@]}" "$kosmo" mcp serve --fake --method tools/list)
check "stdio tools/list" "$out" '"name": "execute_lua"'
check "stdio tools/list" "$out" '"name": "lua_read_doc"'
out=$("${inspector[@]}" "$kosmo" mcp serve --fake --method tools/call --tool-name execute_lua \
  --tool-arg 'code=return #app.integrations.openai.openai_list_models().data > 3')
check "stdio execute_lua" "$out" '"ok": true'
out=$("${inspector[@]}" "$kosmo" mcp serve --fake --method tools/call --tool-name lua_search_docs --tool-arg query=speech)
check "stdio lua_search_docs" "$out" 'openai_text_to_speech'

token="inspector-$RANDOM$RANDOM"
log=$(mktemp)
KOSMO_MCP_TOKEN=$token "$kosmo" mcp serve --fake --http 127.0.0.1:0 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q 'serving MCP at' "$log" && break; sleep 0.1; done
url=$(sed -n 's/.*serving MCP at \(http[^;]*\);.*/\1/p' "$log")
[ -n "$url" ] || { echo "inspector: kosmo did not start: $(cat "$log")"; exit 1; }
out=$("${inspector[@]}" "$url" --transport http --header "Authorization: Bearer $token" --method tools/list)
check "http tools/list" "$out" '"name": "execute_lua"'
out=$("${inspector[@]}" "$url" --transport http --header "Authorization: Bearer $token" \
  --method tools/call --tool-name execute_lua --tool-arg 'code=return "over http"')
check "http execute_lua" "$out" 'over http'
if grep -q "$token" "$log"; then echo "inspector: the token was logged"; exit 1; fi
echo "MCP Inspector CLI: tools listed and called over stdio and HTTP"
