#!/usr/bin/env bash
# The whole test suite: installs what it needs (idempotently), then typecheck, lint, and every node:test file.
# Usage: npm test            (everything)
#        npm test -- FILE... (only these test files, after the same setup)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
START=$SECONDS

ensure_node_modules

step "PostgreSQL for the store suite"
export STRATA_TEST_PG_URL="${STRATA_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [[ "$STRATA_TEST_PG_URL" == *"127.0.0.1:5432"* ]] && ! ensure_postgres; then
  echo "the store and API suites run on PostgreSQL too: start it at 127.0.0.1:5432 or set STRATA_TEST_PG_URL" >&2
  exit 1
fi

if [[ -x scripts/setup-local-k8s.sh ]]; then
  step "Kubernetes binaries for the sandbox (built once from Go modules, cached in ~/.cache/strata)"
  bash scripts/setup-local-k8s.sh
fi

if [[ -x scripts/setup-capi.sh ]]; then
  step "Cluster API managers for the embedded gateway (built once from Go modules, cached in ~/.cache/strata)"
  bash scripts/setup-capi.sh
fi

step "Typecheck (tsc -b, and the web console with its own tsconfig)"
npx tsc -b
npm run typecheck -w packages/web

step "Dependency rules"
node --import ./bin/conditions-hook.js scripts/check-dependency-rules.ts

step "Lint (eslint + prettier)"
npx eslint --max-warnings 0 .
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }

step "strata-agent bundle (esbuild; the server starts agents from it)"
npm run build -w packages/agent

step "Web console: build (vite)"
npm run build -w packages/web

step "Web console: component tests (vitest)"
npm test -w packages/web

step "Chromium for the console's browser tests"
ensure_chromium
chromium --version 2>/dev/null

step "Tests (node:test)"
if [[ $# -gt 0 ]]; then
  FILES=("$@")
else
  # packages/web has its own runner (vitest, above); test/e2e/console-*.e2e.test.ts drive the built console in Chromium.
  mapfile -t FILES < <(find packages test scripts -name '*.test.ts' -not -path '*/node_modules/*' -not -path '*/dist/*' -not -path 'packages/web/*' | sort)
fi
if [[ ${#FILES[@]} -eq 0 ]]; then
  echo "no test files found" >&2
  exit 1
fi
echo "${#FILES[@]} test files"
node --import ./bin/conditions-hook.js --test --test-concurrency=1 "${FILES[@]}"
echo "total time: $((SECONDS - START)) s"
