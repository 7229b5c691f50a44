export {
  CAPI_COMPONENTS,
  CAPI_SETUP_HINT,
  capiCacheDir,
  capiInstaller,
  findCapiBuild,
  type CapiBuild,
  type CapiComponent,
  type CapiManifest,
} from './binaries.js';
export {
  MANAGED_BY,
  prepareCrd,
  prepareWebhookConfigurations,
  type KubeObject,
  type WebhookEndpoint,
} from './install.js';
export {
  GatewayClient,
  GATEWAY_FIELD_MANAGER,
  KubeRequestError,
  apiMessage,
  httpStatus,
  type ObjectKey,
  type Unstructured,
} from './kube.js';
export * from './observe.js';
export {
  EmbeddedGateway,
  IN_MEMORY_FIXED_PORTS,
  type EmbeddedGatewayOptions,
  type EmbeddedGatewayStatus,
  type GatewayComponentHealth,
  type GatewayComponentStatus,
} from './gateway.js';
export * from './render.js';
