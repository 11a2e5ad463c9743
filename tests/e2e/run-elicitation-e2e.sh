#!/usr/bin/env bash
# Runs sdk_elicitation.mjs (the official TypeScript SDK client with a URL
# elicitation handler, and headless Chromium as the user's browser) against
# `aurite serve` over stdio and over HTTP, with the PostgreSQL of the
# aurite_databases fixture, then checks that its password (the canary) is in
# no log, no audit log and the store only encrypted. The screenshots of the
# entry page are left in <work dir>.
#
#   run-elicitation-e2e.sh <aurite binary> <work dir>
set -euo pipefail
aurite="$1"
work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node="$("$root/scripts/node-tools")"
# sdk_elicitation.mjs looks for the canary in the argv of this script's processes.
export AURITE_E2E_RUNNER=$$
. "$here/start-http-gateway.sh"
export CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
[[ -x "$CHROMIUM" ]] || { echo "FAIL chromium is not installed (scripts/install-deps)" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work/stdio" "$work/http"
ln -sfn "$root/tests/node/node_modules" "$work/node_modules"
cp "$here/sdk_elicitation.mjs" "$work/"
export AURITE_MCP_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"
export AURITE_GATEWAY_TOKEN="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')"
servers='"mcpServers": {"sql": {"command": "'"$aurite"'", "args": ["sql-server"], "capabilities": ["tools", "storage"]}}'
cat >"$work/stdio/aurite.json" <<JSON
{$servers,
 "security": {"store_path": "$work/stdio/store.db", "audit_log": "$work/stdio/audit.jsonl"},
 "gateway": {"transport": "stdio", "connection_entry_seconds": 6}}
JSON
cat >"$work/http/aurite.json" <<JSON
{$servers,
 "security": {"store_path": "$work/http/store.db", "audit_log": "$work/http/audit.jsonl"},
 "gateway": {"transport": "http", "host": "127.0.0.1", "bearer_tokens": ["\${env:AURITE_GATEWAY_TOKEN}"]}}
JSON

(cd "$work" && "$node" sdk_elicitation.mjs stdio "$aurite" "$work/stdio/aurite.json" "$work/stdio")

start_http_gateway "$aurite" "$work/http/aurite.json" "$work/http/host.log"
(cd "$work" && "$node" sdk_elicitation.mjs http "$url" "$work/http")
kill -TERM "$gateway"
wait "$gateway"
trap - EXIT

password="$("$node" -e 'const fs = require("fs");
  process.stdout.write(JSON.parse(fs.readFileSync(process.env.AURITE_TEST_DATABASES)).postgres.password)')"
[[ -n "$password" ]] || { echo "FAIL no canary password in $AURITE_TEST_DATABASES" >&2; exit 1; }
for mode in stdio http; do
  for file in host.log audit.jsonl store.db; do
    if grep -qaF -- "$password" "$work/$mode/$file"; then
      echo "FAIL [$mode] the canary password is in $file" >&2
      exit 1
    fi
  done
  grep -q '"event":"secure"' "$work/$mode/audit.jsonl" || { echo "FAIL [$mode] the entered connection was not audited as secured" >&2; exit 1; }
  [[ -s "$work/$mode/entry-page-$mode.png" ]] || { echo "FAIL [$mode] no screenshot" >&2; exit 1; }
done
echo "ok   the canary is in no host log, no audit log, and the store holds it only encrypted"
echo "ok   screenshots: $work/stdio/entry-page-stdio.png $work/http/entry-page-http.png"
