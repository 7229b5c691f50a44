import type { JsonValue } from '../util/json.js';
import { parseYaml, type LoadYamlOptions, type YamlLoadResult } from './load-yaml.js';

/**
 * Remembers the documents of YAML texts that parsed without issues, keyed by text (and boolean mode), so that the
 * same pack defaults, presets and layer values are parsed once per catalog rather than once per profile or cluster.
 * Bounded (least recently used entries go first). Cached values are shared: callers must not modify them (core never
 * does; resolution hands out copies).
 */
export class YamlCache {
  readonly #entries = new Map<string, JsonValue[]>();
  readonly #max: number;
  readonly #maxTextBytes: number;

  constructor(options: { maxEntries?: number; maxTextBytes?: number } = {}) {
    this.#max = options.maxEntries ?? 2000;
    this.#maxTextBytes = options.maxTextBytes ?? 64 * 1024;
  }

  /** Like parseYaml, from the cache when the same text parsed cleanly before. */
  parse(text: string, options: LoadYamlOptions = {}): YamlLoadResult {
    const limited =
      options.maxBytes !== undefined ||
      options.maxNodes !== undefined ||
      options.maxExpandedBytes !== undefined ||
      options.strict === true;
    if (typeof text !== 'string' || text.length > this.#maxTextBytes || limited)
      return parseYaml(text, options);
    const key = `${options.booleans ?? 'helm'}\u0000${options.maxAliasCount ?? ''}\u0000${text}`;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return { documents: hit, issues: [] };
    }
    const result = parseYaml(text, options);
    if (result.issues.length === 0) {
      this.#entries.set(key, result.documents);
      if (this.#entries.size > this.#max) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
    }
    return result;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Parses with the cache when one is given. */
export function parseYamlWith(
  cache: YamlCache | undefined,
  text: string,
  options: LoadYamlOptions = {},
): YamlLoadResult {
  return cache ? cache.parse(text, options) : parseYaml(text, options);
}
