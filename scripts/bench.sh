#!/usr/bin/env bash
# Runs the benchmarks one after another (2 cores: never in parallel) and prints markdown for docs/benchmarks.md.
# Usage: npm run bench [-- api|core|sandbox|cluster|console|agent|fleet|capi ...]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node_modules
ensure_postgres || true
export STRATA_TEST_PG_URL="${STRATA_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
WHICH=("$@")
[[ ${#WHICH[@]} -eq 0 ]] && WHICH=(api core sandbox cluster console agent)
run_ts() { node --import ./bin/conditions-hook.js "$@"; }
for b in "${WHICH[@]}"; do
  case "$b" in
    api) step "API: get/list latency at 500 req/s (SQLite, PostgreSQL)"; run_ts scripts/bench/api.ts ;;
    core) step "Profiles: resolve and validate"; [[ -f scripts/bench-core.ts ]] && run_ts scripts/bench-core.ts ;;
    cluster) step "Clusters: apply → Running with the agent"; bash scripts/setup-local-k8s.sh >/dev/null; run_ts scripts/bench-cluster.ts ;;
    agent) step "Agent: 1,000 manifests vs kubectl, drift latency, idle cost"; bash scripts/setup-local-k8s.sh >/dev/null; run_ts scripts/bench-agent.ts ;;
    sandbox) step "Sandbox: create to Ready, idle memory"; bash scripts/setup-local-k8s.sh >/dev/null; for f in scripts/bench-sandbox*.ts; do [[ -f "$f" ]] && run_ts "$f"; done ;;
    fleet) step "Fleet: rollout plan and a whole rollout over 1,000 and 10,000 clusters (no real clusters)"; run_ts scripts/bench-fleet.ts --clusters 1000 --batch 100; run_ts scripts/bench-fleet.ts --clusters 10000 --batch 1000 ;;
    capi) step "Cluster API: embedded gateway start, 1/10/50 capi-dev clusters, scale, upgrade"; bash scripts/setup-local-k8s.sh >/dev/null; bash scripts/setup-capi.sh >/dev/null; run_ts scripts/bench-capi.ts ;;
    console) step "Web console: bundle size, dashboard with 500 clusters, list with 5,000"; ensure_console_built; ensure_chromium; run_ts test/bench/console-bench.ts ;;
    *) echo "unknown benchmark: $b (api, core, sandbox, cluster, console, agent, fleet, capi)" >&2; exit 2 ;;
  esac
done
