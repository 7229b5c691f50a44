# Shared by the scripts that build binaries from the Go module proxy into the cache (setup-local-k8s.sh,
# setup-capi.sh). Source it after setting ROOT, CACHE (this build's cache directory), STAMP and TOTAL (steps).
#
#   go_env                      GOTOOLCHAIN=local, the shared module/build caches, CGO off
#   take_build_lock is_built_fn waits for another copy of the same script; returns 1 if that one built it
#   step "message"              prints "==> [N/TOTAL +Ss] message" (parsed by @strata/sandbox BinaryInstaller)
#   run_go DIR go ...           runs a go command in DIR; on failure names modules the proxy did not serve
#   publish TMP                 moves the finished TMP to bin/<STAMP> and points bin/current at it
#
# Both builds share one module cache and one build cache (${STRATA_CACHE_DIR:-$HOME/.cache/strata}/localk8s/{gomod,gobuild}):
# the Cluster API managers use the same k8s.io v0.36.x modules as kube-apiserver, which then compile once.

go_env() {
  command -v go >/dev/null || { echo "error: 'go' not found on PATH (Go >= 1.26 required)" >&2; exit 1; }
  local shared="${STRATA_CACHE_DIR:-$HOME/.cache/strata}/localk8s"
  export GOTOOLCHAIN=local GOMODCACHE="$shared/gomod" GOCACHE="$shared/gobuild" GOFLAGS=-mod=mod CGO_ENABLED=0
  mkdir -p "$CACHE/bin" "$GOMODCACHE" "$GOCACHE"
  START=$SECONDS STEP=0 LOG="$CACHE/setup-last.log"
}

take_build_lock() {
  exec 9>"$CACHE/setup.lock"
  if ! flock -n 9; then echo "another $(basename "$0") is running; waiting for it..."; flock 9; fi
  if "$1"; then ln -sfn "$STAMP" "$CACHE/bin/current"; return 1; fi
  : >"$LOG"
}

step() { STEP=$((STEP + 1)); echo "==> [$STEP/$TOTAL +$((SECONDS - START))s] $*"; }

run_go() {
  local dir="$1"; shift
  if ! (cd "$dir" && "$@") >>"$LOG" 2>&1; then
    echo "error: '$*' failed in ${dir#"$ROOT"/} (full log: $LOG)" >&2
    local missing
    missing="$(grep -oE '[A-Za-z0-9._~/-]+@v[0-9][A-Za-z0-9.+-]*: (reading|verifying|unknown revision|invalid version|no matching versions|module lookup disabled|not found)[^\n]*' "$LOG" | sort -u | head -5 || true)"
    if [[ -n "$missing" ]]; then
      echo "error: module(s) not served by the Go module proxy (${GOPROXY:-$(go env GOPROXY)}):" >&2
      echo "$missing" | sed 's/^/  /' >&2
      echo "hint: ${FALLBACK_HINT:-see the pins at the top of $(basename "$0")}" >&2
    else
      tail -n 25 "$LOG" >&2
    fi
    exit 1
  fi
}

publish() {
  local tmp="$1" bin="$CACHE/bin/$STAMP"
  rm -rf "$bin"; mv -T "$tmp" "$bin"; trap - EXIT
  ln -sfn "$STAMP" "$CACHE/bin/.current-$$" && mv -T "$CACHE/bin/.current-$$" "$CACHE/bin/current"
}
