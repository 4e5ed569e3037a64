#!/usr/bin/env bash
# Runs third-party MCP clients against `kosmo mcp serve --fake`, over stdio
# and Streamable HTTP: the official TypeScript SDK (mcpgateway/testdata/ts-client)
# and the MCP Inspector's CLI mode (mcpgateway/testdata/inspector). Each is
# installed from its committed lockfile (npm ci) into .cache/.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "node is required for the MCP client test"; exit 1; }

# install copies src (package.json, lockfile, scripts) to .cache/NAME and
# installs it there unless the same lockfile is already installed.
install() {
  local src=$1 dir=.cache/$2
  mkdir -p "$dir"
  cp "$src"/* "$dir/"
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock" 2>/dev/null; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock"
  fi
}

go build -o bin/kosmo ./cmd/kosmo
install mcpgateway/testdata/ts-client mcp-ts-client
timeout 180 node .cache/mcp-ts-client/client.mjs "$PWD/bin/kosmo"
install mcpgateway/testdata/inspector mcp-inspector
(cd .cache/mcp-inspector && timeout 180 bash inspector.sh "$OLDPWD/bin/kosmo")
