/** kubectl-style short ages: 45s, 3m20s, 17m, 5h3m, 20h, 3d4h, 30d, 2y. */
export function formatAge(since: string | undefined, now: Date): string {
  if (!since) return '<unknown>';
  const start = Date.parse(since);
  if (Number.isNaN(start)) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now.getTime() - start) / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (seconds < 120) return `${seconds}s`;
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (hours < 3) return `${minutes}m`;
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}
