export { KeyRing, keyRingFromEnv, fingerprintKeyId, KEY_BYTES, type EncryptionKey } from './key-ring.js';
export { encryptString, decryptString, isCiphertext, ciphertextKeyId, CIPHERTEXT_PREFIX } from './cipher.js';
export {
  loadKeyRing,
  readKeyRing,
  keyFileOf,
  addKeysToFile,
  rotateKeyFile,
  retireKey,
  keyRingFromFile,
  KEY_FILE_NAME,
  type KeyFile,
  type LoadKeyRingOptions,
  type LoadedKeyRing,
} from './key-file.js';
export {
  sealedValueCensus,
  checkKeyRing,
  type SealedValueCensus,
  type KeyRingCheck,
} from './sealed-values.js';
