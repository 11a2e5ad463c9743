#!/usr/bin/env bash
# The Debian package (issue 21), made by CPack from the build directory's
# binary (no rebuild) and installed into a scratch root with `dpkg -x`:
#  1. its control data: Depends from dpkg-shlibdeps, the dlopen'ed client
#     libraries as versioned Recommends (and dlopen-depends refusing a
#     function the library lacks), /etc/aurite/aurite.json a conffile;
#  2. lintian (when installed) reports no error;
#  3. the installed `aurite --version`, and aurite(1) renders without warnings;
#  4. the installed `aurite sql-server` answers a query on a SQLite file;
#  5. the installed `aurite serve`, with the installed example configuration,
#     lists its tools and connects the example's `sample` database; with the
#     service's /etc/aurite/aurite.json it starts its sql server;
#  6. aurite.service passes `systemd-analyze verify` and its offline
#     `systemd-analyze security` exposure stays at most 2.0 (when the tool exists);
#  7. `cmake --install --prefix` puts the same files under another prefix,
#     the configuration and the unit naming that prefix's binary.
#
#   deb_package_test.sh <build dir> <work dir>
set -euo pipefail
build="$(cd "$1" && pwd)"
work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"

# `make package` does the same (Makefile): CPack over the built tree.
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  fail "cpack failed: $(cat "$work/cpack.log")"
deb="$(ls "$work"/out/aurite_*.deb)"
version="$(dpkg-deb -f "$deb" Version)"

# 1. Control data.
depends="$(dpkg-deb -f "$deb" Depends)"
recommends="$(dpkg-deb -f "$deb" Recommends)"
for library in libc6 libssl3 libsqlite3-0; do
  [[ "$depends" == *"$library ("* ]] || fail "Depends lacks $library: $depends"
