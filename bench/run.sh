#!/usr/bin/env bash
# run.sh runs kosmo's six benchmarks (per-call overhead, large responses,
# start-up, concurrency, assistants runs, MCP tool calls) and prints the
# table of ratios.
#
#   bash bench/run.sh                  # 10 rounds of 0.5 s per benchmark
#   ROUNDS=20 BENCHTIME=1s bash bench/run.sh
#   BENCH_OUT=dir bash bench/run.sh    # keep the raw results in dir
#
# Every round runs every benchmark once, contender after contender, so that
# each ratio compares figures taken moments apart (on a machine shared with
# other work, load changes from second to second); the table gives the
# median of each ratio over the rounds and its range, benchstat the spread
# of each figure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-10}
benchtime=${BENCHTIME:-500ms}
if [[ -n "${BENCH_OUT:-}" ]]; then
	out=$BENCH_OUT
else
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi
bin="$out/bin"
mkdir -p "$bin"

cd "$root"
echo "building into $bin …" >&2
go build -o "$bin/kosmo" ./cmd/kosmo
go test -c -o "$bin/luabridge.test" ./luabridge
go test -c -o "$bin/kosmo.test" .
(cd bench && go build -o "$bin/glua" github.com/yuin/gopher-lua/cmd/glua && go test -c -o "$bin/bench.test" .)

export KOSMO_BIN="$bin/kosmo" GLUA_BIN="$bin/glua"
for r in $(seq 1 "$rounds"); do
	echo "round $r of $rounds …" >&2
	f="$out/round-$r.txt"
	"$bin/bench.test" -test.run '^$' -test.bench . -test.benchmem -test.benchtime "$benchtime" >"$f"
	"$bin/luabridge.test" -test.run '^$' -test.bench 'Decode/embeddings|NewVM' -test.benchmem -test.benchtime "$benchtime" >>"$f"
	"$bin/kosmo.test" -test.run '^$' -test.bench 'Concurrency|IdleVM' -test.benchmem -test.benchtime 4x >>"$f"
done

echo
echo "$(go version), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs))"
echo
(cd bench && go run ./cmd/ratios "$out"/round-*.txt)
echo
# benchstat's view of the time per op, with its spread over the rounds.
awk '/^Benchmark/ { print $1, $2, $3, $4; next } { print }' "$out"/round-*.txt >"$out/time.txt"
(cd bench && go tool benchstat "$out/time.txt")
if [[ -n "${BENCH_OUT:-}" ]]; then
	echo "raw results: $out" >&2
fi
