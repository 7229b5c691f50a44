export { StrataClient, resolveKind, type StrataClientOptions } from './client.js';
export * from './cluster-actions.js';
export * from './fleet-actions.js';
export {
  Transport,
  ServerUnreachableError,
  isUnreachable,
  errorFromResponse,
  DEFAULT_USER_AGENT,
  type FetchLike,
  type RequestOptions,
  type TransportOptions,
  type QueryValue,
} from './transport.js';
export { parseServerSentEvents, type ServerSentEvent } from './sse.js';
export { sameDesiredState } from './apply.js';
export { deepEqual } from './deep-equal.js';
export { sleep } from './sleep.js';
export * from './types.js';
