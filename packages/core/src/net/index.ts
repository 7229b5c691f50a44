export * from './ip-address.js';
export * from './egress-policy.js';
