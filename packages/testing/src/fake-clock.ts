/**
 * A manual clock for tests. It has the shape of the controller runtime's Clock (now, setTimer, sleep),
 * so it can be passed wherever a Clock is expected. Time moves only when advance() is called.
 */
export class FakeClock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  /** Epoch milliseconds. */
  now(): number {
    return this.#now;
  }

  date(): Date {
    return new Date(this.#now);
  }

  /** Runs callback once `ms` of fake time has passed; returns a function that cancels it. */
  setTimer(callback: () => void, ms: number): () => void {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return () => {
      this.#timers.delete(id);
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, ms));
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the next timer fires, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const t of this.#timers.values()) if (next === undefined || t.at < next) next = t.at;
    return next;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order (ties in creation order) and letting promise
   * chains started by each one settle before the next fires.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await FakeClock.settle();
    for (;;) {
      const due = this.#earliestDue(target);
      if (!due) break;
      this.#timers.delete(due.id);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
      await FakeClock.settle();
    }
    this.#now = target;
    await FakeClock.settle();
  }

  /** Lets pending promise callbacks and immediate I/O callbacks run (a few event-loop turns). */
  static async settle(turns = 5): Promise<void> {
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  #earliestDue(target: number): { id: number; at: number; callback: () => void } | undefined {
    let best: { id: number; at: number; callback: () => void } | undefined;
    for (const [id, t] of this.#timers) {
      if (t.at <= target && (!best || t.at < best.at || (t.at === best.at && id < best.id)))
        best = { id, ...t };
    }
    return best;
  }
}
