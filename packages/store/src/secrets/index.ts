export { KeyRing, keyRingFromEnv, fingerprintKeyId, KEY_BYTES, type EncryptionKey } from './key-ring.js';
export { encryptString, decryptString, isCiphertext, ciphertextKeyId, CIPHERTEXT_PREFIX } from './cipher.js';
export {
  loadKeyRing,
  rotateKeyFile,
  retireKey,
  keyRingFromFile,
  KEY_FILE_NAME,
  type KeyFile,
  type LoadKeyRingOptions,
  type LoadedKeyRing,
} from './key-file.js';
