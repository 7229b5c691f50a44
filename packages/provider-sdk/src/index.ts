export * from './provider.js';
export * from './provider-error.js';
export { agentArgs, localAgentArgs, type AgentArgsOptions } from './agent-args.js';
export { kubeGet, kubeWatch, type WatchEvent } from './kube-get.js';
export {
  EgressDeniedError,
  egressGet,
  readEgressBody,
  resolveEgress,
  type EgressRequestOptions,
  type EgressResolver,
  type EgressResponse,
  type ResolvedAddress,
} from './egress-request.js';
