import type { CliConfig } from './config.js';

/** The global flags every command accepts. */
export interface GlobalOptions {
  server?: string | undefined;
  apiKey?: string | undefined;
  /** A file holding the API key (keeps it out of the process list and shell history). */
  apiKeyFile?: string | undefined;
  project?: string | undefined;
  config?: string | undefined;
}

export type Source = 'flag' | 'env' | 'config';

export interface Settings {
  server?: string | undefined;
  apiKey?: string | undefined;
  project?: string | undefined;
  /** Where the project came from: a default from the config file applies only to project-scoped kinds. */
  projectSource?: Source | undefined;
}

/**
 * Flags win over environment variables, which win over the config file. `keyFiles` are the contents of
 * `--api-key-file` / `STRATA_API_KEY_FILE` when given (read by the caller): each counts as its own level's key.
 */
export function resolveSettings(
  flags: GlobalOptions,
  env: Record<string, string | undefined>,
  config: CliConfig,
  keyFiles: { flag?: string | undefined; env?: string | undefined } = {},
): Settings {
  const project = pick(flags.project, env.STRATA_PROJECT, config.project);
  return {
    server: pick(flags.server, env.STRATA_SERVER, config.server)?.value,
    apiKey: pick(
      flags.apiKey ?? keyFiles.flag,
      env.STRATA_API_KEY ?? keyFiles.env,
      config.apiKey ?? config.token,
    )?.value,
    project: project?.value,
    projectSource: project?.source,
  };
}

function pick(
  flag: string | undefined,
  env: string | undefined,
  config: string | undefined,
): { value: string; source: Source } | undefined {
  if (flag) return { value: flag, source: 'flag' };
  if (env) return { value: env, source: 'env' };
  if (config) return { value: config, source: 'config' };
  return undefined;
}
