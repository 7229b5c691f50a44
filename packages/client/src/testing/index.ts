export * from './canned-server.js';
export * from './objects.js';
