/** Minimal RFC 6901 JSON pointers over plain objects (secret field paths such as `/credentials/token`). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parent object and last token of a pointer, or undefined when a parent is missing. */
function locate(
  root: Record<string, unknown>,
  pointer: string,
): { parent: Record<string, unknown>; token: string } | undefined {
  const tokens = pointerTokens(pointer);
  const token = tokens.pop();
  if (token === undefined) return undefined;
  let node: unknown = root;
  for (const t of tokens) {
    if (!isRecord(node)) return undefined;
    node = node[t];
  }
  return isRecord(node) ? { parent: node, token } : undefined;
}

export function hasPointer(root: Record<string, unknown>, pointer: string): boolean {
  const at = locate(root, pointer);
  return at !== undefined && Object.hasOwn(at.parent, at.token) && at.parent[at.token] !== undefined;
}

export function getPointer(root: Record<string, unknown>, pointer: string): unknown {
  const at = locate(root, pointer);
  return at ? at.parent[at.token] : undefined;
}

/** Sets a value whose parent exists (secret fields are only rewritten where present). */
export function setPointer(root: Record<string, unknown>, pointer: string, value: unknown): void {
  const at = locate(root, pointer);
  if (at) at.parent[at.token] = value;
}

export function deletePointer(root: Record<string, unknown>, pointer: string): void {
  const at = locate(root, pointer);
  if (at) delete at.parent[at.token];
}
