#!/usr/bin/env bash
# rss.sh measures kosmo's peak resident set size (RSS, from /usr/bin/time -v)
# for scripts that allocate without end in different ways, under two
# --max-memory limits, and prints the markdown table of docs/reliability.md.
# It fails when a peak exceeds twice its limit.
#
#   bash bench/rss.sh           # or: make rss
#   LIMITS="256MiB" bash bench/rss.sh
#   KOSMO=/path/to/kosmo bash bench/rss.sh   # measure another build
#
# Needs GNU time (/usr/bin/time; Debian package "time").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
limits=${LIMITS:-"256MiB 1GiB"}
if [[ ! -x /usr/bin/time ]]; then
	echo "rss.sh: /usr/bin/time is missing (apt-get install time)" >&2
	exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
kosmo=${KOSMO:-$work/kosmo}
if [[ -z "${KOSMO:-}" ]]; then
	GOTOOLCHAIN=local go build -o "$kosmo" ./cmd/kosmo
fi
mkdir -p "$work/data"
head -c $((200 << 20)) /dev/zero | tr '\0' 'a' >"$work/data/big.txt"

# name | what it does | script
patterns=(
	'string doubling|`s = s .. s` forty times|local s = "x" for i = 1, 40 do s = s .. s end'
	'long `..` chain|one `..` of 40 operands of 24 MiB|local s = string.rep("x", 24 * 2^20) local r = s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s'
	'json.decode of huge input|json.decode of 30 MiB of `[],[],…`, twenty times, kept|local t = {} for i = 1, 20 do t[i] = json.decode("[" .. string.rep("[],", 10 * 2^20) .. "[]]") end'
	'fs.read of a huge file|fs.read of a 200 MiB file, twenty times, kept|local t = {} for i = 1, 20 do t[i] = fs.read(DATA .. "/big.txt") end'
	'upper/reverse chain|`s:upper():reverse():lower()` of 100 MiB, kept|local s = string.rep("x", 100 * 2^20) local t = {} for i = 1, 20 do t[i] = s:upper():reverse():lower() end'
	'table growth|`t[i] = i` towards a billion|local t = {} for i = 1, 1e9 do t[i] = i end'
	'string.rep|string.rep of 200 MiB, a hundred times, kept|local t = {} for i = 1, 100 do t[i] = string.rep("x", 200 * 2^20) end'
	'large answers from the fake|embeddings of 2,048 inputs (about 40 MB each), kept|local inp = {} for i = 1, 2048 do inp[i] = "text " .. i end local t = {} for i = 1, 200 do t[i] = app.integrations.openai.openai_create_embedding{model = "text-embedding-3-small", input = inp} end'
	'small tables|ten million `{i}`|local t = {} for i = 1, 1e7 do t[i] = {i} end'
	'printed output|1 KiB lines, 600 MiB in all, nothing kept (exit 0)|local line = string.rep("x", 1023) for i = 1, 600 * 1024 do print(line) end'
)

echo "| pattern | what the script does | --max-memory | outcome | peak RSS | peak / limit | time |"
echo "|---|---|---|---|---|---|---|"
fail=0
for lim in $limits; do
	case $lim in
	*GiB) bytes=$((${lim%GiB} << 30)) ;;
	*MiB) bytes=$((${lim%MiB} << 20)) ;;
	esac
	for p in "${patterns[@]}"; do
		IFS='|' read -r name what script <<<"$p"
		set +e
		/usr/bin/time -v -o "$work/time" timeout 300 "$kosmo" run --fake --quiet --allow-read "$work/data" \
			--max-memory "$lim" -e "local DATA = '$work/data' $script" >/dev/null 2>"$work/err"
		code=$?
		set -e
		rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
		took=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time")
		case $code in
		0) outcome="exit 0" ;;
		8) outcome="memory limit (exit 8)" ;;
		*) outcome="error (exit $code): $(grep -o 'the result would be.*\|needs more memory.*' "$work/err" | head -1 | cut -c1-60)" ;;
		esac
		ratio=$(awk -v r="$rss" -v b="$bytes" 'BEGIN { printf "%.2f", r * 1024 / b }')
		if awk -v x="$ratio" 'BEGIN { exit !(x > 2) }'; then
			fail=1
		fi
		printf '| %s | %s | %s | %s | %d MiB | %s× | %s |\n' "$name" "$what" "$lim" "$outcome" $((rss / 1024)) "$ratio" "$took"
	done
done
exit $fail
