import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startServerProcess, type ServerProcess } from './server-process.js';

/** A suite's real server process, a scratch directory, and the environment a CLI user would have for it. */
export interface CliSession {
  readonly server: ServerProcess;
  readonly dir: string;
  readonly env: Record<string, string>;
}

/** Registers before/after hooks in the current suite; read the fields inside tests. */
export function useCliSession(prefix: string): CliSession {
  let server: ServerProcess | undefined;
  let dir: string | undefined;
  before(async () => {
    server = await startServerProcess();
    dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const ready = () => {
    if (!server || !dir) throw new Error('the CLI session is not ready (used outside a test)');
    return { server, dir };
  };
  return {
    get server() {
      return ready().server;
    },
    get dir() {
      return ready().dir;
    },
    get env() {
      const { server: s, dir: d } = ready();
      return { STRATA_SERVER: s.url, STRATA_API_KEY: s.adminKey, STRATA_CONFIG: join(d, 'config.json') };
    },
  };
}
