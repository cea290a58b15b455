#!/usr/bin/env bash
# Builds migrate and runs the bundled demo project (migrate.ini, versions/,
# models.sql) on its default embedded SQLite database: no server needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DMIGRATE_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
set -x
./build/migrate --version
./build/migrate upgrade head
./build/migrate history
./build/migrate current -v
