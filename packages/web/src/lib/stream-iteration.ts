/**
 * The client reads watch streams with `for await (const chunk of response.body)`. Browsers without async
 * iteration of ReadableStream get it here (a reader loop), so live updates work everywhere.
 */
export function installStreamIteration(): void {
  const proto = ReadableStream.prototype as unknown as Record<symbol, unknown>;
  if (typeof proto[Symbol.asyncIterator] === 'function') return;
  proto[Symbol.asyncIterator] = async function* (this: ReadableStream<Uint8Array>) {
    const reader = this.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  };
}
