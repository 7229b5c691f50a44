import { readFile } from 'node:fs/promises';
import { findKind, KINDS, type KindDefinition } from '@strata/api';
import { StrataClient, isUnreachable } from '@strata/client';
import { configPath, readConfig, type CliConfig } from './config.js';
import { InputError, UsageError } from './exit-codes.js';
import type { CliIO } from './io.js';
import { resolveSettings, type GlobalOptions, type Settings } from './settings.js';

export const CLI_USER_AGENT = 'strata-cli/0.1.0';

/** What every command gets: I/O, settings resolved from flags/env/config, and a client. One per run. */
export class CommandContext {
  readonly io: CliIO;
  /** Set by commands that report several failures and continue (e.g. apply). */
  exitCode = 0;
  /** Whether a 401 gets the "sign in with strata login" hint (not while logging in). */
  authHint = true;
  private readonly globals: () => GlobalOptions;
  private config: CliConfig | undefined;
  private keys: Promise<{ flag?: string; env?: string }> | undefined;

  constructor(io: CliIO, globals: () => GlobalOptions) {
    this.io = io;
    this.globals = globals;
  }

  get signal(): AbortSignal | undefined {
    return this.io.signal;
  }

  now(): Date {
    return this.io.now?.() ?? new Date();
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }

  flags(): GlobalOptions {
    return this.globals();
  }

  configPath(): string {
    return configPath({ flag: this.globals().config, env: this.io.env });
  }

  async configFile(): Promise<CliConfig> {
    this.config ??= await readConfig(this.configPath());
    return this.config;
  }

  async settings(): Promise<Settings> {
    return resolveSettings(this.globals(), this.io.env, await this.configFile(), await this.keyFiles());
  }

  /** The keys in `--api-key-file` and `STRATA_API_KEY_FILE`, when given (read once per run). */
  keyFiles(): Promise<{ flag?: string; env?: string }> {
    this.keys ??= this.readKeyFiles();
    return this.keys;
  }

  private async readKeyFiles(): Promise<{ flag?: string; env?: string }> {
    const { apiKey, apiKeyFile } = this.globals();
    if (apiKey && apiKeyFile) throw new UsageError('give either --api-key or --api-key-file, not both');
    const envFile = this.io.env.STRATA_API_KEY_FILE;
    return {
      ...(apiKeyFile ? { flag: await readKeyFile(apiKeyFile, '--api-key-file') } : {}),
      ...(envFile ? { env: await readKeyFile(envFile, 'STRATA_API_KEY_FILE') } : {}),
    };
  }

  async client(): Promise<StrataClient> {
    const settings = await this.settings();
    if (!settings.server)
      throw new UsageError(
        'no server configured: pass --server URL, set STRATA_SERVER, or run "strata login URL"',
      );
    return createClient(settings.server, settings.apiKey);
  }
}

/** The API key in a file (surrounding whitespace removed); a missing, unreadable or empty file names the source. */
async function readKeyFile(path: string, source: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`${source}: cannot read ${path}: ${(err as Error).message}`);
  }
  const key = text.trim();
  if (!key) throw new InputError(`${source}: ${path} is empty`);
  return key;
}

/** Accepts `host:port` as shorthand for `http://host:port`. */
export function normalizeServer(server: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`;
}

export function createClient(server: string, apiKey: string | undefined): StrataClient {
  try {
    return new StrataClient({ server: normalizeServer(server), apiKey, userAgent: CLI_USER_AGENT });
  } catch (err) {
    if (isUnreachable(err)) throw err;
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** A KIND argument: kind name, plural or alias, any case. Unknown kinds are usage errors (exit 2). */
export function kindArg(value: string): KindDefinition {
  const kind = findKind(value);
  if (!kind)
    throw new UsageError(`unknown kind "${value}"; known kinds: ${KINDS.map((k) => k.kind).join(', ')}`);
  return kind;
}

/** `--version` is only meaningful for versioned kinds (ClusterProfile, Pack). */
export function versionArg(kind: KindDefinition, version: string | undefined): string | undefined {
  if (version !== undefined && !kind.versioned)
    throw new UsageError(`${kind.kind} is not versioned; drop --version`);
  return version;
}
