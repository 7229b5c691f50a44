/** Classifies errors of the sandbox runtime into provider errors (terminal vs transient). */
import { StrataError } from '@strata/api';
import { ProviderError } from '@strata/provider-sdk';

export function wrapSandboxError(err: unknown, what: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof StrataError) {
    if (err.code === 'STRATA_VALIDATION_FAILED') {
      return new ProviderError({
        code: err.code,
        message: `${what}: ${err.message}`,
        issues: err.issues,
        cause: err,
      });
    }
    if (err.code === 'STRATA_UNAVAILABLE') {
      return new ProviderError({
        code: 'STRATA_PROVIDER_UNSUPPORTED',
        message: `${what}: ${err.message}`,
        retriable: false,
        cause: err,
      });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError({ message: `${what}: ${message}`, retriable: true, cause: err });
}
