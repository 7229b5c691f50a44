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
  /** A request (headers and body) must arrive within this (default 30 s). */
  requestTimeoutMs: number;
  /** Its headers must arrive within this (default 10 s). */
  headersTimeoutMs: number;
  /** Start only in OpenSSL's FIPS mode, with non-approved primitives (argon2id passwords) off. */
  fips: boolean;
}

export const SERVER_HELP = `Usage: strata server [--data-dir DIR] [--database-url URL] [--listen HOST:PORT] [--advertise-url URL]
                     [--request-timeout SECONDS] [--headers-timeout SECONDS] [--log-level LEVEL]
                     [--egress-allow CIDR,...] [--fips]

Starts the Strata management server.

  --data-dir DIR       where the SQLite database, encryption keys and the admin API key live
                       (default $STRATA_DATA_DIR or ~/.local/share/strata)
  --database-url URL   postgres://user@host:5432/db to use PostgreSQL (several replicas may share it);
                       default: SQLite at DIR/strata.db
  --listen HOST:PORT   address to listen on (default 127.0.0.1:7080, or $STRATA_LISTEN)
  --advertise-url URL  the URL cluster agents dial to reach this server, and browsers return to after
                       single sign-on (default http://LISTEN, or $STRATA_ADVERTISE_URL)
  --request-timeout SECONDS  a client must send a whole request (headers and body) within this, else 408
                       and the connection is closed (default 30, or $STRATA_REQUEST_TIMEOUT_SECONDS); responses
                       (watches, agent long polls) are not limited
  --headers-timeout SECONDS  ... and its headers within this (default 10, or $STRATA_HEADERS_TIMEOUT_SECONDS)
  --log-level LEVEL    trace|debug|info|warn|error (default info)
  --egress-allow CIDRS address ranges (comma-separated, or the flag repeated) that PackSource reads,
                       imported-cluster checks and identity providers may connect to although they are loopback, link-local or private,
                       e.g. 127.0.0.0/8 to import a local cluster (default none, or $STRATA_EGRESS_ALLOW)
  --fips               start in OpenSSL's FIPS mode (or $STRATA_FIPS=true): refuses to start when Node's OpenSSL
                       has no FIPS provider; password sign-in (argon2id, not approved) is off
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
      'request-timeout': { type: 'string' },
      'headers-timeout': { type: 'string' },
      fips: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const { dataDir, databaseUrl } = storageLocation(
    { dataDir: values['data-dir'], databaseUrl: values['database-url'] },
    env,
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
  const requestTimeoutMs = seconds(
    '--request-timeout',
    values['request-timeout'] ?? env.STRATA_REQUEST_TIMEOUT_SECONDS ?? '30',
  );
  const headersTimeoutMs = seconds(
    '--headers-timeout',
    values['headers-timeout'] ?? env.STRATA_HEADERS_TIMEOUT_SECONDS ?? '10',
  );
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new StrataError('STRATA_BAD_REQUEST', '--headers-timeout may not be longer than --request-timeout');
  }
  return {
    ...(advertiseUrl ? { advertiseUrl: advertiseUrl.replace(/\/+$/, '') } : {}),
    requestTimeoutMs,
    headersTimeoutMs,
    dataDir,
    databaseUrl,
    host: m[1]!,
    port,
    logLevel,
    egress: egress.policy,
    fips: values.fips === true || env.STRATA_FIPS === 'true',
  };
}

/**
 * Where the server keeps its data (flag, else environment, else default): the data directory (SQLite database, key
 * file, admin key) and the database URL. `strata server` and `strata admin` read them the same way.
 */
export function storageLocation(
  flags: { dataDir?: string | undefined; databaseUrl?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): { dataDir: string; databaseUrl: string } {
  const dataDir = resolve(
    flags.dataDir ?? env.STRATA_DATA_DIR ?? join(homedir(), '.local', 'share', 'strata'),
  );
  return {
    dataDir,
    databaseUrl: flags.databaseUrl ?? env.STRATA_DATABASE_URL ?? `sqlite:${join(dataDir, 'strata.db')}`,
  };
}

/** A whole number of seconds from 1 to 3600, as milliseconds. */
function seconds(flag: string, text: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n < 1 || n > 3600)
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `${flag} must be a number of seconds from 1 to 3600, got "${text}"`,
    );
  return n * 1000;
}
