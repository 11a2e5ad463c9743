#!/usr/bin/env bash
# Runs sdk_elicitation_oauth.mjs: URL-mode elicitation on `aurite serve`
# over HTTP with gateway.auth trusting the OpenID provider harness and
# gateway.auth.entry_page naming its "aurite-entry-page" client, so the
# entry page signs the browser in and admits only the user who asked. Then
# checks that the canary password (the fixture PostgreSQL's) and the tokens
# are in no log, and the store holds the password only encrypted.
#
#   run-elicitation-oauth-e2e.sh <aurite binary> <work dir>   (needs AURITE_TEST_DATABASES)
set -euo pipefail
aurite="$1"
work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node="$("$root/scripts/node-tools")"
. "$here/start-http-gateway.sh"
. "$root/tests/harness/oidc/start-provider.sh"
export CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
[[ -x "$CHROMIUM" ]] || { echo "FAIL chromium is not installed (scripts/install-deps)" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
start_oidc_provider "$node" "$work/provider.log"
port="$(free_loopback_port "$node")"
cat >"$work/aurite.json" <<JSON
{"mcpServers": {"sql": {"command": "$aurite", "args": ["sql-server"], "capabilities": ["tools", "storage"]}},
 "security": {"store_path": "$work/store.db", "audit_log": "$work/audit.jsonl"},
 "gateway": {"transport": "http", "host": "127.0.0.1",
             "auth": {"issuer": "$issuer", "audience": "http://127.0.0.1:$port/mcp",
                      "entry_page": {"client_id": "aurite-entry-page"}}},
 "policies": [{"match": {"groups": ["analysts", "support"]},
               "allow": {"storage_types": ["postgresql"],
                         "tools": ["request_database_connection", "query_storage", "disconnect_storage"]}}]}
JSON
export AURITE_MCP_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"
start_http_gateway "$aurite" "$work/aurite.json" "$work/host.log" "$port" || { kill "$provider"; exit 1; }
trap 'kill "$gateway" "$provider" 2>/dev/null || true' EXIT
"$node" "$here/sdk_elicitation_oauth.mjs" "$url" "$issuer" "$work"
kill -TERM "$gateway"
wait "$gateway"
stop_oidc_provider
trap - EXIT

grep -q "another user signed in on an entry link" "$work/host.log" ||
  { echo "FAIL the host log does not warn of bob's sign-in on alice's link" >&2; exit 1; }
echo "ok   the host log warns that another user signed in on an entry link"
password="$("$node" -e 'const fs = require("fs");
  process.stdout.write(JSON.parse(fs.readFileSync(process.env.AURITE_TEST_DATABASES)).postgres.password)')"
for file in host.log audit.jsonl store.db pages.txt; do
  if grep -qaF -- "$password" "$work/$file"; then
    echo "FAIL the canary password is in $file" >&2
    exit 1
  fi
done
token="$(cat "$work/tokens.txt")"
if grep -qF -- "${token##*.}" "$work/host.log" "$work/audit.jsonl"; then
  echo "FAIL the access token is in the host log or the audit log" >&2
  exit 1
fi
echo "ok   neither the canary nor the token is in a log; the store holds the password only encrypted"
