#!/usr/bin/env bash
# The Claude Desktop bundle (issue 21), made from this build's binary:
#  1. make-bundle validates the manifest and packs it with the pinned mcpb CLI;
#  2. `mcpb unpack` gives an executable binary whose libraries, but glibc's,
#     all resolve inside the bundle (libpq and libmariadb included);
#  3. launched as Claude Desktop would (mcpb's getMcpConfigForManifest over
#     the user's store key and configuration file), the store key is in the
#     environment and not in the arguments, and the gateway answers tools/list
#     and queries SQLite through the bundled sql-server;
#  4. the bundle's examples/aurite.json as the configuration starts the
#     bundled sql server;
#  5. a damaged store key stops the gateway with an error that names the
#     variable and does not echo the key;
#  6. without the required store key the launch configuration is refused.
#
#   bundle_test.sh <aurite binary> <work dir>
set -euo pipefail
aurite="$1"
work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node="$("$root/scripts/node-tools")"

fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"
# ES modules resolve packages from their own folder: the resolver runs from $work.
ln -sfn "$root/tests/node/node_modules" "$work/node_modules"
cp "$here/resolve_mcp_config.mjs" "$work/"

# 1. Make, validate and pack.
"$root/packaging/mcpb/make-bundle" "$aurite" "$work/aurite.mcpb" >"$work/make-bundle.log" 2>&1 ||
  fail "make-bundle: $(cat "$work/make-bundle.log")"
grep -q 'Manifest schema validation passes' "$work/make-bundle.log" || fail "mcpb validate did not pass"
echo "ok   mcpb validate passes and mcpb pack made aurite.mcpb ($(du -h "$work/aurite.mcpb" | cut -f1))"

# 2. Unpacked by the official CLI.
bundle="$work/unpacked"
"$node" "$root/tests/node/node_modules/.bin/mcpb" unpack "$work/aurite.mcpb" "$bundle" >/dev/null
[[ -x "$bundle/server/aurite" ]] || fail "the unpacked server/aurite is not executable"
"$bundle/server/aurite" --version | grep -q '^aurite ' || fail "the unpacked binary does not run"
for binary in "$bundle/server/aurite" "$bundle/server/lib/libpq.so.5" "$bundle/server/lib/libmariadb.so.3"; do
  outside="$(ldd "$binary" | awk '$2 == "=>" { print $1, $3 }' |
             grep -vE '^(libc|libm|libdl|libpthread|librt|libresolv|ld-linux-x86-64)\.so' |
             grep -vF " $bundle/server/lib/" || true)"
  [[ -z "$outside" ]] || fail "$(basename "$binary") loads libraries from outside the bundle: $outside"
done
echo "ok   unpacked: every library but glibc's resolves inside the bundle"

# 3. Launched as Claude Desktop would.
"$bundle/server/aurite" key generate >"$work/key"
"$root/examples/seed-sqlite" "$bundle/server/aurite" "$work/sample.db" "$root/examples/sample.sql"
cat >"$work/aurite.json" <<JSON
{"mcpServers": {"sql": {"command": "aurite", "args": ["sql-server"],
                        "env": {"PATH": "\${env:AURITE_BIN_DIR}"}, "capabilities": ["tools", "storage"]}},
 "security": {"store_path": "$work/store.db", "audit_log": "$work/audit.jsonl"},
 "connections": {"sample": {"storage_type": "sqlite", "connection_string": "sqlite:///$work/sample.db",
                            "server": "sql"}}}
JSON
python3 -c 'import json, sys; print(json.dumps({"store_key": open(sys.argv[1]).read().strip(),
                                                 "config_file": sys.argv[2]}))' \
  "$work/key" "$work/aurite.json" >"$work/user-config.json"
"$node" "$work/resolve_mcp_config.mjs" "$bundle" "$work/user-config.json" >"$work/launch.json"
python3 - "$work/launch.json" "$work/key" <<'PY' || fail "launch configuration: $(cat "$work/launch.json")"
import json, sys
launch, key = json.load(open(sys.argv[1])), open(sys.argv[2]).read().strip()
assert key not in json.dumps(launch["args"]) and key not in launch["command"], "the key is in argv"
assert launch["env"]["AURITE_MCP_ENCRYPTION_KEY"] == key, launch["env"].keys()
PY
"$here/gateway-on-sample" "$work/launch.json" "$work/calls.out" ||
  fail "the bundled gateway did not answer as expected"
echo "ok   launched as Claude Desktop would: key in env only; tools/list and a query through sql-server"

# 4. The bundle's own example configuration, as the user's file: the gateway
# starts the bundled sql server (the store goes under HOME).
echo "{\"store_key\": \"$(cat "$work/key")\", \"config_file\": \"$bundle/examples/aurite.json\"}" \
  >"$work/example-config.json"
"$node" "$work/resolve_mcp_config.mjs" "$bundle" "$work/example-config.json" >"$work/example-launch.json"
echo '[{"method": "tools/list"}]' >"$work/list.json"
mkdir -p "$work/home"
HOME="$work/home" "$here/mcp_stdio_client.py" "$work/example-launch.json" "$work/list.json" \
  >"$work/example.out"
grep -q '"sql_execute_query"' "$work/example.out" ||
  fail "the bundle's examples/aurite.json does not start the bundled sql server"
[[ -f "$work/home/.local/state/aurite/credentials.db" ]] || fail "no store under HOME"
echo "ok   the bundle's examples/aurite.json starts the bundled sql server"

# 5. A damaged key typed into the setting (a character missing): the gateway
# stops with an error naming the variable, never the value.
damaged="$(cut -c2- "$work/key")"
echo "{\"store_key\": \"$damaged\", \"config_file\": \"$work/aurite.json\"}" >"$work/damaged.json"
"$node" "$work/resolve_mcp_config.mjs" "$bundle" "$work/damaged.json" >"$work/damaged-launch.json"
python3 - "$work/damaged-launch.json" "$damaged" <<'PY' || fail "a damaged store key was not refused cleanly"
import json, subprocess, sys
launch, damaged = json.load(open(sys.argv[1])), sys.argv[2]
done = subprocess.run([launch["command"], *launch["args"]], env=launch["env"], input=b"",
                      capture_output=True, timeout=30)
err = done.stderr.decode(errors="replace")
assert done.returncode != 0, "the gateway started with a damaged key"
assert "AURITE_MCP_ENCRYPTION_KEY" in err, err
assert damaged not in err and damaged not in done.stdout.decode(errors="replace"), "the key was echoed"
PY
echo "ok   a damaged store key stops the gateway with an error naming the variable, not the key"

# 6. No store key: the client must not start it.
echo "{\"config_file\": \"$work/aurite.json\"}" >"$work/no-key.json"
if "$node" "$work/resolve_mcp_config.mjs" "$bundle" "$work/no-key.json" >/dev/null 2>&1; then
  fail "a launch configuration without the required store key was produced"
fi
echo "ok   without the store key the bundle is not launched"
