import { isPlainObject, pointer, type JsonObject, type JsonValue } from '../util/json.js';
import { parseSingleYaml } from '../yaml/load-yaml.js';
import { HclError, isHclExpression, parseHcl, type HclBlock, type HclValue } from './hcl.js';
import type { NoteList } from './report.js';

/** The three ways a Palette cluster profile is written down. */
export type PaletteProfileFormat = 'yaml' | 'json' | 'hcl';

/** One Palette profile, read from any format into one shape; `path` is where it sits in the source. */
export interface PaletteProfileSource {
  path: string;
  fields: JsonObject;
  packs: { path: string; fields: JsonObject }[];
  variables: { path: string; fields: JsonObject }[];
}

/** Guesses the format: JSON starts with `{` or `[`; Terraform has `resource "spectrocloud_cluster_profile"`. */
export function detectProfileFormat(text: string): PaletteProfileFormat {
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') return 'json';
  return /^\s*resource\s+"spectrocloud_cluster_profile"/m.test(text) ? 'hcl' : 'yaml';
}

/** Reads the profiles of an export YAML, an import JSON or Terraform HCL (bounded like every YAML text). */
export function readPaletteProfiles(
  text: string,
  format: PaletteProfileFormat,
  notes: NoteList,
): PaletteProfileSource[] {
  if (format === 'hcl') return readHcl(text, notes);
  // JSON is YAML: the same bounded reader (size, aliases, depth, duplicate keys).
  const parsed = parseSingleYaml(text, { path: '', booleans: 'yaml-1.2' });
  for (const issue of parsed.issues) notes.error(issue.path, issue.message);
  if (parsed.issues.length) return [];
  const docs = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const out: PaletteProfileSource[] = [];
  docs.forEach((doc, i) => {
    const path = Array.isArray(parsed.value) ? `/${i}` : '';
    if (!isPlainObject(doc)) {
      notes.error(path, 'a profile must be a map');
      return;
    }
    out.push(fromDocument(doc, path, notes));
  });
  return out;
}

/** Export YAML (`name, type, cloudType, packs`) or import JSON (`metadata.name`, `spec.template.packs`). */
function fromDocument(doc: JsonObject, path: string, notes: NoteList): PaletteProfileSource {
  const fields: JsonObject = {};
  let packsAt = pointer(path, 'packs');
  let packs: JsonValue | undefined = doc.packs;
  let variables: JsonValue | undefined = doc.variables;
  let varsAt = pointer(path, 'variables');
  const metadata = isPlainObject(doc.metadata) ? doc.metadata : undefined;
  const spec = isPlainObject(doc.spec) ? doc.spec : undefined;
  const template = spec && isPlainObject(spec.template) ? spec.template : undefined;
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'metadata' && metadata) {
      for (const [k, v] of Object.entries(metadata)) {
        if (k === 'name' || k === 'description') fields[k] = v;
        else if (k === 'annotations' && isPlainObject(v) && typeof v.description === 'string')
          fields.description ??= v.description;
        else notes.dropped(pointer(path, 'metadata', k), 'not carried over');
      }
    } else if (key === 'spec' && spec) {
      for (const [k, v] of Object.entries(spec)) {
        if (k === 'template' && template) {
          for (const [tk, tv] of Object.entries(template)) {
            if (tk === 'packs') {
              packs = tv;
              packsAt = pointer(path, 'spec', 'template', 'packs');
            } else fields[tk] = tv;
          }
        } else if (k === 'variables') {
          variables = v;
          varsAt = pointer(path, 'spec', 'variables');
        } else fields[k] = v;
      }
    } else if (key !== 'packs' && key !== 'variables') fields[key] = value;
  }
  return {
    path,
    fields,
    packs: listOf(packs, packsAt, notes),
    variables: listOf(variables, varsAt, notes),
  };
}

function listOf(
  value: JsonValue | undefined,
  path: string,
  notes: NoteList,
): { path: string; fields: JsonObject }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    notes.error(path, 'expected a list');
    return [];
  }
  const out: { path: string; fields: JsonObject }[] = [];
  value.forEach((v, i) => {
    if (isPlainObject(v)) out.push({ path: pointer(path, i), fields: v });
    else notes.error(pointer(path, i), 'expected a map');
  });
  return out;
}

/** Terraform: every `resource "spectrocloud_cluster_profile" "x"` block; snake_case fields become camelCase. */
function readHcl(text: string, notes: NoteList): PaletteProfileSource[] {
  let body;
  try {
    body = parseHcl(text);
  } catch (err) {
    notes.error('', err instanceof HclError ? err.message : String(err));
    return [];
  }
  const out: PaletteProfileSource[] = [];
  for (const block of body.blocks) {
    const label = [block.type, ...block.labels].join('.');
    if (block.type !== 'resource' || block.labels[0] !== 'spectrocloud_cluster_profile') {
      notes.dropped(
        pointer('', label),
        `line ${block.line}: not a spectrocloud_cluster_profile resource; not imported`,
      );
      continue;
    }
    const path = pointer('', label);
    const fields = hclFields(block, path, notes);
    const packs = block.body.blocks
      .filter((b) => b.type === 'pack')
      .map((b, i) => {
        const at = pointer(path, 'pack', i);
        const pack = hclFields(b, at, notes);
        const manifests = b.body.blocks
          .filter((m) => m.type === 'manifest')
          .map((m, j) => hclFields(m, pointer(at, 'manifest', j), notes));
        if (manifests.length) pack.manifests = manifests;
        return { path: at, fields: pack };
      });
    const variables = block.body.blocks
      .filter((b) => b.type === 'profile_variables')
      .flatMap((b) => b.body.blocks.filter((v) => v.type === 'variable'))
      .map((v, i) => {
        const at = pointer(path, 'profile_variables', 'variable', i);
        return { path: at, fields: hclFields(v, at, notes) };
      });
    for (const b of block.body.blocks)
      if (!['pack', 'profile_variables'].includes(b.type))
        notes.dropped(pointer(path, b.type), `line ${b.line}: block not carried over`);
    out.push({ path, fields, packs, variables });
  }
  if (out.length === 0) notes.error('', 'no resource "spectrocloud_cluster_profile" in the Terraform text');
  return out;
}

function hclFields(block: HclBlock, path: string, notes: NoteList): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(block.body.attributes)) {
    const json = hclJson(value);
    if (json === undefined) {
      const expr = isHclExpression(value) ? value : undefined;
      notes.dropped(
        pointer(path, key),
        `line ${block.body.lines[key] ?? block.line}: ${JSON.stringify(expr?.expression.slice(0, 80) ?? '')} needs Terraform to evaluate (a reference, a function such as file(), or \${...}); put the value in the text`,
      );
      continue;
    }
    out[camel(key)] = json;
  }
  return out;
}

function hclJson(value: HclValue): JsonValue | undefined {
  if (isHclExpression(value)) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(hclJson);
    return items.every((i) => i !== undefined) ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const j = hclJson(v);
      if (j === undefined) return undefined;
      out[k] = j;
    }
    return out;
  }
  return value;
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}
