/**
 * The longest the event loop was blocked while `work` ran, measured by a 10 ms interval probe: a parse or a match that
 * holds the loop shows up as the delay of the probe's next tick.
 */
export async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last - 10);
    last = now;
  }, 10);
  try {
    return { value: await work(), stallMs };
  } finally {
    clearInterval(probe);
  }
}
