#!/usr/bin/env bash
# Installs the Debian packages migrate needs to build (and, with --test, to
# run its test suite against real servers). Skips apt-get when all are there.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libpq-dev default-libmysqlclient-dev libsqlite3-dev
      libgit2-dev libinih-dev libjansson-dev libmd-dev)
if [ "${1:-}" = "--test" ]; then
	pkgs+=(libcmocka-dev postgresql-15 postgresql-client-15 mariadb-server mariadb-client sqlite3 python3)
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
	$sudo_cmd apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