done
[[ "$recommends" =~ libpq5\ \(\>=\ 1[4-9] ]] || fail "Recommends lacks libpq5 (>= 14): $recommends"
[[ "$recommends" == *"libmariadb3 (>= "* ]] || fail "Recommends lacks libmariadb3: $recommends"
[[ "$(dpkg-deb --info "$deb" conffiles)" == "/etc/aurite/aurite.json" ]] || fail "conffiles is wrong"
echo "ok   Depends: $depends; Recommends: $recommends"
# A driver resolving a function its library does not export stops the
# computation of those Recommends, naming the function.
if [[ -n "$(ls /var/lib/dpkg/info/libpq5*.symbols 2>/dev/null)" ]]; then
  mkdir -p "$work/fake-sql"
  printf '%s\n' 'inline constexpr const char* kLibFakePackage = "libpq5";' \
    '#define AURITE_LIBFAKE_FUNCTIONS(X) \' '  X(PQconnectdbParams) \' '  X(PQnoSuchFunction)' \
    >"$work/fake-sql/libfake_library.h"
  if "$root/packaging/dlopen-depends" "$work/fake-sql" >"$work/fake.out" 2>&1 ||
     ! grep -q 'does not export PQnoSuchFunction' "$work/fake.out"; then
    fail "dlopen-depends accepted a function libpq5 does not export: $(cat "$work/fake.out")"
  fi
  echo "ok   dlopen-depends refuses a function the library does not export"
fi

# 2. lintian, when it is installed (scripts/install-deps installs it).
if command -v lintian >/dev/null; then
  lintian --allow-root "$deb" >"$work/lintian.log" 2>&1 || true
  if grep -q '^E:' "$work/lintian.log"; then fail "lintian errors: $(cat "$work/lintian.log")"; fi
  echo "ok   lintian: no error ($(grep -c '^W:' "$work/lintian.log" || true) warnings)"
else
  echo "skip lintian is not installed"
fi

# 3. The installed binary and its man page.
dpkg -x "$deb" "$work/root"
aurite="$work/root/usr/bin/aurite"
[[ "$("$aurite" --version)" == "aurite ${version}" ]] || fail "aurite --version: $("$aurite" --version)"
page="$work/root/usr/share/man/man1/aurite.1.gz"
# Read once, not piped into grep -q: zcat killed by SIGPIPE when grep stops
# early would fail the pipeline (pipefail) at random.
manual="$(zcat "$page")"
for command in "aurite serve" "aurite sql-server" "aurite key rotate"; do
  grep -q "^.SS \"$command\"" <<<"$manual" || fail "aurite(1) does not describe $command"
done
if command -v man >/dev/null; then
  warnings="$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)"
  [[ -z "$warnings" ]] || fail "aurite(1) renders with warnings: $warnings"
fi
echo "ok   installed aurite --version is 'aurite $version'; aurite(1) is complete"

# 4. The installed sql-server on a SQLite file, seeded by the installed example script.
examples="$work/root/usr/share/doc/aurite/examples"
"$examples/seed-sqlite" "$aurite" "$work/sample.db" "$examples/sample.sql"
printf '{"command": "%s", "args": ["sql-server"]}\n' "$aurite" >"$work/sql-server.json"
cat >"$work/sql-calls.json" <<JSON
[{"method": "tools/call", "params": {"name": "connect_database",
  "arguments": {"connection_string": "sqlite:///$work/sample.db"}}},
 {"method": "tools/call", "params": {"name": "execute_query",
  "arguments": {"connection_id": "{{connection_id}}", "query": "SELECT count(*) FROM products"}}}]
JSON
"$here/mcp_stdio_client.py" "$work/sql-server.json" "$work/sql-calls.json" >"$work/sql.out"
[[ "$(tail -1 "$work/sql.out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["structuredContent"]["rows"])')" == "[[4]]" ]] ||
  fail "sql-server answered: $(cat "$work/sql.out")"
echo "ok   installed aurite sql-server queried a SQLite file"

# 5. The installed gateway with the installed example, over stdio.
mkdir -p "$work/state" && cp "$work/sample.db" "$work/state/sample.db"
key="$("$aurite" key generate)"
cat >"$work/serve.json" <<JSON
{"command": "$aurite",
 "args": ["serve", "--config", "$examples/aurite.json", "--transport", "stdio"],
 "env": {"AURITE_MCP_ENCRYPTION_KEY": "$key", "AURITE_BIN_DIR": "$work/root/usr/bin",
         "AURITE_STATE_DIR": "$work/state", "XDG_STATE_HOME": "$work/state"}}
JSON
"$here/gateway-on-sample" "$work/serve.json" "$work/serve.out" ||
  fail "the installed gateway did not answer as expected"
[[ -f "$work/state/aurite/credentials.db" ]] || fail "aurite serve made no store in XDG_STATE_HOME"
echo "ok   installed aurite serve with the installed example lists its tools and queries 'sample'"

# The service's own configuration, its paths moved into the scratch root
# (it names /var/lib/aurite and /usr/bin/aurite), over stdio instead of HTTP.
sed -e "s#/var/lib/aurite#$work/var#g" -e "s#/usr/bin/aurite#$aurite#g" \
  "$work/root/etc/aurite/aurite.json" >"$work/service.json"
mkdir -p "$work/var"
cat >"$work/service-launch.json" <<JSON
{"command": "$aurite", "args": ["serve", "--config", "$work/service.json", "--transport", "stdio"],
 "env": {"AURITE_MCP_ENCRYPTION_KEY": "$key"}}
JSON
echo '[{"method": "tools/list"}]' >"$work/list.json"
"$here/mcp_stdio_client.py" "$work/service-launch.json" "$work/list.json" >"$work/service.out"
grep -q '"sql_execute_query"' "$work/service.out" ||
  fail "the service configuration /etc/aurite/aurite.json does not start its sql server"
[[ -f "$work/var/credentials.db" ]] || fail "the service configuration keeps no store in /var/lib/aurite"
echo "ok   /etc/aurite/aurite.json starts the gateway and its sql server, store in /var/lib/aurite"

# 6. The unit, when systemd-analyze exists. verify checks that ExecStart's
# binary exists, so it reads a copy that names the scratch root's binary.
unit="$work/root/usr/lib/systemd/system/aurite.service"
grep -q '^ExecStart=/usr/bin/aurite serve --config /etc/aurite/aurite.json' "$unit" ||
  fail "aurite.service does not start /usr/bin/aurite with /etc/aurite/aurite.json"
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$work/unit"
  sed "s#/usr/bin/aurite#$aurite#" "$unit" >"$work/unit/aurite.service"
  verify="$(systemd-analyze verify --man=no "$work/unit/aurite.service" 2>&1)" ||
    fail "systemd-analyze verify: $verify"
  [[ -z "$verify" ]] || fail "systemd-analyze verify warns: $verify"
  systemd-analyze security --offline=yes --threshold=20 "$work/unit/aurite.service" \
    >"$work/security.log" 2>&1 || fail "exposure above 2.0: $(tail -3 "$work/security.log")"
  echo "ok   aurite.service verifies; $(grep -o 'Overall exposure level.*' "$work/security.log")"
else
  echo "skip systemd-analyze is not installed"
fi

# 7. The same rules under another prefix.
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" --strip >"$work/install.log" 2>&1 ||
  fail "cmake --install: $(cat "$work/install.log")"
[[ "$("$prefix/bin/aurite" --version)" == "aurite ${version}" ]] || fail "no $prefix/bin/aurite"
grep -q "\"command\": \"$prefix/bin/aurite\"" "$prefix/etc/aurite/aurite.json" ||
  fail "$prefix/etc/aurite/aurite.json does not run $prefix/bin/aurite"
grep -q "^ExecStart=$prefix/bin/aurite serve --config $prefix/etc/aurite/aurite.json" \
  "$prefix/lib/systemd/system/aurite.service" || fail "the unit under $prefix names other paths"
[[ -f "$prefix/share/man/man1/aurite.1.gz" ]] || fail "no man page under $prefix"
echo "ok   cmake --install --prefix $prefix: binary, man page, configuration and unit name the prefix"
