import {
  StrataError,
  validateObject,
  validationError,
  type Issue,
  type KindDefinition,
  type Resource,
} from '@strata/api';
import type { HookContext, HookInput, KindHooks } from './kind-hooks.js';

/** A request body that passed its kind's strict schema. */
export interface ValidInput {
  apiVersion?: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    resourceVersion?: string;
  };
  spec: Record<string, unknown>;
}

/** Checks a whole object against its kind's schema and the URL's project; throws with every issue. */
export function validateInput(
  kind: KindDefinition,
  project: string | undefined,
  body: unknown,
  options: { stored?: Record<string, unknown> | undefined } = {},
): ValidInput {
  // A secret field left out of an update keeps its stored value, so it is not "missing" then.
  const kept = new Set(
    (kind.secretFields ?? [])
      .filter((p) => options.stored?.[p.slice(1)] !== undefined)
      .map((p) => `/spec${p}`),
  );
  const issues = validateObject(kind, body).filter(
    (i) => !(kept.has(i.path) && i.message === 'required field is missing'),
  );
  if (issues.length === 0) {
    const b = body as ValidInput & { metadata: { project?: string } };
    if (b.metadata.project !== undefined && b.metadata.project !== (project ?? '')) {
      issues.push({
        path: '/metadata/project',
        message: `must match the project in the URL (${project ?? 'none: tenant scope'})`,
      });
    }
  }
  throwIssues(issues);
  return body as ValidInput;
}

/**
 * validateInput; when the schema check fails and the kind's `validate` hook checks the shape itself
 * (`validatesShape`), the hook's issues are the answer instead: every schema and semantic problem in one error.
 */
export async function validateInputWithHook(
  kind: KindDefinition,
  project: string | undefined,
  body: unknown,
  options: { hooks: KindHooks | undefined; context: HookContext; previous?: Resource },
): Promise<ValidInput> {
  const { hooks, previous } = options;
  try {
    return validateInput(kind, project, body, { stored: previous?.spec });
  } catch (err) {
    if (!hooks?.validatesShape || !hooks.validate || !(err instanceof StrataError)) throw err;
    // The hook reads the object's parts: without an object and a spec object there is nothing more to report.
    if (!isRecord(body) || !isRecord(body.spec)) throw err;
    const issues = await hooks.validate(options.context, body as unknown as HookInput, previous);
    if (issues.length === 0) throw err;
    const n = issues.length;
    throw new StrataError(
      hooks.invalidCode ?? 'STRATA_VALIDATION_FAILED',
      `${n} problem${n === 1 ? '' : 's'} (listed in issues)`,
      issues,
    );
  }
}

/** Throws the right error for a list of issues: missing references get their own code. */
export function throwIssues(issues: Issue[]): void {
  if (issues.length === 0) return;
  if (issues.every((i) => i.code === 'STRATA_REFERENCE_NOT_FOUND')) {
    const n = issues.length;
    throw new StrataError(
      'STRATA_REFERENCE_NOT_FOUND',
      `${n} referenced object${n === 1 ? ' does' : 's do'} not exist (listed in issues)`,
      issues,
    );
  }
  throw validationError(issues);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
