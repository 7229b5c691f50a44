#!/usr/bin/env bash
# Builds the real Kubernetes binaries the sandbox runtime needs (issue 4), from the Go module proxy.
#
#   scripts/setup-local-k8s.sh                 build (or reuse) and print the binary directory
#   scripts/setup-local-k8s.sh --print-bin-dir print the binary directory if built, else exit 1
#   scripts/setup-local-k8s.sh --check         exit 0 if built, 1 if not (no output)
#
# Cache (outside the clone): ${STRATA_CACHE_DIR:-$HOME/.cache/strata}/localk8s/{gomod,gobuild,bin/<stamp>}
# plus bin/current -> <stamp>. The stamp hashes the pins, the build flags and the committed
# tools/localk8s/*/go.{mod,sum}; an unchanged stamp is a < 1 s no-op.
#
# Pins (see docs/reference/sandbox.md). Fallback pins if the proxy stops serving a module of
# the k8s graph: k8s.io/kubernetes v1.36.1 (staging v0.36.1) or v1.37.2 (staging v0.37.2);
# regenerate tools/localk8s/kube with the steps in docs/reference/sandbox.md and change KUBE_VERSION.
# Progress lines look like "==> [2/6 +12s] ..." (parsed by @strata/sandbox BinaryInstaller).
set -euo pipefail

KUBE_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
HELM_VERSION=v3.22.0
BUILD_TAGS=selinux,notest

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/tools/localk8s"
CACHE="${STRATA_CACHE_DIR:-$HOME/.cache/strata}/localk8s"
MODE="${1:-build}"

kube_minor="${KUBE_VERSION#v1.}"; kube_minor="${kube_minor%%.*}"
kv_ldflags() {
  local p out=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    out+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$kube_minor"
    out+=" -X $p.gitTreeState=clean -X $p.buildDate=$1"
  done
  echo "-s -w$out"
}
KWOK_LDFLAGS="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBE_VERSION#v}"
HELM_LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kwokctl helm)

stamp() {
  {
    echo "kube=$KUBE_VERSION etcd=$ETCD_VERSION kwok=$KWOK_VERSION helm=$HELM_VERSION tags=$BUILD_TAGS"
    kv_ldflags BUILD_DATE; echo "$KWOK_LDFLAGS"; echo "$HELM_LDFLAGS"; echo "${BINARIES[*]}"
    cat "$TOOLS"/kube/go.mod "$TOOLS"/kube/go.sum "$TOOLS"/etcd/go.mod "$TOOLS"/etcd/go.sum \
      "$TOOLS"/kwok/go.mod "$TOOLS"/kwok/go.sum "$TOOLS"/helm/go.mod "$TOOLS"/helm/go.sum
  } | sha256sum | cut -c1-16
}
STAMP="$(stamp)"
BIN="$CACHE/bin/$STAMP"

is_built() { [[ -f "$BIN/manifest.json" && -f "$BIN/kwok-stages.yaml" ]] && for b in "${BINARIES[@]}"; do [[ -x "$BIN/$b" ]] || return 1; done; }

case "$MODE" in
  --print-bin-dir) if is_built; then echo "$BIN"; exit 0; fi
    echo "local Kubernetes binaries are not built (stamp $STAMP); run scripts/setup-local-k8s.sh" >&2; exit 1 ;;
  --check) is_built; exit $? ;;
  build) ;;
  *) echo "usage: $0 [--print-bin-dir|--check]" >&2; exit 2 ;;
esac

if is_built; then
  ln -sfn "$STAMP" "$CACHE/bin/current"
  echo "local Kubernetes binaries up to date: $BIN"; exit 0
fi

# shellcheck source=go-build-lib.sh
source "$ROOT/scripts/go-build-lib.sh"
TOTAL=6
FALLBACK_HINT="try a fallback pin (k8s v1.36.1 or v1.37.2); see docs/reference/sandbox.md"
go_env
take_build_lock is_built || { echo "local Kubernetes binaries up to date: $BIN"; exit 0; }

TMP="$CACHE/bin/.tmp-$STAMP-$$"
rm -rf "$TMP"; mkdir -p "$TMP"; trap 'rm -rf "$TMP"' EXIT
BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

step "downloading Go modules (k8s $KUBE_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION, helm $HELM_VERSION)"
for m in kube etcd kwok helm; do run_go "$TOOLS/$m" go mod download; done

step "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $KUBE_VERSION (cold: ~10 min on 2 cores)"
run_go "$TOOLS/kube" go build -p 2 -trimpath -tags "$BUILD_TAGS" -ldflags "$(kv_ldflags "$BUILD_DATE")" -o "$TMP/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl

step "building etcd $ETCD_VERSION"
run_go "$TOOLS/etcd" go build -p 2 -trimpath -ldflags "-s -w" -o "$TMP/etcd" go.etcd.io/etcd/server/v3

step "building kwok, kwokctl $KWOK_VERSION"
run_go "$TOOLS/kwok" go build -p 2 -trimpath -ldflags "$KWOK_LDFLAGS" -o "$TMP/" \
  sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl

step "building helm $HELM_VERSION"
run_go "$TOOLS/helm" go build -p 2 -trimpath -ldflags "$HELM_LDFLAGS" -o "$TMP/helm" helm.sh/helm/v3/cmd/helm

step "verifying --version of every binary"
expect() { # binary, expected substring, args...
  local b="$1" want="$2"; shift 2; local got
  got="$("$TMP/$b" "$@" 2>&1 | head -n 3 | tr '\n' ' ')"
  if [[ "$got" != *"$want"* ]]; then echo "error: $b $* printed '$got', expected '$want'" >&2; exit 1; fi
  echo "    $b: $want"
}
expect kube-apiserver "Kubernetes $KUBE_VERSION" --version
expect kube-controller-manager "Kubernetes $KUBE_VERSION" --version
expect kube-scheduler "Kubernetes $KUBE_VERSION" --version
expect kubectl "Client Version: $KUBE_VERSION" version --client
expect etcd "etcd Version: ${ETCD_VERSION#v}" --version
expect kwok "${KWOK_VERSION#v}" --version
expect kwokctl "${KWOK_VERSION#v}" --version
expect helm "$HELM_VERSION" version --short

# kwok's default "fast" stages (what kwokctl writes into kwok.yaml), copied from the module cache.
STAGES="$GOMODCACHE/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage"
for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
  pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
  echo "---"; cat "$STAGES/$f"
done >"$TMP/kwok-stages.yaml"

cat >"$TMP/manifest.json" <<EOF
{"stamp":"$STAMP","kubernetesVersion":"$KUBE_VERSION","etcdVersion":"$ETCD_VERSION","kwokVersion":"$KWOK_VERSION","helmVersion":"$HELM_VERSION","buildDate":"$BUILD_DATE"}
EOF
publish "$TMP"
echo "==> [$TOTAL/$TOTAL +$((SECONDS - START))s] done: local Kubernetes binaries in $BIN (also $CACHE/bin/current)"
