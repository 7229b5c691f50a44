# Shared helpers for scripts/*.sh. Source it; do not run it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Installs npm dependencies when package-lock.json changed since the last install (idempotent, fast when current).
ensure_node_modules() {
  local stamp_file="node_modules/.strata-lock-sha256"
  local want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want" ]]; then
    return 0
  fi
  step "Installing npm dependencies (npm ci; the SQLite driver compiles once, ~1-2 min)"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp_file"
}

# Starts the local PostgreSQL cluster if it is installed but not running.
ensure_postgres() {
  if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then return 0; fi
  if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    step "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && return 0; sleep 1; done
  fi
  echo "PostgreSQL is not reachable at 127.0.0.1:5432" >&2
  return 1
}

# Builds the web console (packages/web/dist) when it is missing or older than its sources (vite, a few seconds).
ensure_console_built() {
  local stamp="packages/web/dist/index.html"
  if [[ -f "$stamp" ]] && [[ -z "$(find packages/web/src packages/web/index.html packages/web/vite.config.ts \
      packages/web/package.json packages/api/src packages/client/src package-lock.json \
      -newer "$stamp" -not -name '*.test.*' 2>/dev/null | head -1)" ]]; then
    return 0
  fi
  step "Building the web console (vite build -> packages/web/dist)"
  npm run build -w packages/web
}

# Debian's Chromium for the console's browser tests (playwright-core drives it; it never downloads a browser).
ensure_chromium() {
  command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
}
