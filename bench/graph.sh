#!/usr/bin/env bash
# Times graph loading: `migrate heads` and `migrate history` on generated
# projects of 100, 1,000 and 10,000 revisions (bench/gen_graph.py). Uses
# hyperfine when installed, else the mean of a loop of runs.
#
# usage: bench/graph.sh [path/to/migrate] [sizes...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/migrate}
shift || true
sizes=${*:-100 1000 10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

time_cmd() { # label, command...: prints mean milliseconds
	local label=$1; shift
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N --warmup 3 --runs 20 --export-json "$work/h.json" "$*" >/dev/null
		python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('%-28s %8.1f ms (±%.1f)' % (sys.argv[2], r['mean']*1000, r['stddev']*1000))" "$work/h.json" "$label"
	else
		"$@" >/dev/null # warm the cache
		local runs=20 start end
		start=$(date +%s%N)
		for _ in $(seq $runs); do "$@" >/dev/null; done
		end=$(date +%s%N)
		printf '%-28s %8.1f ms\n' "$label" "$(echo "($end - $start) / $runs / 1000000" | bc -l)"
	fi
}

for n in $sizes; do
	dir=$work/p$n
	python3 "$here/gen_graph.py" "$n" "$dir"
	time_cmd "heads   ($n revisions)" "$bin" -c "$dir/migrate.ini" heads
	time_cmd "history ($n revisions)" "$bin" -c "$dir/migrate.ini" history
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "max RSS history ($n):        %M KiB" "$bin" -c "$dir/migrate.ini" history >/dev/null
	fi
done
