#!/usr/bin/env bash
# Fuzz: runs every fuzz target of the module for a short, bounded time and
# fails if any finds a crash. A crash leaves its input in the package's
# testdata/fuzz/<Target>/, which `go test` replays from then on as a
# regression test (commit it with the fix).
#
#   FUZZTIME=10s bash .ci/fuzz.sh     # each target's time (default 10s)
#   bash .ci/fuzz.sh FuzzJSONToLua    # only the targets matching a pattern
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

fuzztime="${FUZZTIME:-10s}"
pattern="${1:-.}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

summary=()
failed=0
# The module's packages (not nested modules), and their fuzz targets.
for dir in $(go list -f '{{.Dir}}' ./...); do
  rel="./${dir#"$PWD"/}"
  [ "$dir" = "$PWD" ] && rel="."
  targets="$(grep -ohE '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' "$dir"/*_test.go 2>/dev/null |
    sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' | grep -E -- "$pattern" || true)"
  for target in $targets; do
    echo "--- fuzz $rel $target for $fuzztime"
    # -timeout bounds the whole run, should a worker hang. Go's fuzzing
    # engine sometimes ends a run with "context deadline exceeded" and no
    # failing input when -fuzztime runs out while a worker is mid-input;
    # such a run is tried once more, and fails only if it happens again.
    result=""
    for try in 1 2; do
      if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -timeout 10m "$rel" 2>&1 | tee "$log"; then
        result=ok
        break
      fi
      if grep -q 'Failing input written to' "$log" || ! grep -q 'context deadline exceeded' "$log"; then
        result=CRASH
        break
      fi
      echo "--- fuzz $rel $target: the engine stopped at its deadline without a failing input (try $try)"
      result=DEADLINE
    done
    if [ "$result" != ok ]; then
      failed=$((failed + 1))
    fi
    execs="$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)"
    summary+=("$(printf '%-8s %-60s %10s execs  %s' "$result" "$rel $target" "${execs:-?}" "$fuzztime")")
  done
done

echo "--- fuzz summary"
printf '%s\n' "${summary[@]}"
echo "targets: ${#summary[@]}, crashes: $failed"
[ "$failed" -eq 0 ]
