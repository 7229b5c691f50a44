/**
 * `strata admin`: operator commands that work on the server's database and key ring directly, on the machine (or
 * pod) where the server's data lives — like pg_dump, not through the API: a backup holds every tenant's data, and
 * restore runs while the server is stopped. Exit codes: 0 done, 1 refused or failed (the message says why), 2 usage.
 */
import { parseArgs } from 'node:util';
import { storageLocation } from '../config.js';
import { readPassphrase } from './backup-keys.js';
import { backup, type AdminIO } from './backup.js';
import { finishRestore, restore } from './restore.js';

export const ADMIN_HELP = `Usage: strata admin <command> [options]

Operator commands on the server's own database and encryption keys (run them where the server's data is).

  backup --output FILE [--include-keys --passphrase-file FILE]
        online, consistent copy of the SQLite database while the server runs; one file. The encryption keys are
        not in it unless --include-keys: then they are sealed with the passphrase (PBKDF2-SHA256 + AES-256-GCM).
        Without them the backup is useless: keep the key file (or STRATA_ENCRYPTION_KEYS) safe elsewhere.
        PostgreSQL: use pg_dump (docs/operations/backup-restore.md).
  restore FILE [--passphrase-file FILE] [--check]
        replaces the SQLite database with a backup (stop the server first). Refuses, changing nothing, when this
        build does not know the backup's schema or the key ring cannot decrypt its sealed values. The previous
        database is kept beside it. --check only checks. A new store epoch makes agents take the restored state.
  finish-restore
        after pg_restore or point-in-time recovery (servers stopped): checks schema and keys, migrates, and starts a
        new store epoch.

Options (all commands):
  --data-dir DIR       the server's data directory (default $STRATA_DATA_DIR or ~/.local/share/strata)
  --database-url URL   the server's database (default $STRATA_DATABASE_URL or SQLite at DIR/strata.db)
Keys come from STRATA_ENCRYPTION_KEYS / STRATA_ENCRYPTION_KEY when set, else DIR/encryption-keys.json — as the
server reads them.
`;

export async function runAdminCli(
  argv: string[],
  io: AdminIO = {
    out: (l) => process.stdout.write(`${l}\n`),
    warn: (l) => process.stderr.write(`${l}\n`),
  },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(ADMIN_HELP);
    return command ? 0 : 2;
  }
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: {
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        output: { type: 'string', short: 'o' },
        'include-keys': { type: 'boolean' },
        'passphrase-file': { type: 'string' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  if (values.help) {
    io.out(ADMIN_HELP);
    return 0;
  }
  const where = storageLocation({ dataDir: values['data-dir'], databaseUrl: values['database-url'] }, env);
  try {
    switch (command) {
      case 'backup': {
        if (!values.output) return usage(io, 'backup needs --output FILE');
        if (values['include-keys'] && !values['passphrase-file'])
          return usage(
            io,
            '--include-keys needs --passphrase-file FILE (the passphrase that seals the keys)',
          );
        if (positionals.length > 0) return usage(io, `unexpected argument ${positionals[0]}`);
        await backup({
          ...where,
          output: values.output,
          env,
          io,
          ...(values['include-keys']
            ? { includeKeys: { passphrase: await readPassphrase(values['passphrase-file']!) } }
            : {}),
        });
        return 0;
      }
      case 'restore': {
        const [from, extra] = positionals;
        if (!from || extra) return usage(io, 'restore needs exactly one backup FILE');
        await restore({
          ...where,
          from,
          env,
          io,
          checkOnly: values.check === true,
          ...(values['passphrase-file']
            ? { passphrase: await readPassphrase(values['passphrase-file']) }
            : {}),
        });
        return 0;
      }
      case 'finish-restore':
        if (positionals.length > 0) return usage(io, `unexpected argument ${positionals[0]}`);
        await finishRestore({ ...where, env, io });
        return 0;
      default:
        return usage(io, `unknown command "${command}"`);
    }
  } catch (err) {
    io.warn(`error: ${(err as Error).message}`);
    return 1;
  }
}

function usage(io: AdminIO, message: string): number {
  io.warn(`error: ${message}\n(run "strata admin --help" for usage)`);
  return 2;
}
