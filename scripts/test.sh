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

step "Typecheck (tsc -b)"
npx tsc -b

step "Dependency rules"
node --conditions=development --import tsx scripts/check-dependency-rules.ts

step "Lint (eslint + prettier)"
npx eslint --max-warnings 0 .
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }

step "Tests (node:test)"
if [[ $# -gt 0 ]]; then
  FILES=("$@")
else
  mapfile -t FILES < <(find packages test scripts -name '*.test.ts' -not -path '*/node_modules/*' -not -path '*/dist/*' | sort)
fi
if [[ ${#FILES[@]} -eq 0 ]]; then
  echo "no test files found" >&2
  exit 1
fi
echo "${#FILES[@]} test files"
node --conditions=development --import tsx --test --test-concurrency=1 "${FILES[@]}"
echo "total time: $((SECONDS - START)) s"
