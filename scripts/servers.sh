#!/usr/bin/env bash
# Starts throw-away PostgreSQL 15 and MariaDB servers on 127.0.0.1 (free
# ports, data under a temporary folder) with one password-protected user
# each, and stops them. Source it, then:
#   mg_servers_start DIR   exports MIGRATE_TEST_PG_URL, MIGRATE_TEST_MYSQL_URL,
#                          MIGRATE_TEST_PASSWORD, MIGRATE_TEST_PG_ADMIN (socket URL)
#   mg_servers_stop DIR
# Also runnable: `scripts/servers.sh start DIR` prints export lines.
# PostgreSQL refuses to run as root, so it runs as `postgres`; mariadbd as `mysql`.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

mg_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

mg_as() { # run as user $1 when root, else as ourselves
	local user=$1; shift
	if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

mg_servers_start() {
	local dir=$1
	mkdir -p "$dir"; chmod 755 "$dir"
	MIGRATE_TEST_PASSWORD=${MIGRATE_TEST_PASSWORD:-"pw$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"}
	export MIGRATE_TEST_PASSWORD

	# PostgreSQL
	local pgport; pgport=$(mg_free_port)
	mkdir -p "$dir/pg" "$dir/pgsock"
	[ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/pg" "$dir/pgsock"
	mg_as postgres "$PG_BIN/initdb" -D "$dir/pg" -U postgres --auth-local=trust \
		--auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/pg-initdb.log" 2>&1 \
		|| { echo "initdb failed:"; cat "$dir/pg-initdb.log"; return 1; }
	mg_as postgres "$PG_BIN/pg_ctl" -D "$dir/pg" -l "$dir/pg/server.log" -w -t 60 \
		-o "-p $pgport -k $dir/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null || { echo "PostgreSQL did not start:"; cat "$dir/pg/server.log"; return 1; }
	mg_as postgres "$PG_BIN/../bin/psql" -q -h "$dir/pgsock" -p "$pgport" -U postgres -d postgres \
		-v ON_ERROR_STOP=1 -c "CREATE ROLE migrate LOGIN SUPERUSER PASSWORD '$MIGRATE_TEST_PASSWORD'" \
		-c "CREATE DATABASE migrate_test OWNER migrate" >/dev/null \
		|| { echo "PostgreSQL user setup failed"; return 1; }
	export MIGRATE_TEST_PG_URL="postgresql://migrate:$MIGRATE_TEST_PASSWORD@127.0.0.1:$pgport/migrate_test"
	export MIGRATE_TEST_PG_PORT=$pgport
	echo "$pgport" > "$dir/pg.port"

	# MariaDB
	local myport; myport=$(mg_free_port)
	mkdir -p "$dir/my" "$dir/myrun"
	[ "$(id -u)" = 0 ] && chown mysql:mysql "$dir/my" "$dir/myrun"
	mariadb-install-db --user=mysql --datadir="$dir/my" --auth-root-authentication-method=socket \
		--skip-test-db >"$dir/my-install.log" 2>&1 \
		|| { echo "mariadb-install-db failed:"; cat "$dir/my-install.log"; return 1; }
	( mariadbd --no-defaults --user=mysql --datadir="$dir/my" --port="$myport" --bind-address=127.0.0.1 \
		--socket="$dir/myrun/my.sock" --pid-file="$dir/myrun/my.pid" --log-error="$dir/myrun/my.log" \
		--innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 --skip-log-bin \
		--max-connections=200 >/dev/null 2>&1 & )
	local i
	for i in $(seq 1 120); do
		mariadb-admin --no-defaults --socket="$dir/myrun/my.sock" -uroot ping >/dev/null 2>&1 && break
		sleep 0.5
	done
	mariadb-admin --no-defaults --socket="$dir/myrun/my.sock" -uroot ping >/dev/null 2>&1 \
		|| { echo "MariaDB did not start:"; tail -20 "$dir/myrun/my.log"; return 1; }
	mariadb --no-defaults --socket="$dir/myrun/my.sock" -uroot -e "
		CREATE USER 'migrate'@'127.0.0.1' IDENTIFIED BY '$MIGRATE_TEST_PASSWORD';
		CREATE USER 'migrate'@'localhost' IDENTIFIED BY '$MIGRATE_TEST_PASSWORD';
		GRANT ALL PRIVILEGES ON *.* TO 'migrate'@'127.0.0.1' WITH GRANT OPTION;
		GRANT ALL PRIVILEGES ON *.* TO 'migrate'@'localhost' WITH GRANT OPTION;
		CREATE DATABASE migrate_test;" || { echo "MariaDB user setup failed"; return 1; }
	export MIGRATE_TEST_MYSQL_URL="mysql://migrate:$MIGRATE_TEST_PASSWORD@127.0.0.1:$myport/migrate_test"
	export MIGRATE_TEST_MYSQL_PORT=$myport
	echo "$myport" > "$dir/my.port"
}

mg_servers_stop() {
	local dir=$1
	if [ -f "$dir/pg/postmaster.pid" ]; then
		mg_as postgres "$PG_BIN/pg_ctl" -D "$dir/pg" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -f "$dir/myrun/my.pid" ]; then
		local pid; pid=$(cat "$dir/myrun/my.pid" 2>/dev/null)
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
		for _ in $(seq 1 60); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
		[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
	fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	case "${1:-}" in
	start) mg_servers_start "$2" >&2
	       echo "export MIGRATE_TEST_PG_URL='$MIGRATE_TEST_PG_URL'"
	       echo "export MIGRATE_TEST_MYSQL_URL='$MIGRATE_TEST_MYSQL_URL'"
	       echo "export MIGRATE_TEST_PASSWORD='$MIGRATE_TEST_PASSWORD'" ;;
	stop) mg_servers_stop "$2" ;;
	*) echo "usage: scripts/servers.sh start|stop DIR" >&2; exit 2 ;;
	esac
fi
