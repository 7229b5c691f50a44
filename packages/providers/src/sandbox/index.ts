export { SandboxProvider, type SandboxProviderOptions } from './sandbox-provider.js';
export { MACHINE_HASH_LABEL, NODE_VERSION_LABEL, machineHash } from './machine.js';
