/** "3 min ago", "2 h ago": relative times for lists and timelines. */
export function timeAgo(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

export function shortHash(hash: string | undefined): string {
  if (!hash) return '—';
  const h = hash.replace(/^sha256:/, '');
  return h.slice(0, 12);
}

/** A JSON value in one line, for diffs and tables. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Case-insensitive match of every whitespace-separated term against any of the texts. */
export function matchesSearch(query: string, texts: readonly (string | undefined)[]): boolean {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const hay = texts.filter(Boolean).join(' ').toLowerCase();
  return terms.every((t) => hay.includes(t));
}

/** Saves text as a file download in the browser. */
export function downloadText(filename: string, text: string, type = 'application/yaml'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
