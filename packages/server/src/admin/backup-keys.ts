/**
 * The key ring inside a backup (`strata admin backup --include-keys`), sealed with a passphrase: PBKDF2-HMAC-SHA256
 * (600,000 iterations, FIPS-approved like the rest) derives an AES-256-GCM key from it. A backup file that leaves
 * the machine then carries no usable key: whoever has the file needs the passphrase too.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { StrataError } from '@strata/api';
import type { KeyFile } from '@strata/store';

const KDF_ITERATIONS = 600_000;
const AAD = Buffer.from('strata-backup-keys/v1', 'utf8');
export const MIN_PASSPHRASE_CHARS = 12;

export interface SealedKeys {
  format: 'strata-backup-keys/v1';
  kdf: 'pbkdf2-sha256';
  iterations: number;
  salt: string;
  iv: string;
  /** AES-256-GCM ciphertext + tag (base64) of the key file JSON. */
  sealed: string;
}

export function sealKeys(keys: KeyFile, passphrase: string): SealedKeys {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(passphrase, salt, KDF_ITERATIONS), iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([
    cipher.update(JSON.stringify(keys), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return {
    format: 'strata-backup-keys/v1',
    kdf: 'pbkdf2-sha256',
    iterations: KDF_ITERATIONS,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    sealed: body.toString('base64'),
  };
}

export function unsealKeys(sealed: SealedKeys, passphrase: string): KeyFile {
  if (sealed.format !== 'strata-backup-keys/v1' || sealed.kdf !== 'pbkdf2-sha256')
    throw adminError(`the backup's keys use an unknown format (${String(sealed.format)})`);
  const body = Buffer.from(sealed.sealed, 'base64');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    derive(passphrase, Buffer.from(sealed.salt, 'base64'), sealed.iterations),
    Buffer.from(sealed.iv, 'base64'),
  );
  decipher.setAAD(AAD);
  decipher.setAuthTag(body.subarray(body.length - 16));
  try {
    const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as KeyFile;
  } catch {
    throw adminError(
      'the passphrase does not open the keys in this backup (wrong passphrase, or the file was changed)',
    );
  }
}

/** A passphrase from a file (never from the command line, where other users see it); the final newline is dropped. */
export async function readPassphrase(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw adminError(`cannot read the passphrase file ${file}: ${(err as Error).message}`);
  }
  const passphrase = text.replace(/\r?\n$/, '');
  if ([...passphrase].length < MIN_PASSPHRASE_CHARS)
    throw adminError(`the passphrase in ${file} is shorter than ${MIN_PASSPHRASE_CHARS} characters`);
  return passphrase;
}

function derive(passphrase: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(passphrase.normalize('NFC'), salt, iterations, 32, 'sha256');
}

/** An operator error of the admin commands: the message says what to do; exit code 1. */
export function adminError(message: string): StrataError {
  return new StrataError('STRATA_BAD_REQUEST', message);
}
