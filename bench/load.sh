#!/usr/bin/env bash
# load.sh runs the rate-budget load measurement (bench/cmd/load): three
# hosts × 32 scripts making chat calls through one account against
# `kosmo fake --rpm 600 --tpm 60000`, a minute with the budget shared
# through Redis and a minute with a budget per process.
#
#   bash bench/load.sh                      # = make load
#   DURATION=20s bash bench/load.sh
#
# It uses the Redis of $KOSMO_TEST_REDIS_URL, else starts a throwaway one
# with .ci/services.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [[ -z "${KOSMO_TEST_REDIS_URL:-}" ]]; then
	source .ci/services.sh
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/kosmo" ./cmd/kosmo
(cd bench && go build -o "$bin/load" ./cmd/load)
echo "$(go version), $(nproc) cores"
"$bin/load" -kosmo "$bin/kosmo" -redis "$KOSMO_TEST_REDIS_URL" -duration "${DURATION:-60s}"
