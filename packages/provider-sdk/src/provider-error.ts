/** Provider errors are classified: terminal (the spec cannot be satisfied: stop, mark Failed) or transient (retry). */
import { StrataError, type ErrorCode, type Issue, type Problem } from '@strata/api';

export interface ProviderErrorOptions {
  code?: ErrorCode;
  message: string;
  /** Default: the code's catalogue value. */
  retriable?: boolean;
  issues?: Issue[];
  cause?: unknown;
}

export class ProviderError extends StrataError {
  readonly #retriable: boolean | undefined;
  constructor(options: ProviderErrorOptions) {
    super(
      options.code ?? 'STRATA_PROVIDER_FAILED',
      options.message,
      options.issues ?? [],
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ProviderError';
    this.#retriable = options.retriable;
  }
  override get retriable(): boolean {
    return this.#retriable ?? super.retriable;
  }
  override toProblem(instance?: string): Problem {
    return { ...super.toProblem(instance), retriable: this.retriable };
  }
}

/** Terminal: the spec cannot be satisfied (e.g. Kubernetes version not available). */
export function unsupported(message: string, issues: Issue[] = []): ProviderError {
  return new ProviderError({ code: 'STRATA_PROVIDER_UNSUPPORTED', message, issues, retriable: false });
}

/** Transient: worth retrying with backoff. */
export function transient(message: string, cause?: unknown): ProviderError {
  return new ProviderError({ message, retriable: true, ...(cause === undefined ? {} : { cause }) });
}

export type ErrorClass = 'terminal' | 'transient';

/** How the cluster controller treats an error from a provider. Unknown errors are transient (bounded retries). */
export function classifyProviderError(err: unknown): ErrorClass {
  if (err instanceof StrataError) return err.retriable ? 'transient' : 'terminal';
  return 'transient';
}
