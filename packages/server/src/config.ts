import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StrataError } from '@strata/api';
import { parseEgressPolicy, type EgressPolicy } from '@strata/core';

export interface ServerConfig {
  dataDir: string;
  databaseUrl: string;
  host: string;
  port: number;
  logLevel: string;
  /** The URL agents dial; default: the listen address. */
  advertiseUrl?: string;
  /** Non-public ranges the server may connect to for users (PackSource indexes, imported clusters). */
  egress: EgressPolicy;
}

export const SERVER_HELP = `Usage: strata server [--data-dir DIR] [--database-url URL] [--listen HOST:PORT] [--advertise-url URL] [--log-level LEVEL]
                     [--egress-allow CIDR,...]

Starts the Strata management server.

  --data-dir DIR       where the SQLite database, encryption keys and the admin API key live
                       (default $STRATA_DATA_DIR or ~/.local/share/strata)
  --database-url URL   postgres://user@host:5432/db to use PostgreSQL (several replicas may share it);
                       default: SQLite at DIR/strata.db
  --listen HOST:PORT   address to listen on (default 127.0.0.1:7080, or $STRATA_LISTEN)
  --advertise-url URL  the URL cluster agents dial to reach this server (default http://LISTEN,
                       or $STRATA_ADVERTISE_URL)
  --log-level LEVEL    trace|debug|info|warn|error (default info)
  --egress-allow CIDRS address ranges (comma-separated, or the flag repeated) that PackSource reads and
                       imported-cluster checks may connect to although they are loopback, link-local or private,
                       e.g. 127.0.0.0/8 to import a local cluster (default none, or $STRATA_EGRESS_ALLOW)
`;

/** Reads flags and environment into a config; bad values are errors that name the flag. */
export function parseServerArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      listen: { type: 'string' },
      'advertise-url': { type: 'string' },
      'log-level': { type: 'string' },
      'egress-allow': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const dataDir = resolve(
    values['data-dir'] ?? env.STRATA_DATA_DIR ?? join(homedir(), '.local', 'share', 'strata'),
  );
  const listen = values.listen ?? env.STRATA_LISTEN ?? '127.0.0.1:7080';
  const m = /^(.+):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535)
    throw new StrataError('STRATA_BAD_REQUEST', `--listen must be HOST:PORT, got "${listen}"`);
  const logLevel = values['log-level'] ?? env.STRATA_LOG_LEVEL ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `--log-level must be one of trace, debug, info, warn, error; got "${logLevel}"`,
    );
  }
  const advertiseUrl = values['advertise-url'] ?? env.STRATA_ADVERTISE_URL;
  if (advertiseUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(advertiseUrl)) {
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `--advertise-url must be an http(s) URL, got "${advertiseUrl}"`,
    );
  }
  const egress = parseEgressPolicy(values['egress-allow'] ?? env.STRATA_EGRESS_ALLOW ?? []);
  if (egress.issues.length > 0)
    throw new StrataError('STRATA_BAD_REQUEST', `--egress-allow: ${egress.issues.join('; ')}`);
  return {
    ...(advertiseUrl ? { advertiseUrl: advertiseUrl.replace(/\/+$/, '') } : {}),
    dataDir,
    databaseUrl: values['database-url'] ?? env.STRATA_DATABASE_URL ?? `sqlite:${join(dataDir, 'strata.db')}`,
    host: m[1]!,
    port,
    logLevel,
    egress: egress.policy,
  };
}
