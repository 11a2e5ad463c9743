#!/usr/bin/env bash
# Runs sdk_gateway.mjs (the official TypeScript SDK client) against
# `aurite serve --transport http` over a fresh copy of the example SQLite
# database (examples/sample.sql), the PostgreSQL of the aurite_databases
# fixture and a fresh store, with a bearer token required, then
# stops the gateway with SIGTERM and checks that it exited cleanly.
#
#   run-sdk-e2e.sh <aurite binary> <work dir>
set -euo pipefail
aurite="$1"
work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node="$("$root/scripts/node-tools")"
. "$here/start-http-gateway.sh"

rm -rf "$work" && mkdir -p "$work"
ln -sfn "$root/tests/node/node_modules" "$work/node_modules"
cp "$here/sdk_gateway.mjs" "$work/"
"$root/examples/seed-sqlite" "$aurite" "$work/sample.db" "$root/examples/sample.sql"
cat >"$work/aurite.json" <<JSON
{"mcpServers": {"sql": {"command": "$aurite", "args": ["sql-server"], "capabilities": ["tools", "storage"]}},
 "security": {"store_path": "$work/store.db", "audit_log": "$work/audit.jsonl"},
 "gateway": {"transport": "http", "host": "127.0.0.1", "bearer_tokens": ["\${env:AURITE_GATEWAY_TOKEN}"]}}
JSON
key="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"
export AURITE_GATEWAY_TOKEN="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')"
export AURITE_MCP_ENCRYPTION_KEY="$key"
start_http_gateway "$aurite" "$work/aurite.json" "$work/host.log"
(cd "$work" && "$node" sdk_gateway.mjs "$url" "sqlite:///$work/sample.db")
kill -TERM "$gateway"
wait "$gateway"
trap - EXIT
echo "ok   gateway exited cleanly on SIGTERM"
password="$("$node" -e 'const fs = require("fs");
  process.stdout.write(JSON.parse(fs.readFileSync(process.env.AURITE_TEST_DATABASES)).postgres.password)')"
[[ -n "$password" ]] || { echo "FAIL no canary password in $AURITE_TEST_DATABASES" >&2; exit 1; }
if grep -qF -- "$password" "$work/host.log" "$work/audit.jsonl"; then
  echo "FAIL the canary password is in the host log or the audit log" >&2
  exit 1
fi
echo "ok   the canary password is in neither the host log nor the audit log"
