/**
 * One operation per layer at a time (apply, drift check, remediation, removal), in arrival order; different layers
 * proceed independently, so drift in layer 1 is handled while layer 4 waits for readiness.
 */
export class LayerLocks {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly holders = new Set<string>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    this.holders.add(key);
    try {
      return await fn();
    } finally {
      this.holders.delete(key);
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  isHeld(key: string): boolean {
    return this.holders.has(key);
  }
}
