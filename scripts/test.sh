#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs what is missing,
# starts PostgreSQL 15 and MariaDB on 127.0.0.1 (free ports, temporary data),
# builds the normal and the ASan+UBSan variants, runs ctest on both, and stops
# the servers whatever happens. A server that does not start fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/deps.sh --test

tmp=$(mktemp -d /tmp/migrate-test.XXXXXX)
# shellcheck source=scripts/servers.sh
source scripts/servers.sh
cleanup() { mg_servers_stop "$tmp"; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

echo "== starting PostgreSQL and MariaDB"
mg_servers_start "$tmp"
export MIGRATE_TEST_REQUIRE_SERVERS=1
export TMPDIR="$tmp"
export XDG_CACHE_HOME="$tmp/cache"

status=0
for variant in normal sanitize; do
	build="$root/build-test-$variant"
	sanitize=OFF; [ "$variant" = sanitize ] && sanitize=ON
	echo "== building ($variant)"
	cmake -S "$root" -B "$build" -DMIGRATE_SANITIZE=$sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j"$(nproc)" >"$tmp/build-$variant.log" 2>&1 || { cat "$tmp/build-$variant.log"; exit 1; }
	echo "== testing ($variant)"
	# intercept_tls_get_addr=0: GCC 12's LeakSanitizer reads a bogus
	# dynamic-TLS block (and crashes at exit) in a process whose threads
	# used a dlopen'd library's TLS, as the MySQL model lanes do with
	# libmariadb; leak checking itself stays on.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:intercept_tls_get_addr=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 300 || status=1
done
exit $status
