/**
 * What a Palette conversion did, per source path: every key, macro and file is either carried over (`translated`,
 * with how), left out (`dropped`, with why) or stops the item from being imported (`error`). Nothing is dropped
 * without a note.
 */
export type NoteAction = 'translated' | 'dropped' | 'error';

export interface ConversionNote {
  /** JSON pointer into the source: `/pack.json/annotations`, `/values.yaml/pack/content/images`, `/packs/2/values`. */
  path: string;
  action: NoteAction;
  message: string;
}

export class NoteList {
  readonly notes: ConversionNote[] = [];
  translated(path: string, message: string): void {
    this.notes.push({ path, action: 'translated', message });
  }
  dropped(path: string, message: string): void {
    this.notes.push({ path, action: 'dropped', message });
  }
  error(path: string, message: string): void {
    this.notes.push({ path, action: 'error', message });
  }
  get hasErrors(): boolean {
    return this.notes.some((n) => n.action === 'error');
  }
}

/** The report as text, one line per note, in source order: `dropped  /pack.json/group: ...`. */
export function formatNotes(notes: readonly ConversionNote[], indent = '  '): string {
  return notes.map((n) => `${indent}${n.action.padEnd(10)} ${n.path || '/'}: ${n.message}\n`).join('');
}

/** A Palette name as a DNS-1123 label (lowercase, `[a-z0-9-]`, at most 63); undefined when nothing is left. */
export function dnsLabel(name: string): string | undefined {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return label === '' ? undefined : label;
}
