# Sourced by test runners: start_oidc_provider NODE LOG [provider.mjs options]
# starts the OpenID provider harness in the background, sets $provider (its
# pid) and $issuer (the URL it announces), or fails with its log (and stops it).
start_oidc_provider() {
  local node="$1" log="$2"
  shift 2
  : >"$log" # before the first read below: the background redirection may come later
  "$node" "$(dirname "${BASH_SOURCE[0]}")/provider.mjs" "$@" >"$log" 2>&1 &
  provider=$!
  issuer=""
  for _ in $(seq 100); do
    issuer=$(sed -n 's/^oidc provider ready at \(http[^ ]*\)$/\1/p' "$log")
    [[ -n "$issuer" ]] && return 0
    kill -0 "$provider" 2>/dev/null || break
    sleep 0.1
  done
  kill "$provider" 2>/dev/null || true
  echo "the oidc provider did not start:" >&2
  cat "$log" >&2
  return 1
}

# stop_oidc_provider: stops the provider start_oidc_provider started.
stop_oidc_provider() {
  kill -TERM "$provider" 2>/dev/null || true
  wait "$provider" || true
}
