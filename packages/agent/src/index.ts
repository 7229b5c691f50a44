// strata-agent: pulls a cluster's desired state from the management server, applies it layer by layer, reports
// status, and detects and repairs drift (docs/reference/agent.md, docs/contracts/agent-protocol.md).
export { AGENT_VERSION } from './version.js';
export { Agent, type AgentOptions } from './agent.js';
export { runAgentCli, type CliIo } from './cli/run-agent-cli.js';
export { parseAgentArgs, USAGE as AGENT_USAGE, type CliOptions } from './cli/parse-args.js';
export { AgentError, type AgentErrorCode } from './errors.js';
export { jsonLogger, silentLogger, type Logger } from './log/logger.js';
export { readDesiredState, type DesiredState, type DesiredLayer } from './protocol/desired-state.js';
export { diffObject, type FieldDiff } from './drift/diff-object.js';
export { discoverCluster, type DiscoverOptions, type DiscoveryResult } from './discovery/discover.js';
export {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  LAYER_LABEL,
  LAYER_ANNOTATION,
  ORIGIN_ANNOTATION,
} from './apply/labels.js';
export { INVENTORY_LABEL, inventoryName } from './inventory/inventory-store.js';
export { DESIRED_STATE_SECRET } from './state/desired-state-store.js';
