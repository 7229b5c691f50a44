export * from './provider.js';
export * from './provider-error.js';
export { kubeGet, kubeWatch, type WatchEvent } from './kube-get.js';
