#!/usr/bin/env bash
# Builds the Cluster API managers an embedded gateway runs (issue 16), from the Go module proxy:
# core (cluster-api), kubeadm bootstrap, kubeadm control plane and the in-memory infrastructure provider
# (DevCluster/DevMachine with spec.backend.inMemory, from sigs.k8s.io/cluster-api/test). Next to the binaries it
# keeps each component's CRDs and webhook configuration, read from the same module versions.
#
#   scripts/setup-capi.sh                  build (or reuse) and print the directory
#   scripts/setup-capi.sh --print-bin-dir  print the directory if built, else exit 1
#   scripts/setup-capi.sh --check          exit 0 if built, 1 if not (no output)
#
# Cache (outside the clone): ${STRATA_CACHE_DIR:-$HOME/.cache/strata}/capi/bin/<stamp> plus bin/current; the Go
# module and build caches are shared with setup-local-k8s.sh (scripts/go-build-lib.sh). The stamp hashes the pins,
# the build flags and the committed tools/capi/go.{mod,sum}. The wrapper module tools/capi is separate from
# tools/localk8s/kube: the two pin k8s.io differently. See docs/reference/gateways.md.
set -euo pipefail

CAPI_VERSION=v1.14.2
BUILD_TAGS=notest

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/tools/capi"
CACHE="${STRATA_CACHE_DIR:-$HOME/.cache/strata}/capi"
MODE="${1:-build}"
FALLBACK_HINT="the Cluster API modules are pinned in tools/capi/go.mod; see docs/reference/gateways.md"
# component name → Go package of its manager; CRDs and webhook manifests live under <module dir>/<config>.
COMPONENTS=(core bootstrap-kubeadm controlplane-kubeadm infrastructure-in-memory)
declare -A PKG=(
  [core]=sigs.k8s.io/cluster-api/core
  [bootstrap-kubeadm]=sigs.k8s.io/cluster-api/bootstrap/kubeadm
  [controlplane-kubeadm]=sigs.k8s.io/cluster-api/controlplane/kubeadm
  [infrastructure-in-memory]=sigs.k8s.io/cluster-api/test/infrastructure/docker
)
declare -A CONFIG=(
  [core]="sigs.k8s.io/cluster-api@$CAPI_VERSION/core/config"
  [bootstrap-kubeadm]="sigs.k8s.io/cluster-api@$CAPI_VERSION/bootstrap/kubeadm/config"
  [controlplane-kubeadm]="sigs.k8s.io/cluster-api@$CAPI_VERSION/controlplane/kubeadm/config"
  [infrastructure-in-memory]="sigs.k8s.io/cluster-api/test@$CAPI_VERSION/infrastructure/docker/config"
)
LDFLAGS="-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=$CAPI_VERSION -X sigs.k8s.io/cluster-api/version.gitTreeState=clean"

stamp() {
  { echo "capi=$CAPI_VERSION tags=$BUILD_TAGS ldflags=$LDFLAGS ${COMPONENTS[*]}"; cat "$TOOLS/go.mod" "$TOOLS/go.sum"; } \
    | sha256sum | cut -c1-16
}
STAMP="$(stamp)"
BIN="$CACHE/bin/$STAMP"

is_built() {
  [[ -f "$BIN/manifest.json" ]] || return 1
  local c; for c in "${COMPONENTS[@]}"; do
    [[ -x "$BIN/$c" && -d "$BIN/config/$c/crd" && -f "$BIN/config/$c/webhook.yaml" ]] || return 1
  done
}

case "$MODE" in
  --print-bin-dir) if is_built; then echo "$BIN"; exit 0; fi
    echo "Cluster API managers are not built (stamp $STAMP); run scripts/setup-capi.sh" >&2; exit 1 ;;
  --check) is_built; exit $? ;;
  build) ;;
  *) echo "usage: $0 [--print-bin-dir|--check]" >&2; exit 2 ;;
esac
if is_built; then ln -sfn "$STAMP" "$CACHE/bin/current"; echo "Cluster API managers up to date: $BIN"; exit 0; fi

# shellcheck source=go-build-lib.sh
source "$ROOT/scripts/go-build-lib.sh"
TOTAL=4
go_env
take_build_lock is_built || { echo "Cluster API managers up to date: $BIN"; exit 0; }
TMP="$CACHE/bin/.tmp-$STAMP-$$"
rm -rf "$TMP"; mkdir -p "$TMP"; trap 'rm -rf "$TMP"' EXIT

step "downloading Go modules (Cluster API $CAPI_VERSION)"
run_go "$TOOLS" go mod download

step "building the Cluster API $CAPI_VERSION managers: ${COMPONENTS[*]} (cold: ~6 min on 2 cores after the Kubernetes build)"
for c in "${COMPONENTS[@]}"; do
  run_go "$TOOLS" go build -p 2 -trimpath -tags "$BUILD_TAGS" -ldflags "$LDFLAGS" -o "$TMP/$c" "${PKG[$c]}"
done

step "collecting CRDs and webhook configurations"
for c in "${COMPONENTS[@]}"; do
  src="$GOMODCACHE/${CONFIG[$c]}"
  mkdir -p "$TMP/config/$c/crd"
  cp "$src"/crd/bases/*.yaml "$TMP/config/$c/crd/"
  cp "$src/webhook/manifests.yaml" "$TMP/config/$c/webhook.yaml"
  chmod -R u+w "$TMP/config/$c"
done

step "verifying every manager starts and knows its flags"
for c in "${COMPONENTS[@]}"; do
  out="$("$TMP/$c" --help 2>&1 || true)"
  for flag in --webhook-port --webhook-cert-dir --health-addr --kubeconfig; do
    [[ "$out" == *"$flag"* ]] || { echo "error: $c --help does not list $flag" >&2; exit 1; }
  done
  echo "    $c: $(du -h "$TMP/$c" | cut -f1)"
done

cat >"$TMP/manifest.json" <<JSON
{"stamp":"$STAMP","clusterApiVersion":"$CAPI_VERSION","components":["${COMPONENTS[0]}","${COMPONENTS[1]}","${COMPONENTS[2]}","${COMPONENTS[3]}"],"buildDate":"$(date -u +%Y-%m-%dT%H:%M:%SZ)"}
JSON
publish "$TMP"
echo "==> [$TOTAL/$TOTAL +$((SECONDS - START))s] done: Cluster API managers in $BIN (also $CACHE/bin/current)"
