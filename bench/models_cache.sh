#!/usr/bin/env bash
# Cold against warm `migrate check` (the normalised-models cache, models/cache.c)
# on generated models of N tables (bench/gen_models.py), the database brought
# to the models first (revision --autogenerate + upgrade head) so check says OK.
#   cold      empty cache: the models are applied into a scratch space, then stored
#   warm      the catalog comes from cache_dir/models/<key>
#   no-cache  --no-cache (as before the cache)
# usage: bench/models_cache.sh [N ...]    (default: 500 2000)
# env: MIGRATE_BIN (default build-bench/migrate), MIGRATE_TEST_PG_URL (PostgreSQL
# rows are skipped without it), RUNS (default 5).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${MIGRATE_BIN:-$here/../build-bench/migrate}
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 2000)
work=$(mktemp -d)
schemas=()
cleanup() {
	for s in "${schemas[@]}"; do
		psql -q "$MIGRATE_TEST_PG_URL" -c "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1 || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

median() { # hyperfine JSON -> median seconds
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f" % r["median"])' "$1"
}

printf '| dialect | tables | cold check (s) | warm check (s) | --no-cache (s) | cache entry |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: |\n'
for n in "${sizes[@]}"; do
	for dialect in sqlite postgresql; do
		if [ "$dialect" = postgresql ] && [ -z "${MIGRATE_TEST_PG_URL:-}" ]; then
			continue
		fi
		dir=$work/$dialect-$n
		python3 "$here/gen_models.py" "$n" "$dir" >/dev/null
		proj=$dir/migrate
		sed -i 's|^default_db = bench$|default_db = bench\ncache_dir = %(here)s/cache|' "$proj/migrate.ini"
		if [ "$dialect" = postgresql ]; then
			schema=bench_cache_$$_$n
			schemas+=("$schema")
			psql -q "$MIGRATE_TEST_PG_URL" -c "CREATE SCHEMA $schema" >/dev/null
			sed -i "s|^default_db = bench$|default_db = bench\nschema = $schema|" "$proj/migrate.ini"
			export BENCH_MIGRATE_URL=$MIGRATE_TEST_PG_URL
		else
			unset BENCH_MIGRATE_URL
		fi
		(cd "$proj" && MIGRATE_NO_CACHE=1 "$bin" -q revision --autogenerate -m init >/dev/null &&
			"$bin" -q upgrade head >/dev/null)
		(cd "$proj" && "$bin" check >/dev/null) # fills the cache; must say OK
		cd "$proj"
		hyperfine -N --style none --runs "$runs" --prepare "rm -rf $proj/cache" --export-json "$dir/cold.json" \
			"$bin check" >/dev/null 2>&1
		"$bin" check >/dev/null
		hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$dir/warm.json" "$bin check" >/dev/null 2>&1
		hyperfine -N --style none --runs "$runs" --export-json "$dir/nocache.json" "$bin check --no-cache" \
			>/dev/null 2>&1
		size=$(du -k "$proj"/cache/models/* | awk '{s += $1} END {print s " KiB"}')
		cd "$here"
		printf '| %s | %d | %s | %s | %s | %s |\n' "$dialect" "$n" "$(median "$dir/cold.json")" \
			"$(median "$dir/warm.json")" "$(median "$dir/nocache.json")" "$size"
	done
done
