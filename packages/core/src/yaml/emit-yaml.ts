import { stringify } from 'yaml';
import type { JsonValue } from '../util/json.js';

export interface EmitYamlOptions {
  /** Sort map keys (stable output for diffs). Default false: keep insertion order. */
  sortKeys?: boolean;
}

/**
 * Emits YAML that Helm and kubectl (YAML 1.1 readers) read back as exactly the same value: strings that a 1.1 reader
 * would take for something else (`yes`, `on`, `y`, `0777`, `1:20`, `~`) are quoted. No anchors/aliases, no line folding.
 */
export function emitYaml(value: JsonValue, options: EmitYamlOptions = {}): string {
  return stringify(value, {
    version: '1.1',
    aliasDuplicateObjects: false,
    lineWidth: 0,
    sortMapEntries: options.sortKeys === true,
  });
}

/** Emits a multi-document stream, one document per value, separated by `---`. */
export function emitYamlDocuments(values: readonly JsonValue[], options: EmitYamlOptions = {}): string {
  return values.map((v) => emitYaml(v, options)).join('---\n');
}
