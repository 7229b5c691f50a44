import { performance } from 'node:perf_hooks';

/** How long the event loop was blocked while one piece of work ran. */
export interface StallMeasurement<T> {
  result: T;
  /** The longest stretch in which no timer could run, minus the probe interval (0 when never blocked). */
  blockedMs: number;
}

export interface StallGuardOptions {
  /** How often the probe timer ticks (default 10 ms): the resolution of the measurement. */
  intervalMs?: number;
}

/** Thrown by `StallGuard.guard` when the work blocked the event loop longer than allowed. */
export class EventLoopStallError extends Error {
  readonly label: string;
  readonly blockedMs: number;
  readonly limitMs: number;

  constructor(label: string, blockedMs: number, limitMs: number) {
    super(`${label} blocked the event loop for ${Math.round(blockedMs)} ms (limit ${limitMs} ms)`);
    this.label = label;
    this.blockedMs = blockedMs;
    this.limitMs = limitMs;
    this.name = 'EventLoopStallError';
  }
}

interface Window {
  /** Wall and CPU clock of the window's last observation. */
  wall: number;
  cpu: number;
  blockedMs: number;
}

/**
 * Measures event-loop blocking per piece of work with an interval probe: a timer that should tick every
 * `intervalMs`; a longer gap between ticks is a block. A gap counts only as far as the process also used CPU in it
 * (min of wall and CPU time), so a test process descheduled by a busy machine is not mistaken for a block.
 * Several windows may be open at once (concurrent requests): each sees the gaps that overlap it.
 */
export class StallGuard {
  readonly #intervalMs: number;
  readonly #windows = new Set<Window>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: StallGuardOptions = {}) {
    this.#intervalMs = options.intervalMs ?? 10;
  }

  /** Runs `work` and reports the longest event-loop block while it ran. */
  async measure<T>(work: () => Promise<T>): Promise<StallMeasurement<T>> {
    const window: Window = { wall: performance.now(), cpu: cpuMs(), blockedMs: 0 };
    this.#windows.add(window);
    this.#timer ??= setInterval(() => this.#observeAll(), this.#intervalMs).unref();
    try {
      const result = await work();
      this.#observe(window);
      return { result, blockedMs: window.blockedMs };
    } finally {
      this.#windows.delete(window);
      if (this.#windows.size === 0) this.stop();
    }
  }

  /** Runs `work`; throws EventLoopStallError when it blocked the loop for more than `limitMs`. */
  async guard<T>(label: string, limitMs: number, work: () => Promise<T>): Promise<T> {
    const { result, blockedMs } = await this.measure(work);
    if (blockedMs > limitMs) throw new EventLoopStallError(label, blockedMs, limitMs);
    return result;
  }

  /** Stops the probe timer (it also stops by itself when no measurement is open). */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #observeAll(): void {
    for (const w of this.#windows) this.#observe(w);
  }

  #observe(window: Window): void {
    const wall = performance.now();
    const cpu = cpuMs();
    const gap = Math.min(wall - window.wall, cpu - window.cpu) - this.#intervalMs;
    if (gap > window.blockedMs) window.blockedMs = gap;
    window.wall = wall;
    window.cpu = cpu;
  }
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
