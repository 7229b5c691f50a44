import { AbortedError, linkSignals, sleep } from '../errors.js';

/**
 * A sleep that `wake()` can cut short (the status ack says there is a newer revision; a state change wants to be
 * reported now), and `stop` ends for good.
 */
export class Waker {
  private controller = new AbortController();

  private readonly stop: AbortSignal;

  constructor(stop: AbortSignal) {
    this.stop = stop;
  }

  /** Resolves after ms, on wake(), or on stop (never rejects). */
  async sleep(ms: number): Promise<void> {
    const linked = linkSignals([this.controller.signal, this.stop]);
    try {
      await sleep(ms, linked.signal);
    } catch (error) {
      if (!(error instanceof AbortedError)) throw error;
    } finally {
      linked.dispose();
    }
    if (this.controller.signal.aborted) this.controller = new AbortController();
  }

  wake(): void {
    this.controller.abort();
  }
}
