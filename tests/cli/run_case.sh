#!/usr/bin/env bash
# Runs one tests/cli/cases/*.t case (format: tests/cli/README.md).
set -u
bin=$1; case_file=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/.bin"; ln -s "$bin" "$tmp/.bin/migrate"
export PATH="$tmp/.bin:$PATH"
unset MIGRATE_URL
fail=0; kind=""; arg=""; content=""; cmd=""; out=""; err=""; status=0

check_block() {
	case "$kind" in
	file) mkdir -p "$(dirname "$tmp/$arg")"; printf '%s' "$content" > "$tmp/$arg" ;;
	run) cmd=${content%$'\n'}
	     out=$(cd "$tmp" && bash -c "$cmd" 2>"$tmp/.stderr"); status=$?
	     err=$(cat "$tmp/.stderr"); out=${out//$tmp/\$TMP}; err=${err//$tmp/\$TMP}
	     expect_exit=0; saw_exit=0 ;;
	exit) saw_exit=1
	      if [ "$status" != "$arg" ]; then
		echo "FAIL: '$cmd' exited $status, expected $arg"; echo "stdout: $out"; echo "stderr: $err"; fail=1
	      fi ;;
	stdout|stderr)
	      local got; [ "$kind" = stdout ] && got=$out || got=$err
	      if [ "$got" != "${content%$'\n'}" ]; then
		echo "FAIL: '$cmd' $kind differs"; diff <(printf '%s\n' "${content%$'\n'}") <(printf '%s\n' "$got"); fail=1
	      fi ;;
	stdout-has|stderr-has)
	      local got; [ "$kind" = stdout-has ] && got=$out || got=$err
	      local want
	      while IFS= read -r want; do
		[ -z "$want" ] && continue
		if [[ "$got" != *"$want"* ]]; then echo "FAIL: '$cmd' ${kind%-has} lacks: $want"; echo "got: $got"; fail=1; fi
	      done <<< "$content" ;;
	esac
}

finish_run() { # a run with no explicit exit block must exit 0
	if [ -n "$cmd" ] && [ "${saw_exit:-1}" = 0 ] && [ "$status" != 0 ]; then
		echo "FAIL: '$cmd' exited $status, expected 0"; echo "stderr: $err"; fail=1
	fi
}

while IFS= read -r line || [ -n "$line" ]; do
	if [[ "$line" == "--- "* ]]; then
		[ -n "$kind" ] && check_block
		read -r _ newkind newarg <<< "$line"
		[ "$newkind" = run ] && finish_run
		kind=$newkind; arg=${newarg:-}; content=""
	else
		content+="$line"$'\n'
	fi
done < "$case_file"
[ -n "$kind" ] && check_block
finish_run
[ "$fail" = 0 ] && echo "ok: $(basename "$case_file")"
exit $fail
