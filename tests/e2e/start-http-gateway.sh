# Sourced by the e2e runners: start_http_gateway AURITE CONFIG LOG [PORT]
# starts `aurite serve --port PORT` (default 0: any free port) in the
# background, sets $gateway (its pid, killed on exit) and $url (the MCP
# endpoint it announces), or fails with its log.
start_http_gateway() {
  "$1" serve --config "$2" --port "${4:-0}" 2>"$3" &
  gateway=$!
  trap 'kill "$gateway" 2>/dev/null || true' EXIT
  url=""
  for _ in $(seq 100); do
    url=$(sed -n 's/.*ready at \(http[^ ]*\).*/\1/p' "$3" 2>/dev/null || true)
    [[ -n "$url" ]] && return 0
    sleep 0.1
  done
  echo "the gateway did not start:" >&2
  cat "$3" >&2
  return 1
}

# free_loopback_port NODE: prints a port free on 127.0.0.1 the moment it is
# asked for, for a runner that must know the gateway's URL (its OAuth
# audience) before the gateway starts.
free_loopback_port() {
  "$1" -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
    process.stdout.write(String(s.address().port)); s.close(); });'
}
