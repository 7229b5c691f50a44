/** Command lines of the five components. Every listener is bound to 127.0.0.1. */
import { join } from 'node:path';
import { PKI_FILES } from './pki.js';
import { binaryPath, type BinarySet } from './binaries.js';
import type { ClusterPorts, ComponentName, CostOptions } from './types.js';

export const SERVICE_CIDR = '10.96.0.0/16';
export const FIRST_SERVICE_IP = '10.96.0.1';
export const POD_CIDR = '10.244.0.0/16';
/** Nodes carrying this annotation are managed by the cluster's kwok. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export interface StateLayout {
  root: string;
  stateFile: string;
  pki: string;
  etcdData: string;
  logs: string;
  adminKubeconfig: string;
  componentKubeconfig: (component: 'kube-controller-manager' | 'kube-scheduler' | 'kwok') => string;
  log: (component: ComponentName) => string;
}

export function stateLayout(root: string): StateLayout {
  return {
    root,
    stateFile: join(root, 'state.json'),
    pki: join(root, 'pki'),
    etcdData: join(root, 'etcd'),
    logs: join(root, 'logs'),
    adminKubeconfig: join(root, 'kubeconfig'),
    componentKubeconfig: (component) => join(root, `${component}.kubeconfig`),
    log: (component) => join(root, 'logs', `${component}.log`),
  };
}

export interface ComponentCommand {
  component: ComponentName;
  binary: string;
  args: string[];
}

const ALWAYS_ALLOW = '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics';

export function etcdCommand(bins: BinarySet, layout: StateLayout, ports: ClusterPorts): ComponentCommand {
  const client = `https://127.0.0.1:${ports.etcdClient}`;
  const peer = `https://127.0.0.1:${ports.etcdPeer}`;
  const pki = (file: string): string => join(layout.pki, file);
  return {
    component: 'etcd',
    binary: binaryPath(bins, 'etcd'),
    args: [
      '--name=node0',
      `--data-dir=${layout.etcdData}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=node0=${peer}`,
      // Mutual TLS on both ports: only holders of a certificate from this cluster's CA get in.
      `--cert-file=${pki(PKI_FILES.etcdCert)}`,
      `--key-file=${pki(PKI_FILES.etcdKey)}`,
      `--trusted-ca-file=${pki(PKI_FILES.caCert)}`,
      '--client-cert-auth=true',
      `--peer-cert-file=${pki(PKI_FILES.etcdCert)}`,
      `--peer-key-file=${pki(PKI_FILES.etcdKey)}`,
      `--peer-trusted-ca-file=${pki(PKI_FILES.caCert)}`,
      '--peer-client-cert-auth=true',
      '--auto-compaction-retention=1',
      '--quota-backend-bytes=2147483648',
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
  };
}

export function apiserverCommand(
  bins: BinarySet,
  layout: StateLayout,
  ports: ClusterPorts,
  cost: CostOptions,
): ComponentCommand {
  const pki = (file: string): string => join(layout.pki, file);
  return {
    component: 'kube-apiserver',
    binary: binaryPath(bins, 'kube-apiserver'),
    args: [
      `--etcd-servers=https://127.0.0.1:${ports.etcdClient}`,
      `--etcd-cafile=${pki(PKI_FILES.caCert)}`,
      `--etcd-certfile=${pki(PKI_FILES.etcdClientCert)}`,
      `--etcd-keyfile=${pki(PKI_FILES.etcdClientKey)}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${ports.apiserver}`,
      `--tls-cert-file=${pki(PKI_FILES.apiserverCert)}`,
      `--tls-private-key-file=${pki(PKI_FILES.apiserverKey)}`,
      `--client-ca-file=${pki(PKI_FILES.caCert)}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki(PKI_FILES.saPub)}`,
      `--service-account-signing-key-file=${pki(PKI_FILES.saKey)}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--authorization-mode=Node,RBAC',
      '--allow-privileged=true',
      '--endpoint-reconciler-type=none',
      `--proxy-client-cert-file=${pki(PKI_FILES.frontProxyCert)}`,
      `--proxy-client-key-file=${pki(PKI_FILES.frontProxyKey)}`,
      `--requestheader-client-ca-file=${pki(PKI_FILES.caCert)}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--watch-cache=${cost.watchCache === true ? 'true' : 'false'}`,
      '--profiling=false',
      '--v=1',
    ],
  };
}

export function controllerManagerCommand(
  bins: BinarySet,
  layout: StateLayout,
  ports: ClusterPorts,
  cost: CostOptions,
): ComponentCommand {
  const kubeconfig = layout.componentKubeconfig('kube-controller-manager');
  return {
    component: 'kube-controller-manager',
    binary: binaryPath(bins, 'kube-controller-manager'),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${ports.controllerManager}`,
      ALWAYS_ALLOW,
      `--root-ca-file=${join(layout.pki, PKI_FILES.caCert)}`,
      `--service-account-private-key-file=${join(layout.pki, PKI_FILES.saKey)}`,
      `--cluster-signing-cert-file=${join(layout.pki, PKI_FILES.caCert)}`,
      `--cluster-signing-key-file=${join(layout.pki, PKI_FILES.caKey)}`,
      '--use-service-account-credentials=true',
      `--controllers=${(cost.controllers ?? ['*']).join(',')}`,
      '--leader-elect=false',
      '--profiling=false',
      '--v=1',
    ],
  };
}

export function schedulerCommand(
  bins: BinarySet,
  layout: StateLayout,
  ports: ClusterPorts,
): ComponentCommand {
  const kubeconfig = layout.componentKubeconfig('kube-scheduler');
  return {
    component: 'kube-scheduler',
    binary: binaryPath(bins, 'kube-scheduler'),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${ports.scheduler}`,
      ALWAYS_ALLOW,
      '--leader-elect=false',
      '--profiling=false',
      '--v=1',
    ],
  };
}

export function kwokCommand(bins: BinarySet, layout: StateLayout, ports: ClusterPorts): ComponentCommand {
  return {
    component: 'kwok',
    binary: binaryPath(bins, 'kwok'),
    args: [
      `--kubeconfig=${layout.componentKubeconfig('kwok')}`,
      `--config=${bins.kwokStages}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      `--cidr=${POD_CIDR}`,
      '--node-ip=127.0.0.1',
      `--server-address=127.0.0.1:${ports.kwok}`,
      '--node-lease-duration-seconds=40',
    ],
  };
}
