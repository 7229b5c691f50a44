import { Type } from 'typebox';

/**
 * Deepest nesting any object or request body may have. Deeper JSON is refused before anything recursive (merge
 * patches, canonical JSON, structuredClone, JSON.stringify) touches it: those exhaust the stack a few thousand levels
 * down, which made a Cluster undeletable.
 */
export const MAX_JSON_DEPTH = 128;

export interface JsonBounds {
  /** Containers nested inside the value, at most: `{}` and `"x"` are 0 deep, `{"a": {}}` is 1 deep. */
  maxDepth: number;
  /** Approximate JSON size (keys, strings, 8 per number or literal), at most. */
  maxBytes?: number;
}

/** A value met while walking a JSON document; its pointer is built only when a problem needs it. */
export interface JsonWalkFrame {
  value: unknown;
  depth: number;
  parent: JsonWalkFrame | undefined;
  key: string;
}

/** The JSON pointer (RFC 6901) of a walked value, relative to the walk's root; `escape` maps each segment. */
export function jsonWalkPointer(
  frame: JsonWalkFrame,
  escape: (segment: string) => string = jsonPointerSegment,
): string {
  const segments: string[] = [];
  for (let f: JsonWalkFrame | undefined = frame; f?.parent; f = f.parent) segments.push(escape(f.key));
  return segments
    .reverse()
    .map((s) => `/${s}`)
    .join('');
}

/**
 * The first way a JSON value breaks its bounds, with the JSON pointer (relative to the value) where it does; undefined
 * when it is within them. Iterative, so it is safe on any depth, and it stops at the first problem. Linear in the
 * size of the value without per-element allocations beyond one frame: request bodies with 60,000-element arrays pass
 * through here on the event loop.
 */
export function jsonBoundsProblem(
  value: unknown,
  bounds: JsonBounds,
): { path: string; message: string } | undefined {
  const stack: JsonWalkFrame[] = [{ value, depth: 0, parent: undefined, key: '' }];
  let bytes = 0;
  const tooLarge = () => bounds.maxBytes !== undefined && bytes > bounds.maxBytes;
  const problem = (frame: JsonWalkFrame, message: string) => ({ path: jsonWalkPointer(frame), message });
  while (stack.length > 0) {
    const top = stack.pop()!;
    const v = top.value;
    if (v === null || typeof v !== 'object') {
      bytes += typeof v === 'string' ? v.length + 2 : 8;
      if (tooLarge()) return problem(top, `larger than ${bounds.maxBytes} bytes`);
      continue;
    }
    const depth = top.depth + 1;
    bytes += 2;
    if (Array.isArray(v)) {
      if (v.length > 0 && top.depth >= bounds.maxDepth)
        return problem(top, `nested deeper than ${bounds.maxDepth} levels`);
      bytes += v.length;
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], depth, parent: top, key: String(i) });
    } else {
      const keys = Object.keys(v);
      if (keys.length > 0 && top.depth >= bounds.maxDepth)
        return problem(top, `nested deeper than ${bounds.maxDepth} levels`);
      for (const key of keys) {
        bytes += key.length + 4;
        stack.push({ value: (v as Record<string, unknown>)[key], depth, parent: top, key });
      }
    }
    if (tooLarge()) return problem(top, `larger than ${bounds.maxBytes} bytes`);
  }
  return undefined;
}

/**
 * A free-form JSON object (content the schema does not describe, e.g. a provider's config or a JSON Schema) with
 * bounded depth and size; a value out of bounds is an issue at the field's path.
 */
export function FreeFormObject(bounds: Required<JsonBounds> & { description?: string }) {
  const { maxDepth, maxBytes, description } = bounds;
  const problem = (value: unknown) => jsonBoundsProblem(value, { maxDepth, maxBytes });
  return Type.Refine(
    Type.Record(Type.String({ maxLength: 253 }), Type.Unknown(), {
      ...(description ? { description } : {}),
      'x-max-depth': maxDepth,
      'x-max-bytes': maxBytes,
    }),
    (value) => problem(value) === undefined,
    (value) => {
      const p = problem(value);
      return p ? `${p.message}${p.path ? ` (at ${truncate(p.path)})` : ''}` : 'out of bounds';
    },
  );
}

/** One JSON pointer segment (RFC 6901): `~` and `/` escaped. */
export function jsonPointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function truncate(path: string): string {
  return path.length > 80 ? `${path.slice(0, 77)}...` : path;
}
