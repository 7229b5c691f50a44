import type { Resource } from '@strata/api';
import { UsageError } from './exit-codes.js';
import { evaluateJsonPath, formatValue, parseJsonPath, type Segment } from './jsonpath.js';

/** What `wait --for=...` waits for. */
export type WaitCondition =
  | { type: 'delete' }
  | { type: 'jsonpath'; expression: string; segments: Segment[]; value?: string | undefined }
  | { type: 'condition'; name: string; status: string };

/**
 * Parses `delete`, `condition=Ready[=True]`, and `jsonpath={.status.phase}=Running` (without `=VALUE`: the
 * path must select a non-empty value). Quotes around the expression or value, as shells sometimes leave
 * them, are removed.
 */
export function parseWaitCondition(text: string): WaitCondition {
  if (text === 'delete') return { type: 'delete' };
  if (text.startsWith('condition=')) {
    const [name, status = 'True'] = text.slice('condition='.length).split('=');
    if (!name) throw new UsageError('--for=condition= needs a condition type, e.g. --for=condition=Ready');
    return { type: 'condition', name, status: unquote(status) };
  }
  if (text.startsWith('jsonpath=')) {
    const rest = dropLeadingQuotes(text.slice('jsonpath='.length));
    const close = rest.lastIndexOf('}');
    if (!rest.startsWith('{') || close === -1)
      throw new UsageError(
        `--for=jsonpath needs an expression in braces, e.g. --for=jsonpath='{.status.phase}'=Running`,
      );
    const expression = rest.slice(0, close + 1);
    const after = unquote(rest.slice(close + 1));
    if (after !== '' && !after.startsWith('='))
      throw new UsageError(`--for=jsonpath: expected "=VALUE" after ${expression}`);
    return {
      type: 'jsonpath',
      expression,
      segments: parseJsonPath(expression),
      value: after === '' ? undefined : unquote(after.slice(1)),
    };
  }
  throw new UsageError(
    `unknown --for "${text}": use delete, condition=TYPE[=STATUS] or jsonpath='{.path}'=VALUE`,
  );
}

/** `'{.a}'=x` and `'{.a}=x'` both become `{.a}=x`. */
function dropLeadingQuotes(s: string): string {
  const q = s[0];
  if (q !== "'" && q !== '"') return s;
  const end = s.indexOf(q, 1);
  return end === -1 ? s : s.slice(1, end) + s.slice(end + 1);
}

function unquote(s: string): string {
  const m = /^(['"])(.*)\1$/s.exec(s);
  return m ? m[2]! : s;
}

/** Whether an object satisfies the condition (a `delete` condition is met only by absence). */
export function isConditionMet(condition: WaitCondition, object: Resource): boolean {
  return observe(condition, object).met;
}

/** The observed value (for timeout messages) and whether the condition holds. */
export function observe(condition: WaitCondition, object: Resource): { met: boolean; observed: string } {
  switch (condition.type) {
    case 'delete':
      return { met: false, observed: object.metadata.deletedAt ? 'deleting' : 'exists' };
    case 'condition': {
      const found = object.status?.conditions?.find((c) => c.type === condition.name);
      return {
        met: found?.status === condition.status,
        observed: found ? `${found.type}=${found.status}` : `no ${condition.name} condition`,
      };
    }
    case 'jsonpath': {
      const values = evaluateJsonPath(condition.segments, object).map(formatValue);
      const met =
        condition.value === undefined ? values.some((v) => v !== '') : values.includes(condition.value);
      return { met, observed: values.length ? values.join(',') : '<none>' };
    }
  }
}

export function describeCondition(condition: WaitCondition): string {
  switch (condition.type) {
    case 'delete':
      return 'deletion';
    case 'condition':
      return `condition ${condition.name}=${condition.status}`;
    case 'jsonpath':
      return condition.value === undefined
        ? `${condition.expression} to be set`
        : `${condition.expression}=${condition.value}`;
  }
}
