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
}
