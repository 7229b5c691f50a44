/** Public types of the sandbox runtime: real local Kubernetes control planes with kwok-simulated nodes. */

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodePoolSpec {
  /** DNS-1123 label; nodes are named `<pool>-<index>`. */
  name: string;
  count: number;
  /** Control-plane pools get the node-role.kubernetes.io/control-plane label and NoSchedule taint. */
  controlPlane?: boolean;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Node capacity/allocatable, e.g. { cpu: '4', memory: '16Gi', pods: '110' }. */
  capacity?: Record<string, string>;
}

/** Knobs that trim the cost of a cluster (for tests that do not need everything). */
export interface CostOptions {
  /** kube-apiserver --watch-cache (default false: saves memory on small hosts). */
  watchCache?: boolean;
  /** kube-controller-manager --controllers (default: all controllers, i.e. ['*']). */
  controllers?: string[];
  /** Run kube-controller-manager (default true). */
  controllerManager?: boolean;
  /** Run kube-scheduler (default true). */
  scheduler?: boolean;
  /** GOGC for every component (Go default 100; lower = less memory, more CPU). */
  goGC?: number;
  /** GOMEMLIMIT for every component, e.g. '200MiB' (soft limit; the GC works harder near it). */
  goMemLimit?: string;
}

export interface ClusterSpec {
  /** DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters). */
  name: string;
  /** e.g. 'v1.36.3' or '1.36.3'; default: the newest built version. */
  kubernetesVersion?: string;
  nodePools: NodePoolSpec[];
  cost?: CostOptions;
}

export type ClusterPhase = 'running' | 'stopped' | 'degraded';

export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

/** A process the runtime started: enough to recognise it again after a restart of the parent. */
export interface ProcessRecord {
  component: ComponentName;
  pid: number;
  /** The executable path as started; /proc/PID/cmdline must still start with it to be ours. */
  binary: string;
  startedAt: string;
}

export interface ClusterPorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

/** What `state.json` in the cluster's state directory holds. */
export interface ClusterState {
  spec: ClusterSpec;
  kubernetesVersion: string;
  binDir: string;
  ports: ClusterPorts;
  processes: ProcessRecord[];
  createdAt: string;
  /** True after stop(): processes are expected to be absent. */
  stopped: boolean;
}

export interface ClusterInfo {
  name: string;
  kubernetesVersion: string;
  phase: ClusterPhase;
  /** https://127.0.0.1:PORT */
  server: string;
  stateDir: string;
  kubeconfigPath: string;
  nodePools: NodePoolSpec[];
  processes: ProcessRecord[];
  /** Companion processes (e.g. the cluster's agent) as recorded; `running` checked against /proc. */
  companions: { id: string; pid: number; binary: string; startedAt: string; running: boolean }[];
}
