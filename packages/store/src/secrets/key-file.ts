import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeKey, KEY_BYTES, KeyRing, keyError, keyRingFromEnv } from './key-ring.js';

export const KEY_FILE_NAME = 'encryption-keys.json';

/** `<dataDir>/encryption-keys.json`: `{ "primary": id, "keys": [{ "id", "key": base64, "createdAt" }] }`. */
export interface KeyFile {
  primary: string;
  keys: { id: string; key: string; createdAt: string }[];
}

export interface LoadKeyRingOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

export interface LoadedKeyRing {
  ring: KeyRing;
  source: 'env' | 'file' | 'created';
  /** The key file path when the keys came from (or were written to) a file. */
  file?: string;
  /** Things an operator should fix, e.g. a key file readable by others. */
  warnings: string[];
}

/**
 * The server's key ring: from STRATA_ENCRYPTION_KEYS / STRATA_ENCRYPTION_KEY when set, otherwise from the
 * key file in the data directory, which is created (mode 0600, one random 32-byte key) on first start.
 */
export async function loadKeyRing(options: LoadKeyRingOptions): Promise<LoadedKeyRing> {
  const fromEnv = keyRingFromEnv(options.env ?? process.env);
  if (fromEnv) return { ring: fromEnv, source: 'env', warnings: [] };
  const file = join(options.dataDir, KEY_FILE_NAME);
  const existing = await readKeyFile(file);
  if (existing) {
    const warnings: string[] = [];
    const mode = (await stat(file)).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      warnings.push(`${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 ${file}`);
    }
    return { ring: keyRingFromFile(existing, file), source: 'file', file, warnings };
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const created = newKeyFile(options.now?.() ?? new Date());
  await writeKeyFile(file, created, true);
  return { ring: keyRingFromFile(created, file), source: 'created', file, warnings: [] };
}

/**
 * The key ring the server would start with, without creating a key file: from the environment, else the data
 * directory's key file, else undefined (the admin tools check keys; they must not invent one).
 */
export async function readKeyRing(options: LoadKeyRingOptions): Promise<LoadedKeyRing | undefined> {
  const fromEnv = keyRingFromEnv(options.env ?? process.env);
  if (fromEnv) return { ring: fromEnv, source: 'env', warnings: [] };
  const file = join(options.dataDir, KEY_FILE_NAME);
  const existing = await readKeyFile(file);
  return existing ? { ring: keyRingFromFile(existing, file), source: 'file', file, warnings: [] } : undefined;
}

/** A key ring as key-file content (to carry it inside a backup). */
export function keyFileOf(ring: KeyRing, createdAt: string): KeyFile {
  return {
    primary: ring.primary.id,
    keys: ring.ids.map((id) => ({ id, key: ring.get(id)!.key.toString('base64'), createdAt })),
  };
}

/**
 * Adds keys (from a backup) to the data directory's key file, creating it if needed. Keys already there stay, and so
 * does the primary; a key id that exists with different key material is refused. Returns the ids added.
 */
export async function addKeysToFile(dataDir: string, keys: KeyFile): Promise<string[]> {
  const file = join(dataDir, KEY_FILE_NAME);
  const current = await readKeyFile(file);
  keyRingFromFile(keys, 'the keys to add'); // validates them
  const merged: KeyFile = current ?? { primary: keys.primary, keys: [] };
  const added: string[] = [];
  for (const k of keys.keys) {
    const existing = merged.keys.find((e) => e.id === k.id);
    if (existing && existing.key !== k.key)
      throw keyError(`${file} already has a different key with id "${k.id}"; not replacing it`);
    if (!existing) {
      merged.keys.push(k);
      added.push(k.id);
    }
  }
  if (added.length === 0) return [];
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeKeyFile(file, merged, false);
  return added;
}

/**
 * Rotation step 1: adds a new random key to the key file and makes it the primary (older keys stay, so
 * existing ciphertexts still decrypt). Returns the new key id.
 */
export async function rotateKeyFile(dataDir: string, now: Date = new Date()): Promise<string> {
  const file = join(dataDir, KEY_FILE_NAME);
  const current = await readKeyFile(file);
  if (!current) throw keyError(`${file} does not exist; nothing to rotate`);
  const fresh = newKeyFile(now);
  const [key] = fresh.keys;
  if (!key) throw keyError('could not generate a key');
  const next: KeyFile = { primary: key.id, keys: [key, ...current.keys] };
  await writeKeyFile(file, next, false);
  return key.id;
}

/** Rotation last step: drops a key nobody needs any more (after every value was re-encrypted). */
export async function retireKey(dataDir: string, keyId: string): Promise<void> {
  const file = join(dataDir, KEY_FILE_NAME);
  const current = await readKeyFile(file);
  if (!current) throw keyError(`${file} does not exist`);
  if (current.primary === keyId) throw keyError(`"${keyId}" is the primary key; rotate first`);
  await writeKeyFile(
    file,
    { primary: current.primary, keys: current.keys.filter((k) => k.id !== keyId) },
    false,
  );
}

export function keyRingFromFile(content: KeyFile, where: string): KeyRing {
  const primary = content.keys.find((k) => k.id === content.primary);
  if (!primary) throw keyError(`${where}: primary key "${content.primary}" is not in "keys"`);
  const ordered = [primary, ...content.keys.filter((k) => k !== primary)];
  return new KeyRing(ordered.map((k) => ({ id: k.id, key: decodeKey(k.key, `${where} key "${k.id}"`) })));
}

function newKeyFile(now: Date): KeyFile {
  const stamp = now.toISOString().slice(0, 10).replaceAll('-', '');
  const id = `k${stamp}-${randomBytes(3).toString('hex')}`;
  return {
    primary: id,
    keys: [{ id, key: randomBytes(KEY_BYTES).toString('base64'), createdAt: now.toISOString() }],
  };
}

async function readKeyFile(file: string): Promise<KeyFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as KeyFile;
    if (typeof parsed.primary !== 'string' || !Array.isArray(parsed.keys))
      throw new Error('expected {primary, keys}');
    return parsed;
  } catch (err) {
    throw keyError(`${file} is not a valid key file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function writeKeyFile(file: string, content: KeyFile, exclusive: boolean): Promise<void> {
  const text = `${JSON.stringify(content, null, 2)}\n`;
  if (exclusive) {
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600, flag: 'w' });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
