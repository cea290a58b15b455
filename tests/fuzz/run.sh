#!/usr/bin/env bash
# Builds every libFuzzer target in tests/fuzz against the library sources
# with clang (not through CMake) and runs each for SECONDS (default 60)
# from a seed corpus taken from the repository.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]      e.g. tests/fuzz/run.sh 180 graph config
#
# Output goes under build-fuzz/ (ignored by git): the binaries, the
# library archive, corpus/<target>/ (seeds plus what the fuzzer found new)
# and artifacts/<target>/ (crashes, with the input that caused them).
# Environment: CC (default clang), JOBS (parallel compiles, default 2),
# FUZZ_FLAGS (extra libFuzzer flags).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	targets=(split graph config url placeholder catalog template)
fi
CC=${CC:-clang}
JOBS=${JOBS:-2}
out=$root/build-fuzz
mkdir -p "$out/obj" "$out/generated/migrate"

sed 's/@PROJECT_VERSION@/fuzz/' migrate/include/migrate/version.h.in >"$out/generated/migrate/version.h"
cflags=(-g -O1 -std=c11 -D_GNU_SOURCE -fno-omit-frame-pointer
	-DMG_HAVE_POSTGRESQL -DMG_HAVE_MYSQL -DMG_HAVE_SQLITE
	"-DMIGRATE_SOURCE_DIR=\"$root\"" "-DMIGRATE_BINARY_DIR=\"$out\"" "-DMIGRATE_INCLUDE_DIR=\"$root/migrate/include\""
	-Imigrate/include -Imigrate -I"$out/generated"
	$(pkg-config --cflags libpq mysqlclient sqlite3 libgit2 inih jansson libcrypto))
libs=($(pkg-config --libs libpq mysqlclient sqlite3 libgit2 inih jansson libcrypto) -ldl -lm)
san=(-fsanitize=address,undefined -fno-sanitize-recover=undefined)

# The engine (every migrate/ source but the command line), instrumented for
# coverage, as one archive; each target takes what it needs from it.
echo "== compiling migrate/ with $CC"
newest_h=$(find migrate -name '*.h' -newer "$out/libmigrate_fuzz.a" 2>/dev/null | head -1 || true)
[ -e "$out/libmigrate_fuzz.a" ] || newest_h=all
objs=()
for src in $(find migrate -name '*.c' -not -path 'migrate/cli/*' | sort); do
	o=$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
	objs+=("$o")
	if [ -n "$newest_h" ] || [ ! -e "$o" ] || [ "$src" -nt "$o" ]; then
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
		"$CC" "${cflags[@]}" "${san[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$o" &
	fi
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n; done
rm -f "$out/libmigrate_fuzz.a"
ar rcs "$out/libmigrate_fuzz.a" "${objs[@]}"

for t in "${targets[@]}"; do
	echo "== building fuzz_$t"
	"$CC" "${cflags[@]}" "${san[@]}" -fsanitize=fuzzer "tests/fuzz/fuzz_$t.c" "$out/libmigrate_fuzz.a" \
		"${libs[@]}" -o "$out/fuzz_$t"
done

# ---- seed corpora ------------------------------------------------------
seed() { # seed TARGET NAME < content
	mkdir -p "$out/corpus/$1"
	cat >"$out/corpus/$1/seed_$2"
}
# The `--- file PATH` blocks of the command-line cases whose PATH matches $2.
case_files() { # case_files TARGET REGEX
	local t=$1 re=$2
	for c in tests/cli/cases/*.t; do
		awk -v re="$re" -v dir="$out/corpus/$t" -v base="$(basename "$c" .t)" '
			/^--- / { if (f) close(f); f = ""
				if ($2 == "file" && $3 ~ re) { n++; f = dir "/case_" base "_" n } next }
			f { print > f }' "$c"
	done
}
for t in "${targets[@]}"; do mkdir -p "$out/corpus/$t" "$out/artifacts/$t"; done
for f in versions/*.sql templates/*/versions/*.sql; do
	[ -e "$f" ] || continue
	seed split "$(basename "$f")" <"$f"
	seed placeholder "$(basename "$f")" <"$f"
	seed graph "$(basename "$f")" <"$f"
done
# Whole version folders as one input: files separated by NUL bytes, then
# identifiers to resolve.
{ for f in versions/*.sql; do cat "$f"; printf '\0'; done; printf 'head heads base -1 1f0a 5e0a2b4c7d64+1 head-2 :'; } |
	seed graph demo_all
case_files graph '[.](sql|c)$'
case_files split '[.]sql$'
case_files config '[.]ini$'
for f in migrate.ini templates/*/migrate.ini; do seed config "$(echo "$f" | tr / _)" <"$f"; done
for f in templates/*.tmpl; do seed template "$(basename "$f")" <"$f"; done
grep -rhoE '(postgres(ql)?|mysql|mariadb|sqlite)(\+[a-z0-9]+)?://[^ "'\'']*' \
	migrate.ini templates tests/cli/cases README.md 2>/dev/null | sort -u | head -200 |
	while IFS= read -r u; do printf '%s' "$u" | seed url "$(printf '%s' "$u" | md5sum | cut -c1-12)"; done
if [ -e "$out/fuzz_catalog" ] || printf '%s\n' "${targets[@]}" | grep -qx catalog; then
	"$CC" "${cflags[@]}" "${san[@]}" tests/fuzz/catalog_seed.c "$out/libmigrate_fuzz.a" "${libs[@]}" \
		-fsanitize=fuzzer-no-link -o "$out/catalog_seed"
	"$out/catalog_seed" "$out/corpus/catalog" models.sql templates/*/models.sql || true
fi

# ---- run ---------------------------------------------------------------
dict() {
	case $1 in
	split | placeholder) echo tests/fuzz/split.dict ;;
	*) [ -e "tests/fuzz/$1.dict" ] && echo "tests/fuzz/$1.dict" ;;
	esac
}
status=0
for t in "${targets[@]}"; do
	d=$(dict "$t" || true)
	echo "== fuzz_$t for ${seconds}s${d:+ with $d}"
	if ! "$out/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t/" ${d:+-dict=$d} ${FUZZ_FLAGS:-} "$out/corpus/$t" \
		2>"$out/fuzz_$t.log"; then
		echo "fuzz_$t: FAILED, see $out/fuzz_$t.log and $out/artifacts/$t/"
		status=1
	fi
	grep -E '^stat::number_of_executed_units|^Done ' "$out/fuzz_$t.log" || true
done
exit $status
