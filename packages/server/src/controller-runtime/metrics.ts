export type ReconcileOutcome = 'success' | 'requeue' | 'error' | 'lease-held';

/** Hooks the server binds to prom-client (gauge per controller, histogram of durations). */
export interface ControllerMetrics {
  queueDepth(controller: string, depth: number): void;
  reconcileDuration(controller: string, seconds: number, outcome: ReconcileOutcome): void;
}

export const noopMetrics: ControllerMetrics = {
  queueDepth: () => undefined,
  reconcileDuration: () => undefined,
};
