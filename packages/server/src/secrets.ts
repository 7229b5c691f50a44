import { decryptString, encryptString, loadKeyRing } from '@strata/store';
import type { SecretCipher } from './resources/secret-fields.js';

export interface OpenCipherOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Receives operator warnings (e.g. a key file readable by others). */
  warn?: (message: string) => void;
}

/** The server's cipher for secret fields: the key ring from the environment or the data directory's key file. */
export async function openCipher(
  options: OpenCipherOptions,
): Promise<SecretCipher & { source: string; file?: string }> {
  const loaded = await loadKeyRing({ dataDir: options.dataDir, env: options.env ?? process.env });
  for (const w of loaded.warnings) options.warn?.(w);
  return {
    source: loaded.source,
    ...(loaded.file ? { file: loaded.file } : {}),
    encrypt: (plaintext) => encryptString(loaded.ring, plaintext),
    decrypt: (ciphertext) => decryptString(loaded.ring, ciphertext),
  };
}
