#!/usr/bin/env bash
# migrate side by side with Alembic: builds migrate (Release, build-bench/),
# installs what is missing (Debian packages), uses the PostgreSQL and MariaDB
# servers named by MIGRATE_TEST_PG_URL / MIGRATE_TEST_MYSQL_URL or starts
# throw-away ones on 127.0.0.1 (scripts/servers.sh, stopped on exit), runs
# bench/run.py and writes bench/RESULTS.md.
#
# usage: bash bench/run.sh [--quick] [--only graph,current,offline,online,memory,autogen]
#        (MIGRATE_BIN=path skips the build; BENCH_OWN_SERVERS=1 ignores the env URLs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

need=()
for pkg in alembic python3-alembic python3-sqlalchemy python3-psycopg2 python3-pymysql \
	sqlite3 postgresql-client mariadb-client time cmake gcc pkg-config \
	libpq-dev libmariadb-dev libsqlite3-dev libgit2-dev libinih-dev libjansson-dev libmd-dev; do
	dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
	echo "installing: ${need[*]}" >&2
	if [ "$(id -u)" = 0 ]; then apt-get install -y "${need[@]}" >/dev/null || {
		apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null; }
	else sudo apt-get install -y "${need[@]}" >/dev/null; fi
fi

bin=${MIGRATE_BIN:-}
if [ -z "$bin" ]; then
	cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=Release -DMIGRATE_TESTS=OFF >/dev/null
	cmake --build "$root/build-bench" -j"$(nproc)" --target migrate >/dev/null
	bin=$root/build-bench/migrate
fi

if [ -n "${BENCH_OWN_SERVERS:-}" ]; then unset MIGRATE_TEST_PG_URL MIGRATE_TEST_MYSQL_URL; fi
if [ -z "${MIGRATE_TEST_PG_URL:-}" ] || [ -z "${MIGRATE_TEST_MYSQL_URL:-}" ]; then
	# shellcheck source=../scripts/servers.sh
	. "$root/scripts/servers.sh"
	srv=$(mktemp -d /tmp/migrate-bench-servers.XXXXXX)
	trap 'mg_servers_stop "$srv"; rm -rf "$srv"' EXIT
	mg_servers_start "$srv" >&2
fi

/usr/bin/python3 "$root/bench/run.py" --bin "$bin" --out "$root/bench/RESULTS.md" \
	--notes "$root/bench/NOTES.md" "$@"
