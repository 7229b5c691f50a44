import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** A real `strata server` process on a free loopback port with its own data directory. */
export interface ServerProcess {
  url: string;
  adminKey: string;
  dataDir: string;
  pid: number;
  port: number;
  /** Graceful stop (SIGTERM); removes the data directory unless it was given. */
  stop(): Promise<void>;
  /** kill -9: the process gets no chance to clean up (crash-safety tests). Keeps the data directory. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcessOptions {
  databaseUrl?: string;
  /** Reuse a data directory (e.g. after a kill); it is then not removed by stop(). */
  dataDir?: string;
  /** Listen on this port (e.g. the one a killed server had, so agents find it again). */
  port?: number;
  /** Append the server's output (log level info) to this file instead of discarding it. */
  logFile?: string;
}

export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'strata-e2e-')));
  const port = options.port ?? (await freePort());
  const args = [
    join(ROOT, 'bin/strata.js'),
    'server',
    '--data-dir',
    dataDir,
    '--listen',
    `127.0.0.1:${port}`,
    '--log-level',
    options.logFile ? 'info' : 'warn',
    // Test Helm repositories and imported sandbox clusters listen on 127.0.0.1, which the egress policy denies.
    '--egress-allow',
    '127.0.0.0/8',
  ];
  if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
  let stderr = '';
  const log = options.logFile ? openSync(options.logFile, 'a') : undefined;
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', log ?? 'ignore', 'pipe'],
    env: { ...process.env, STRATA_SANDBOX_AUTO_INSTALL: 'false' },
  });
  if (log !== undefined) closeSync(log);
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a busy 2-core machine the server needs tens of seconds to load its sources.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`strata server exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`strata server did not become ready in 120 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const adminKey = (await readFile(join(dataDir, 'admin-api-key'), 'utf8')).trim();
  return {
    url,
    adminKey,
    dataDir,
    pid: child.pid!,
    port,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
