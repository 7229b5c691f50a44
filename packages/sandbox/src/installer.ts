/**
 * BinaryInstaller: lets a long-running process (the Strata server) answer "are the sandbox
 * binaries there?" and, if not, build them in the background with scripts/setup-local-k8s.sh while
 * reporting progress, so the sandbox provider can say "installing (step 2/6, 40%, 3m12s)" instead
 * of failing. The same class builds the Cluster API managers (scripts/setup-capi.sh) with a different
 * `find`, `scriptPath` and `stepSeconds`.
 *
 *   const installer = new BinaryInstaller();
 *   if (!(await installer.isInstalled())) installer.start();      // returns at once
 *   installer.status();   // { state: "installing", step: 2, totalSteps: 6, percent: 7, elapsedMs, message }
 *   await installer.done(); // resolves with the final status
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { findBinarySet, localk8sCacheDir, setupScriptPath } from './binaries.js';

export type InstallState = 'unknown' | 'installed' | 'missing' | 'installing' | 'failed';

export interface InstallStatus {
  state: InstallState;
  /** Current step (1-based) and total, from the script's "==> [N/M +Ss]" lines. */
  step: number;
  totalSteps: number;
  /** Rough overall progress 0–100, weighted by how long each step takes cold. */
  percent: number;
  elapsedMs: number;
  /** The script's last progress line (or the error on failure). */
  message: string;
  /** Binary directory once installed. */
  binDir?: string;
  /** Last lines of script output when state is 'failed'. */
  errorTail?: string;
}

export interface BinaryInstallerOptions {
  /** Default: scripts/setup-local-k8s.sh of this repository. */
  scriptPath?: string;
  /** Passed to the script as STRATA_CACHE_DIR's localk8s parent; default from the environment. */
  cacheRoot?: string;
  /** Receives every status change (e.g. to log or push to clients). */
  onProgress?: (status: InstallStatus) => void;
  now?: () => number;
  /** The built directory when complete, else undefined (default: the local Kubernetes binary set). */
  find?: (cacheRoot: string | undefined) => Promise<string | undefined>;
  /** Cold duration of each of the script's steps in seconds (default: the Kubernetes build's). */
  stepSeconds?: readonly number[];
}

/**
 * Cold duration of each step in seconds, measured on 2 cores (docs/benchmarks.md): downloads, k8s,
 * etcd, kwok, helm, verify. Percent = finished steps + the elapsed share of the current one (capped
 * at 95 % of it), so the number keeps moving during the 12-minute Kubernetes build.
 */
const LOCAL_K8S_STEP_SECONDS = [40, 730, 45, 120, 100, 2];

export function estimatePercent(
  step: number,
  secondsInStep: number,
  stepSeconds: readonly number[] = LOCAL_K8S_STEP_SECONDS,
): number {
  if (step < 1) return 0;
  const total = stepSeconds.reduce((a, b) => a + b, 0);
  const before = stepSeconds.slice(0, step - 1).reduce((a, b) => a + b, 0);
  const current = stepSeconds[step - 1] ?? 0;
  return Math.min(99, Math.floor(((before + Math.min(secondsInStep, current * 0.95)) / total) * 100));
}

async function findLocalK8s(cacheRoot: string | undefined): Promise<string | undefined> {
  const env = cacheRoot ? { ...process.env, STRATA_CACHE_DIR: cacheRoot } : process.env;
  return (await findBinarySet({ cacheDir: localk8sCacheDir(env) }))?.dir;
}

export class BinaryInstaller {
  private readonly options: BinaryInstallerOptions;
  private current: InstallStatus = {
    state: 'unknown',
    step: 0,
    totalSteps: 6,
    percent: 0,
    elapsedMs: 0,
    message: '',
  };
  private startedAt = 0;
  private stepStartedAt = 0;
  private running: Promise<InstallStatus> | undefined;

  constructor(options: BinaryInstallerOptions = {}) {
    this.options = options;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private find(): Promise<string | undefined> {
    return (this.options.find ?? findLocalK8s)(this.options.cacheRoot);
  }

  private percent(step: number, secondsInStep: number): number {
    return estimatePercent(step, secondsInStep, this.options.stepSeconds);
  }

  private update(patch: Partial<InstallStatus>): void {
    this.current = { ...this.current, ...patch, elapsedMs: this.startedAt ? this.now() - this.startedAt : 0 };
    this.options.onProgress?.(this.status());
  }

  /** True when a complete binary set is in the cache (cheap: a few stat calls). */
  async isInstalled(): Promise<boolean> {
    const dir = await this.find();
    if (dir && this.current.state !== 'installing')
      this.update({ state: 'installed', binDir: dir, percent: 100 });
    else if (!dir && this.current.state === 'unknown') this.update({ state: 'missing' });
    return dir !== undefined;
  }

  status(): InstallStatus {
    if (this.current.state !== 'installing' || !this.startedAt) return { ...this.current };
    const now = this.now();
    const inStep = (now - this.stepStartedAt) / 1000;
    const percent = Math.max(this.current.percent, this.percent(this.current.step, inStep));
    return { ...this.current, elapsedMs: now - this.startedAt, percent };
  }

  /** Starts the setup script in the background unless it is already running. Never throws; see status(). */
  start(): Promise<InstallStatus> {
    if (this.running) return this.running;
    this.startedAt = this.now();
    this.update({ state: 'installing', step: 0, percent: 0, message: `starting ${basename(this.script())}` });
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Resolves when the current run ends (immediately with the status if none is running). */
  async done(): Promise<InstallStatus> {
    return this.running ?? this.status();
  }

  private script(): string {
    return this.options.scriptPath ?? setupScriptPath();
  }

  private run(): Promise<InstallStatus> {
    return new Promise((resolve) => {
      const env = this.options.cacheRoot
        ? { ...process.env, STRATA_CACHE_DIR: this.options.cacheRoot }
        : process.env;
      const child = spawn('bash', [this.script()], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const tail: string[] = [];
      const onLine = (line: string): void => {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        const match = /^==> \[(\d+)\/(\d+) \+(\d+)s\] (.*)$/.exec(line);
        if (match) {
          const step = Number(match[1]);
          const totalSteps = Number(match[2]);
          const done = line.includes('] done:');
          if (step !== this.current.step) this.stepStartedAt = this.now();
          this.update({
            step,
            totalSteps,
            message: match[4] ?? '',
            percent: done ? 100 : this.percent(step, 0),
          });
        }
      };
      createInterface({ input: child.stdout }).on('line', onLine);
      createInterface({ input: child.stderr }).on('line', onLine);
      let finished = false;
      const finish = async (code: number | null, error?: Error): Promise<void> => {
        if (finished) return;
        finished = true;
        if (code === 0) {
          const dir = await this.find();
          this.update(
            dir
              ? { state: 'installed', percent: 100, binDir: dir }
              : {
                  state: 'failed',
                  message: 'setup finished but no binaries were found',
                  errorTail: tail.join('\n'),
                },
          );
        } else {
          this.update({
            state: 'failed',
            message: error?.message ?? `${basename(this.script())} exited with code ${code}`,
            errorTail: tail.join('\n'),
          });
        }
        resolve(this.status());
      };
      child.once('error', (err) => void finish(null, err));
      child.once('close', (code) => void finish(code));
    });
  }
}
