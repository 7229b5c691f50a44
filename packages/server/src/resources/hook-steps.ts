import { StrataError, type Resource } from '@strata/api';
import type { ValidInput } from './input-validation.js';
import type { HookContext, KindHooks } from './kind-hooks.js';

/** The spec to store before secret fields are sealed: normalized, then the kind's own values sealed. */
export async function specToStore(
  hooks: KindHooks | undefined,
  hctx: HookContext,
  input: ValidInput,
  previous?: Resource,
): Promise<Record<string, unknown>> {
  const spec = hooks?.normalizeSpec?.(input) ?? input.spec;
  return (await hooks?.sealSpec?.(hctx, spec, previous)) ?? spec;
}

/** Runs the kind's semantic validation; throws every issue at once with the kind's error code. */
export async function runValidateHook(
  hooks: KindHooks | undefined,
  hctx: HookContext,
  input: ValidInput,
  previous?: Resource,
): Promise<void> {
  const issues = (await hooks?.validate?.(hctx, input, previous)) ?? [];
  if (issues.length === 0) return;
  const code = hooks?.invalidCode ?? 'STRATA_VALIDATION_FAILED';
  throw new StrataError(
    code,
    `${issues.length} problem${issues.length === 1 ? '' : 's'} (listed in issues)`,
    issues,
  );
}
