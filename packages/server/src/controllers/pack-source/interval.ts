/** "30s", "10m", "1h" → milliseconds. The schema guarantees the shape. */
export function parseInterval(text: string | undefined, fallbackMs: number): number {
  const m = text ? /^(\d+)(s|m|h)$/.exec(text) : null;
  if (!m) return fallbackMs;
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
  return Math.max(10_000, Number(m[1]) * unit);
}
