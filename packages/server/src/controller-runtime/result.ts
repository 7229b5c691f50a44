/** What a reconcile pass asks for next. Errors are thrown, not returned: they get per-key backoff. */
export type Result = { readonly kind: 'done' } | { readonly kind: 'requeueAfter'; readonly delayMs: number };

export const Result = {
  /** Nothing more to do until the object (or something it watches) changes. */
  done(): Result {
    return { kind: 'done' };
  },
  /** "Not ready yet": look again after delayMs, without counting as a failure. */
  requeueAfter(delayMs: number): Result {
    return { kind: 'requeueAfter', delayMs: Math.max(0, delayMs) };
  },
} as const;
