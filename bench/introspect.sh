#!/usr/bin/env bash
# Times catalog introspection of a generated schema (default 2,000 tables of
# 8 columns, a primary key, 2 indexes and a foreign key each) on SQLite, and
# on PostgreSQL and MySQL/MariaDB when MIGRATE_TEST_PG_URL / _MYSQL_URL are
# set (source /tmp/mgdev.env or scripts/servers.sh). Prints best and median
# of 5 reads. Usage: bench/introspect.sh [BUILD_DIR] [TABLES]
# (SKIP_BUILD=1 uses BUILD_DIR's libmigrate_core.a as it is.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
n=${2:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -n "${SKIP_BUILD:-}" ] || cmake --build "$build" --target migrate_core migrate_module_postgresql migrate_module_mysql >/dev/null
cc -O2 -std=c11 -D_GNU_SOURCE -I"$root/migrate/include" -I"$root/migrate" -I"$build/generated" \
	"$root/bench/introspect_catalog.c" "$build/libmigrate_core.a" \
	$(pkg-config --libs sqlite3 inih jansson libmd) -pthread -ldl -lm -o "$work/introspect"
# The PostgreSQL and MySQL drivers are modules beside the build's migrate.
export MIGRATE_MODULE_DIR="$build/modules"

# One DDL script per dialect; t_i references t_(i-1).
gen() { # $1 = pg|mysql|sqlite
	local i
	for ((i = 1; i <= n; i++)); do
		local fk=""
		if ((i > 1)); then fk=", CONSTRAINT t${i}_fk FOREIGN KEY (parent_id) REFERENCES t$((i - 1)) (id)"; fi
		case $1 in
		pg) echo "CREATE TABLE t$i (id integer PRIMARY KEY, parent_id integer, name varchar(50) NOT NULL, email text, price numeric(10,2) DEFAULT 0, created timestamptz DEFAULT now(), flag boolean NOT NULL DEFAULT false, note text$fk);" ;;
		mysql) echo "CREATE TABLE t$i (id int PRIMARY KEY, parent_id int, name varchar(50) NOT NULL, email varchar(100), price decimal(10,2) DEFAULT 0, created timestamp NULL DEFAULT CURRENT_TIMESTAMP, flag tinyint(1) NOT NULL DEFAULT 0, note text$fk);" ;;
		sqlite) echo "CREATE TABLE t$i (id INTEGER PRIMARY KEY, parent_id INT, name varchar(50) NOT NULL, email TEXT, price NUMERIC DEFAULT 0, created TEXT DEFAULT CURRENT_TIMESTAMP, flag INT NOT NULL DEFAULT 0, note TEXT$fk);" ;;
		esac
		echo "CREATE INDEX t${i}_name ON t$i (name); CREATE INDEX t${i}_email_price ON t$i (email, price);"
	done
}

gen sqlite > "$work/sqlite.sql"
sqlite3 "$work/bench.db" < "$work/sqlite.sql"
"$work/introspect" "sqlite:///$work/bench.db" "" 5

# Dropping thousands of tables in one statement runs out of lock slots:
# one table per statement, each its own transaction.
pg_drop() {
	psql -q -t -A "$MIGRATE_TEST_PG_URL" -c "SELECT format('DROP TABLE IF EXISTS bench_introspect.%I CASCADE;', relname) FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'bench_introspect') AND relkind = 'r'" \
		| psql -q "$MIGRATE_TEST_PG_URL" >/dev/null 2>&1 || true
	psql -q "$MIGRATE_TEST_PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS bench_introspect CASCADE" >/dev/null
}

if [ -n "${MIGRATE_TEST_PG_URL:-}" ]; then
	pg_drop
	{ echo "SET client_min_messages = warning; CREATE SCHEMA bench_introspect; SET search_path = bench_introspect;"; gen pg; } > "$work/pg.sql"
	psql -q -v ON_ERROR_STOP=1 "$MIGRATE_TEST_PG_URL" -f "$work/pg.sql" >/dev/null
	"$work/introspect" "$MIGRATE_TEST_PG_URL" bench_introspect 5
	pg_drop
fi

if [ -n "${MIGRATE_TEST_MYSQL_URL:-}" ]; then
	# mysql://user:pass@host:port/db -> client options
	u=${MIGRATE_TEST_MYSQL_URL#*://}; cred=${u%%@*}; hp=${u#*@}; hp=${hp%%/*}
	my=(mariadb --no-defaults -h "${hp%%:*}" -P "${hp##*:}" -u "${cred%%:*}" "-p${cred#*:}")
	{ echo "DROP DATABASE IF EXISTS bench_introspect; CREATE DATABASE bench_introspect; USE bench_introspect;"; gen mysql; } > "$work/mysql.sql"
	"${my[@]}" < "$work/mysql.sql"
	"$work/introspect" "$MIGRATE_TEST_MYSQL_URL" bench_introspect 5
	"${my[@]}" -e "DROP DATABASE bench_introspect"
fi
