#!/usr/bin/env bash
# Follows the README as a new user would, against the binary under test:
#  1. `make run`'s script (examples/run) in a fresh state directory;
#  2. while that gateway runs, every line of README "Using it" in order,
#     against the store, key and sample database it made;
#  3. the client entry README prints is valid JSON naming an absolute path;
#  4. a second start on the same port stops before its banner, with a hint,
#     and `aurite serve` itself names --port;
#  5. `make run` builds only the aurite binary.
#
#   readme_steps_test.sh <aurite binary> <work dir>
set -euo pipefail
aurite="$1"
work="$2"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "$(dirname "$aurite")" && pwd)"

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work/state"
export XDG_STATE_HOME="$work/state"
unset AURITE_MCP_ENCRYPTION_KEY AURITE_MCP_ENCRYPTION_KEY_FILE AURITE_STATE_DIR
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

# 1. make run
"$root/examples/run" "$build" "$port" >"$work/run.out" 2>"$work/run.err" &
gateway=$!
trap 'kill "$gateway" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
  grep -q "ready at" "$work/run.err" 2>/dev/null && break
  kill -0 "$gateway" 2>/dev/null || fail "examples/run exited: $(cat "$work/run.err")"
  sleep 0.2
done
grep -q "ready at http://127.0.0.1:$port/mcp" "$work/run.err" || fail "the gateway did not start: $(cat "$work/run.err")"
[[ -f "$XDG_STATE_HOME/aurite/key" ]] || fail "make run made no key file"

# 2. README "Using it", in order, from the repository root.
block="$(awk '/^## Using it/ { in_section = 1 } in_section && /^```sh/ { in_block = 1; next }
              in_block && /^```/ { exit } in_block' "$root/README.md")"
[[ -n "$block" ]] || fail "no sh block under '## Using it' in README.md"
script="$(printf '%s\n' "$block" | sed -E "s#(^|\| )build/aurite#\1$aurite#")"
(cd "$root" && bash -euo pipefail -c "$script") </dev/null >"$work/readme.out" 2>&1 ||
  fail "a README step failed:
$(cat "$work/readme.out")"
grep -q 'sqlite:///' "$work/readme.out" || fail "secure printed no masked form: $(cat "$work/readme.out")"
grep -q 'postgresql://app:\*\*\*\*@db/orders' "$work/readme.out" || fail "mask printed: $(cat "$work/readme.out")"
if grep -q 's3cret' <(grep -v "^echo" "$work/readme.out"); then fail "a README step printed the password"; fi

# 3. The client entry README prints.
entry_line="$(grep -m1 '^echo "{\\"mcpServers' "$root/README.md")" || fail "README has no client entry"
entry="$(cd "$root" && bash -c "$entry_line")"
python3 -c 'import json, os, sys
entry = json.loads(sys.argv[1])
command = entry["mcpServers"]["sql"]["command"]
assert os.path.isabs(command), command
assert entry["mcpServers"]["sql"]["args"] == ["sql-server"]' "$entry" || fail "bad client entry: $entry"

# 4. The port is taken: no banner, a hint, and a failing exit.
if "$root/examples/run" "$build" "$port" >"$work/run2.out" 2>"$work/run2.err"; then
  fail "a second examples/run on a taken port succeeded"
fi
grep -q "make run PORT=" "$work/run2.err" || fail "no PORT= hint: $(cat "$work/run2.err")"
if grep -q "Aurite MCP gateway" "$work/run2.out"; then fail "the banner came before the port error"; fi
if AURITE_MCP_ENCRYPTION_KEY_FILE="$XDG_STATE_HOME/aurite/key" AURITE_STATE_DIR="$XDG_STATE_HOME/aurite" \
   AURITE_BIN_DIR="$build" "$aurite" serve --config "$root/examples/aurite.json" --port "$port" \
   </dev/null >/dev/null 2>"$work/serve2.err"; then
  fail "aurite serve on a taken port succeeded"
fi
grep -q -- "--port N" "$work/serve2.err" || fail "serve names no --port: $(cat "$work/serve2.err")"

# 5. make run builds only what it runs.
plan="$(make -s -n -C "$root" run)"
grep -q -- "--build build -j [0-9]* --target aurite" <<<"$plan" || fail "make run does not build --target aurite: $plan"
# grep -v without -q reads all it is given: a reader that stops early
# could kill the writer with SIGPIPE, and pipefail would call that "no".
if grep -- "cmake --build" <<<"$plan" | grep -v -- "--target aurite" >/dev/null; then
  fail "make run builds more than aurite: $plan"
fi

kill -INT "$gateway"
wait "$gateway" || fail "the gateway did not stop cleanly"
trap - EXIT
echo "README steps: ok"
