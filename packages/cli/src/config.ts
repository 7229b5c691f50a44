import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from './exit-codes.js';
import { writePrivateFile } from './private-file.js';

/** What `strata login` stores (~/.config/strata/config.json, mode 0600). */
export interface CliConfig {
  server?: string;
  /** A long-lived API key (login --api-key). */
  apiKey?: string;
  /** A session token from username/password login. */
  token?: string;
  tokenExpiresAt?: string;
  user?: string;
  tenant?: string;
  /** The default project for project-scoped kinds. */
  project?: string;
}

export interface ConfigPathOptions {
  /** `--config`. */
  flag?: string | undefined;
  env: Record<string, string | undefined>;
}

/** `--config` > `STRATA_CONFIG` > `$XDG_CONFIG_HOME/strata/config.json` > `~/.config/strata/config.json`. */
export function configPath(options: ConfigPathOptions): string {
  if (options.flag) return options.flag;
  if (options.env.STRATA_CONFIG) return options.env.STRATA_CONFIG;
  const base = options.env.XDG_CONFIG_HOME || join(options.env.HOME || homedir(), '.config');
  return join(base, 'strata', 'config.json');
}

/** Reads the config file; a missing file is an empty config, a broken one is an error naming the file. */
export async function readConfig(path: string): Promise<CliConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new InputError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError(`config file ${path} must hold a JSON object`);
  const config: CliConfig = {};
  for (const key of ['server', 'apiKey', 'token', 'tokenExpiresAt', 'user', 'tenant', 'project'] as const) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string' && v !== '') config[key] = v;
  }
  return config;
}

/** Writes the config atomically, readable only by the owner (0600; its directory 0700). */
export async function writeConfig(path: string, config: CliConfig): Promise<void> {
  await writePrivateFile(path, `${JSON.stringify(config, null, 2)}\n`);
}
