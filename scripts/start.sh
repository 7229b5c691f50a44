#!/usr/bin/env bash
# Starts Strata with its embedded defaults: SQLite in the data directory, the sandbox provider, the console.
# Extra arguments go to `strata server` (e.g. --listen 127.0.0.1:8080 --data-dir /tmp/strata).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node_modules
ensure_console_built
step "Bundling strata-agent (esbuild)"; npm run --silent build -w packages/agent
step "Starting the Strata server"
exec node bin/strata.js server "$@"
