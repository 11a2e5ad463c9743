#!/usr/bin/env bash
# Runs the official MCP suites, pinned in tests/node/package-lock.json and
# installed by scripts/node-tools, against the mcp layer's fixtures in a
# built tree:
#   - @modelcontextprotocol/conformance 0.1.16, server side, active suite (HTTP)
#   - @modelcontextprotocol/conformance 0.2.0-alpha.12, --requirements 2025-11-25
#     and --requirements 2026-07-28 (the stateless era)
#   - each tasks-* scenario of that revision's requirements, one by one: the
#     requirements run reports them unscored (an extension), so a failure
#     there would not fail the run
#   - client scenarios initialize, tools_call, sse-retry,
#     elicitation-sep1034-client-defaults against aurite-conformance-client
#   - interop: @modelcontextprotocol/sdk 1.32.2 over stdio and HTTP (a plain
#     call and a 2025-11-25 task through its experimental task client), and
#     @modelcontextprotocol/client 2.4.0 in 'auto' mode and pinned to
#     2026-07-28, each over stdio and HTTP
#
#   tests/mcp/conformance/run-suites.sh BUILD_DIR
#
# Node 22 comes from the `node` npm package (Debian's Node 20 only runs npm).
# scripts/node-tools installs the pinned packages when the lock file changed.
# Any failing scenario fails the script; there is no expected-failures list.
set -euo pipefail

build=$(cd "${1:?usage: run-suites.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tests=$(cd "$here/../.." && pwd)
server="$build/tests/mcp/aurite-conformance-server"
client="$build/tests/mcp/aurite-conformance-client"
work="$build/mcp-npm"

for binary in "$server" "$client"; do
  [[ -x "$binary" ]] || { echo "run-suites: $binary is missing; build the tree first" >&2; exit 1; }
done

root=$(cd "$tests/.." && pwd)
node=$("$root/scripts/node-tools")
peers="$tests/node/node_modules"
suite_old="$peers/conformance-stable/dist/index.js"
suite_new="$peers/conformance-next/dist/index.js"

# The interop script imports the SDKs: give it a directory whose
# node_modules is the pinned one, since ESM resolves from the script's place.
mkdir -p "$work"
ln -sfn "$peers" "$work/node_modules"
cp "$tests/mcp/interop/sdk_interop.mjs" "$work/"

# Start the HTTP fixture on a free port and read the port from its banner.
# Empty the log first: the fixture's own redirection may happen after the
# first read below, which must not find an old run's banner.
log="$work/fixture.log"
: >"$log"
"$server" --http 0 2>"$log" &
fixture_pid=$!
trap 'kill "$fixture_pid" 2>/dev/null || true; wait "$fixture_pid" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 100); do
  url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log")
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { echo "run-suites: the fixture did not start:" >&2; cat "$log" >&2; exit 1; }
url=${url/127.0.0.1/localhost}

step() { echo "== $*"; }

step "conformance 0.1.16 server suite against $url"
"$node" "$suite_old" server --url "$url"

step "conformance 0.2.0-alpha.12 server --requirements 2025-11-25"
"$node" "$suite_new" server --url "$url" --requirements 2025-11-25

step "conformance 0.2.0-alpha.12 server --requirements 2026-07-28"
"$node" "$suite_new" server --url "$url" --requirements 2026-07-28

# The tasks extension's scenarios, as the requirements file lists them.
tasks_scenarios=$(sed -n 's/^ *- scenario: \(tasks-[a-z-]*\)$/\1/p' \
  "$peers/conformance-next/requirements/2026-07-28.yaml")
[[ -n "$tasks_scenarios" ]] || { echo "run-suites: no tasks-* scenarios found" >&2; exit 1; }
for scenario in $tasks_scenarios; do
  step "conformance 0.2.0-alpha.12 server scenario $scenario (tasks extension)"
  "$node" "$suite_new" server --url "$url" --scenario "$scenario"
done

for scenario in initialize tools_call sse-retry elicitation-sep1034-client-defaults; do
  step "conformance 0.1.16 client scenario $scenario"
  "$node" "$suite_old" client --command "$client" --scenario "$scenario"
done

step "interop: official TypeScript SDK clients"
(cd "$work" && "$node" sdk_interop.mjs "$server" "$url")

step "interop: @modelcontextprotocol/client pinned to 2026-07-28"
(cd "$work" && "$node" sdk_interop.mjs "$server" "$url" 2026)
echo "run-suites: all suites passed"
