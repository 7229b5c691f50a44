export { CapiProvider, type CapiProviderOptions } from './capi-provider.js';
