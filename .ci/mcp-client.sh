#!/usr/bin/env bash
# Runs the official TypeScript MCP SDK as a client of `kosmo mcp serve --fake`.
# Installs the SDK (pinned in mcpgateway/testdata/ts-client/package.json) into .cache/.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "node is required for the MCP client test"; exit 1; }
dir=.cache/mcp-ts-client
mkdir -p "$dir"
cp mcpgateway/testdata/ts-client/package.json mcpgateway/testdata/ts-client/client.mjs "$dir/"
if [ ! -d "$dir/node_modules/@modelcontextprotocol/sdk" ]; then
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
go build -o bin/kosmo ./cmd/kosmo
timeout 120 node "$dir/client.mjs" "$PWD/bin/kosmo"
