import type { KubeObject, ObjectRef } from '../kube/object-ref.js';
import type { Origin } from './labels.js';

/** One object the agent keeps in its desired state: what drift detection compares and remediation re-applies. */
export interface ManagedObject {
  /** With the namespace defaulted the way it was applied. */
  ref: ObjectRef;
  /** The manifest exactly as applied (with Strata's labels), or as Helm rendered it for chart layers. */
  desired: KubeObject;
  /** `helm`: the object belongs to a Helm release; Helm applies and repairs it. */
  origin: Origin | 'helm';
  /**
   * Adopted as it is: the object existed before Strata and already matched `desired`, so it was not applied at all
   * (applying would still change it: a new field manager entry and Strata's labels move its resourceVersion). Holds
   * the live object (for the readiness wait). Such an object carries no Strata labels; the inventory records it.
   */
  asIs?: KubeObject;
}
