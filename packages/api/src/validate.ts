import { Compile } from 'typebox/compile';
import type { Issue } from './errors.js';
import { jsonBoundsProblem, MAX_JSON_DEPTH } from './json-bounds.js';
import type { KindDefinition } from './kinds/kind.js';
import { inputSchema, metadataKeyIssues } from './meta.js';

type Validator = ReturnType<typeof Compile>;
const validators = new WeakMap<KindDefinition, Validator>();

function validatorFor(kind: KindDefinition): Validator {
  let v = validators.get(kind);
  if (!v) {
    v = Compile(inputSchema(kind.kind, kind.spec));
    validators.set(kind, v);
  }
  return v;
}

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/**
 * Checks a whole object (envelope + spec) against its kind's strict schema and returns every issue, each with a
 * JSON pointer. Unknown fields are reported by name.
 */
export function validateObject(kind: KindDefinition, value: unknown): Issue[] {
  // Nothing recursive may touch an absurdly deep object: refuse it first, at its top-level field.
  const deep = jsonBoundsProblem(value, { maxDepth: MAX_JSON_DEPTH });
  if (deep) return [{ path: deep.path.split('/').slice(0, 3).join('/'), message: deep.message }];
  const v = validatorFor(kind);
  if (v.Check(value)) return [];
  const issues: Issue[] = [];
  const seen = new Set<string>();
  // Label and annotation keys and label values get messages that say the rule (instead of a pattern).
  for (const issue of metadataKeyIssues((value as { metadata?: unknown } | null)?.metadata)) push(issue);
  for (const raw of v.Errors(value) as Iterable<SchemaError>) {
    let issue: Issue | undefined;
    if (raw.keyword === 'boolean') continue; // duplicate of the additionalProperties error
    if (isMetadataKeyError(raw)) continue; // reported above
    if (raw.keyword === 'additionalProperties') {
      const names = raw.params.additionalProperties;
      for (const name of Array.isArray(names) ? (names as string[]) : []) {
        push({ path: `${raw.instancePath}/${name}`, message: `unknown field "${name}"` });
      }
      continue;
    }
    if (raw.keyword === 'required') {
      const names = raw.params.requiredProperties ?? raw.params.missingProperty;
      for (const name of Array.isArray(names) ? (names as string[]) : [String(names)]) {
        push({ path: `${raw.instancePath}/${name}`, message: 'required field is missing' });
      }
      continue;
    }
    if (raw.keyword === 'pattern' && raw.instancePath.endsWith('/name')) {
      issue = {
        path: raw.instancePath,
        message:
          'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
      };
    } else {
      issue = { path: raw.instancePath, message: raw.message };
    }
    push(issue);
  }
  return issues;

  function push(issue: Issue): void {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push(issue);
  }
}

function isMetadataKeyError(raw: SchemaError): boolean {
  if (!/^\/metadata\/(labels|annotations)(\/|$)/.test(raw.instancePath)) return false;
  if (raw.keyword === 'propertyNames' || raw.schemaPath.includes('propertyNames')) return true;
  return raw.instancePath.startsWith('/metadata/labels/') && ['pattern', 'maxLength'].includes(raw.keyword);
}

/** ISO 8601 date-time check for fields that carry one (typebox does not enforce formats by default). */
export function isDateTime(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}
