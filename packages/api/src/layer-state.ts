import { Type, type Static } from 'typebox';

/**
 * The state of one layer of a cluster's stack, as the agent reports it and Cluster status shows it. Declared once:
 * the agent protocol, the Cluster status schema and every list of states derive from it.
 */
export const LayerState = Type.Union([
  Type.Literal('Pending'),
  Type.Literal('Applying'),
  Type.Literal('Applied'),
  Type.Literal('Failed'),
  Type.Literal('Drifted'),
  Type.Literal('Removing'),
]);
export type LayerState = Static<typeof LayerState>;

/** Every layer state, in the order of a layer's life. */
export const LAYER_STATES: readonly LayerState[] = LayerState.anyOf.map((s) => s.const);
