#!/usr/bin/env bash
# Two end users through one named PostgreSQL connection (issue 19): the
# gateway trusts the OpenID provider harness, its policy gives analysts and
# support staff the query tools with db_role "rls_e2e_{preferred_username}",
# and the table has a row-level security policy on current_user. sdk_rls.mjs
# (the official TypeScript SDK client) then checks that alice and bob each
# see only their own rows and carol neither sees nor may call query_storage;
# this runner checks the audit trail of both users' statements and that no
# token or the login's password reached a log.
#
#   run-rls-e2e.sh <aurite binary> <work dir>   (needs AURITE_TEST_DATABASES)
set -euo pipefail
aurite="$1"
work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
node="$("$root/scripts/node-tools")"
. "$here/start-http-gateway.sh"
. "$root/tests/harness/oidc/start-provider.sh"

rm -rf "$work" && mkdir -p "$work"
field() {
  "$node" -e 'const fs = require("fs");
    process.stdout.write(String(JSON.parse(fs.readFileSync(process.env.AURITE_TEST_DATABASES)).postgres[process.argv[1]]))' "$1"
}
pg_port="$(field port)"
pg_database="$(field database)"
login_password="rls-canary-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
admin_sql() {
  PGOPTIONS="-c client_min_messages=warning" PGPASSWORD="$(field admin_password)" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" \
    -U "$(field admin_user)" -d "$pg_database" "$@"
}

# The login owns nothing and may read nothing itself: only through the
# end user's role (SET LOCAL ROLE) does it see rows, and then only theirs.
# Roles are cluster-wide, so they are dropped first in case a run was cut.
cleanup_sql="DROP SCHEMA IF EXISTS rls_e2e CASCADE;
DROP ROLE IF EXISTS rls_e2e_gateway; DROP ROLE IF EXISTS rls_e2e_alice; DROP ROLE IF EXISTS rls_e2e_bob;"
admin_sql -v pw="$login_password" <<SQL
$cleanup_sql
CREATE ROLE rls_e2e_alice NOLOGIN;
CREATE ROLE rls_e2e_bob NOLOGIN;
CREATE ROLE rls_e2e_gateway LOGIN NOINHERIT PASSWORD :'pw' IN ROLE rls_e2e_alice, rls_e2e_bob;
CREATE SCHEMA rls_e2e;
CREATE TABLE rls_e2e.orders (owner name NOT NULL, item text NOT NULL);
INSERT INTO rls_e2e.orders VALUES ('rls_e2e_alice', 'alice-apples'), ('rls_e2e_alice', 'alice-pears'),
  ('rls_e2e_bob', 'bob-bricks');
ALTER TABLE rls_e2e.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON rls_e2e.orders USING (owner = current_user);
GRANT USAGE ON SCHEMA rls_e2e TO rls_e2e_alice, rls_e2e_bob;
GRANT SELECT, INSERT ON rls_e2e.orders TO rls_e2e_alice, rls_e2e_bob;
SQL

start_oidc_provider "$node" "$work/provider.log"
port="$(free_loopback_port "$node")"
cat >"$work/aurite.json" <<JSON
{"mcpServers": {"sql": {"command": "$aurite", "args": ["sql-server"], "capabilities": ["tools", "storage"]}},
 "security": {"store_path": "$work/store.db", "audit_log": "$work/audit.jsonl"},
 "connections": {"orders": {"storage_type": "postgresql", "server": "sql", "allow_writes": true,
                            "connection_string": "\${env:RLS_ORDERS_URL}"}},
 "gateway": {"transport": "http", "host": "127.0.0.1",
             "auth": {"issuer": "$issuer", "audience": "http://127.0.0.1:$port/mcp",
                      "required_scopes": ["mcp:tools"], "groups_claim": "groups"}},
 "policies": [
   {"match": {"groups": ["analysts", "support"]},
    "allow": {"connections": ["orders"], "access": "read", "max_rows": 50,
              "tools": ["connect_storage", "query_storage", "list_connections", "disconnect_storage"]},
    "db_role": "rls_e2e_{preferred_username}"},
   {"match": {"subject": ["carol"]}, "allow": {"tools": ["list_connections"]}}]}
JSON
export RLS_ORDERS_URL="postgresql://rls_e2e_gateway:$login_password@127.0.0.1:$pg_port/$pg_database"
export AURITE_MCP_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"
start_http_gateway "$aurite" "$work/aurite.json" "$work/host.log" "$port" || { kill "$provider"; exit 1; }
trap 'kill "$gateway" "$provider" 2>/dev/null || true' EXIT
"$node" "$here/sdk_rls.mjs" "$url" "$issuer" "$work"
kill -TERM "$gateway"
wait "$gateway"
stop_oidc_provider
trap - EXIT
admin_sql -c "$cleanup_sql"

# Each user's statements are in the audit trail under their principal,
# their role and the one login, as start/outcome pairs.
for user in alice bob; do
  records="$("$aurite" audit search --audit-log "$work/audit.jsonl" --principal "$user" \
    --connection orders --event statement --json)"
  started="$(grep -c '"outcome":"started"' <<<"$records" || true)"
  finished="$(grep -c '"outcome":"ok"' <<<"$records" || true)"
  if ((started < 2)) || ((finished < 2)) ||
    ! grep -q "\"role\":\"rls_e2e_$user\"" <<<"$records" ||
    ! grep -q '"user_name":"rls_e2e_gateway"' <<<"$records" ||
    ! grep -q 'FROM rls_e2e.orders' <<<"$records"; then
    echo "FAIL the audit log lacks $user's statements (role rls_e2e_$user, login rls_e2e_gateway):" >&2
    echo "$records" >&2
    exit 1
  fi
  echo "ok   the audit log holds $user's statements ($started started, $finished ok) as rls_e2e_$user"
done
if "$aurite" audit search --audit-log "$work/audit.jsonl" --principal carol --event statement --json |
  grep -q .; then
  echo "FAIL carol ran a statement" >&2
  exit 1
fi
denied="$("$aurite" audit search --audit-log "$work/audit.jsonl" --principal carol --event policy_denied --json)"
grep -q query_storage <<<"$denied" || { echo "FAIL carol's refused call is not audited: $denied" >&2; exit 1; }
echo "ok   carol's refused query_storage is audited, and she ran no statement"

for secret in "$login_password" $(cat "$work/tokens.txt"); do
  part="${secret##*.}"
  if grep -qF -- "$part" "$work/host.log" "$work/audit.jsonl"; then
    echo "FAIL a token or the login's password is in the host log or the audit log" >&2
    exit 1
  fi
done
echo "ok   no token and not the login's password is in the host log or the audit log"
