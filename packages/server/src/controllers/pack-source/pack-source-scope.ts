/** The state of one PackSource pass: what was read at the start, and what the read phase saw. */
import type { PackSourceChart, PackSourceStatus, Resource } from '@strata/api';
import type { PackSourceCondition } from '../../packs/helm-index.js';

/** What one pass over a PackSource observed. */
export interface PackSourceScope {
  /** The PackSource as fetched at the start of the pass. */
  readonly source: Resource;
  /** Its status as read. */
  readonly before: PackSourceStatus;
  /** Time of this pass, from the reconcile context's clock. */
  readonly now: Date;
  /** Set by the read phase: the Ready condition the read gives, and the charts when it succeeded. */
  read?: { readonly condition: PackSourceCondition; readonly charts?: readonly PackSourceChart[] };
  /** Set by summarise: the status to write. */
  status?: PackSourceStatus;
}
