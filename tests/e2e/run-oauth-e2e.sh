#!/usr/bin/env bash
# Runs sdk_oauth.mjs (the official TypeScript SDK client's OAuth flow)
# against `aurite serve --transport http` with gateway.auth trusting the
# OpenID provider harness (tests/harness/oidc/provider.mjs) and a named
# SQLite connection over a fresh copy of the example database, then stops
# both with SIGTERM and checks that no access token is in the host log or
# the audit log.
#
#   run-oauth-e2e.sh <aurite binary> <work dir>
set -euo pipefail
aurite="$1"
work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node="$("$root/scripts/node-tools")"
. "$here/start-http-gateway.sh"
. "$root/tests/harness/oidc/start-provider.sh"

rm -rf "$work" && mkdir -p "$work"
"$root/examples/seed-sqlite" "$aurite" "$work/sample.db" "$root/examples/sample.sql"

start_oidc_provider "$node" "$work/provider.log"

# The audience is the gateway's URL, so its port is chosen here: a free one
# the moment it is asked for.
port="$(free_loopback_port "$node")"
cat >"$work/aurite.json" <<JSON
{"mcpServers": {"sql": {"command": "$aurite", "args": ["sql-server"], "capabilities": ["tools", "storage"]}},
 "security": {"store_path": "$work/store.db", "audit_log": "$work/audit.jsonl"},
 "connections": {"sample": {"storage_type": "sqlite", "server": "sql", "connection_string": "sqlite:///$work/sample.db"}},
 "gateway": {"transport": "http", "host": "127.0.0.1",
             "auth": {"issuer": "$issuer", "audience": "http://127.0.0.1:$port/mcp", "required_scopes": ["mcp:tools"], "scopes_supported": ["mcp:tools"],
                      "groups_claim": "groups"}},
 "policies": [{"match": {"subject": ["*"]},
               "allow": {"tools": ["*"], "connections": ["sample"], "storage_types": ["sqlite"]}}]}
JSON
export AURITE_MCP_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"
start_http_gateway "$aurite" "$work/aurite.json" "$work/host.log" "$port" || { kill "$provider"; exit 1; }
trap 'kill "$gateway" "$provider" 2>/dev/null || true' EXIT
"$node" "$here/sdk_oauth.mjs" "$url" "$issuer" "$work"
kill -TERM "$gateway"
wait "$gateway"
stop_oidc_provider
trap - EXIT
echo "ok   gateway exited cleanly on SIGTERM"

while read -r token; do
  [[ -n "$token" ]] || continue
  # A token's signature part alone is enough to find it, whole or cut;
  # an unsigned token (alg none) has none, its claims part then.
  part="${token##*.}"
  [[ -n "$part" ]] || { part="${token#*.}"; part="${part%.}"; }
  if grep -qF -- "$part" "$work/host.log" "$work/audit.jsonl"; then
    echo "FAIL an access token is in the host log or the audit log" >&2
    exit 1
  fi
done <"$work/tokens.txt"
echo "ok   no access token is in the host log or the audit log"
