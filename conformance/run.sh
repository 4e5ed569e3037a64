#!/usr/bin/env bash
# conformance/run.sh — make conformance: checks kosmo's requests and the fake's responses against
# OpenAI's official OpenAPI spec (testdata/openapi/openapi.json), with Stoplight Prism as the oracle.
#
#   bash conformance/run.sh            (or: make conformance)
#
# It installs Prism (pinned by conformance/prism/package-lock.json) into .cache/prism with npm,
# starts on 127.0.0.1 a Prism proxy (--errors) in front of the fake, which the Go tests serve,
# and a Prism mock for the binary uploads and speech, runs the Go tests of ./conformance (build
# tag "conformance"), prints the per-function table and stops both Prisms. It exits non-zero
# when anything fails. Needs Go, Node.js >= 18.20.1 and npm (the npm registry once, to install).
#
# Environment: PRISM_DIR (default .cache/prism), CONFORMANCE_TIMEOUT (go test -timeout, 5m),
# CONFORMANCE_RUN (go test -run pattern, default all).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd -P)

PRISM_VERSION=5.14.2
SPEC="$ROOT/testdata/openapi/openapi.json"
DIR=${PRISM_DIR:-"$ROOT/.cache/prism"}
T_START=$SECONDS

say() { echo "conformance: $*" >&2; }
fail() {
  echo >&2
  echo "conformance: FAILED: $*" >&2
  exit 1
}

command -v go >/dev/null || fail "Go is required (https://go.dev/dl)"
command -v node >/dev/null || fail "Node.js >= 18.20.1 is required to run Prism (https://nodejs.org)"
command -v npm >/dev/null || fail "npm is required to install Prism"
node -e 'const [a,b,c]=process.versions.node.split(".").map(Number);process.exit(a>18||(a===18&&(b>20||(b===20&&c>=1)))?0:1)' ||
  fail "Node.js $(node --version) is too old: Prism $PRISM_VERSION needs >= 18.20.1"
[ -r "$SPEC" ] || fail "the spec is missing: $SPEC"

# ---- install Prism, pinned, into an ignored folder of the project ----
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd -P)
CLI="$DIR/node_modules/@stoplight/prism-cli/dist/index.js"
installed() { node -e 'try{console.log(require(process.argv[1]).version)}catch(e){}' "$DIR/node_modules/@stoplight/prism-cli/package.json"; }
install_prism() {
  if [ "$(installed)" = "$PRISM_VERSION" ] && [ -f "$CLI" ] &&
    cmp -s "$ROOT/conformance/prism/package-lock.json" "$DIR/package-lock.json"; then
    return 0
  fi
  say "installing @stoplight/prism-cli@$PRISM_VERSION into ${DIR#"$ROOT"/}"
  local t0=$SECONDS
  cp "$ROOT/conformance/prism/package.json" "$ROOT/conformance/prism/package-lock.json" "$DIR/"
  npm ci --prefix "$DIR" --no-audit --no-fund --loglevel=error >&2 || fail "npm ci failed (is the npm registry reachable?)"
  [ "$(installed)" = "$PRISM_VERSION" ] || fail "npm ci finished but prism-cli $PRISM_VERSION is not in $DIR"
  say "installed in $((SECONDS - t0)) s"
}
if command -v flock >/dev/null; then
  exec 9>"$DIR/.install.lock"
  flock 9
  install_prism
  flock -u 9
  exec 9>&-
else
  install_prism
fi
T_INSTALLED=$SECONDS

# ---- start a proxy and a mock on loopback; stop them whatever happens ----
RUN_DIR="$DIR/run"
mkdir -p "$RUN_DIR"
PIDS=()
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do
    # Only a Prism this script started: check the command line before stopping it.
    if [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'prism-cli/dist/index.js'; then
      continue
    fi
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Three free loopback ports, held together so that they differ.
read -r UPSTREAM_PORT PROXY_PORT MOCK_PORT < <(node -e '
const net = require("net"); const ss = [];
const next = () => { if (ss.length === 3) { console.log(ss.map(s => s.address().port).join(" ")); ss.forEach(s => s.close()); return; }
  const s = net.createServer(); s.listen(0, "127.0.0.1", () => { ss.push(s); next(); }); };
next();') || true
[ -n "${MOCK_PORT:-}" ] || fail "could not find free loopback ports"

start_prism() { # name, log, args...
  local name=$1 log=$2
  shift 2
  node "$CLI" "$@" </dev/null >"$log" 2>&1 &
  PIDS+=($!)
  say "started Prism $name (pid $!), log: ${log#"$ROOT"/}"
}
start_prism proxy "$RUN_DIR/proxy.log" proxy -h 127.0.0.1 -p "$PROXY_PORT" --errors "$SPEC" "http://127.0.0.1:$UPSTREAM_PORT/v1"
start_prism mock "$RUN_DIR/mock.log" mock -h 127.0.0.1 -p "$MOCK_PORT" "$SPEC"

wait_ready() { # pid, port, log
  local deadline=$((SECONDS + 120))
  until grep -q 'Prism is listening' "$3" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; do
    kill -0 "$1" 2>/dev/null || { tail -n 20 "$3" >&2; fail "Prism exited before it was ready (log: $3)"; }
    [ $SECONDS -lt $deadline ] || { tail -n 20 "$3" >&2; fail "Prism not ready after 120 s (log: $3)"; }
    sleep 0.1
  done
}
wait_ready "${PIDS[0]}" "$PROXY_PORT" "$RUN_DIR/proxy.log"
wait_ready "${PIDS[1]}" "$MOCK_PORT" "$RUN_DIR/mock.log"
T_STARTED=$SECONDS
say "Prism proxy on 127.0.0.1:$PROXY_PORT (upstream: the fake on 127.0.0.1:$UPSTREAM_PORT), mock on 127.0.0.1:$MOCK_PORT"

# ---- the tests ----
REPORT="$RUN_DIR/report.txt"
rm -f "$REPORT"
status=0
KOSMO_CONFORMANCE_PROXY="http://127.0.0.1:$PROXY_PORT" \
  KOSMO_CONFORMANCE_MOCK="http://127.0.0.1:$MOCK_PORT" \
  KOSMO_CONFORMANCE_UPSTREAM="127.0.0.1:$UPSTREAM_PORT" \
  KOSMO_CONFORMANCE_REPORT="$REPORT" \
  go test -tags conformance -count=1 -timeout "${CONFORMANCE_TIMEOUT:-5m}" -run "${CONFORMANCE_RUN:-.}" ./conformance || status=$?
T_TESTED=$SECONDS

echo
if [ -s "$REPORT" ]; then cat "$REPORT"; fi
say "timing: install $((T_INSTALLED - T_START)) s, Prism start $((T_STARTED - T_INSTALLED)) s, tests $((T_TESTED - T_STARTED)) s, total $((T_TESTED - T_START)) s"
[ -s "$REPORT" ] || fail "the tests wrote no report (go test exited $status); see the output above"
[ "$status" = 0 ] || fail "go test exited $status; the failing cases are listed above (Prism logs: ${RUN_DIR#"$ROOT"/})"
echo "conformance: ok"
