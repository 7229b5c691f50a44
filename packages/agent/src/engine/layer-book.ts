/**
 * The per-layer state the agent reports (Pending, Applying, Applied, Failed, Drifted, Removing), in stack order
 * followed by layers being removed. Every change calls onChange, which sends a status report.
 */
import { LAYER_STATES, type AgentLayerReport, type DriftEntry, type LayerState } from '@strata/api';
import { canonicalJson } from '@strata/core';
import type { LayerInventory } from '../inventory/inventory-store.js';
import type { DesiredLayer } from '../protocol/desired-state.js';

/** The report schema's limits. */
const MAX_DRIFT = 200;
const MAX_MESSAGE = 4096;

export interface LayerRecord {
  profile: string;
  name: string;
  hash: string;
  state: LayerState;
  message?: string;
  drift?: DriftEntry[];
}

export class LayerBook {
  private readonly layers = new Map<string, LayerRecord>();

  private readonly onChange: () => void;

  constructor(onChange: () => void) {
    this.onChange = onChange;
  }

  /**
   * Starts a new desired state: layers whose hash is unchanged keep their state, new or changed ones are Pending,
   * and inventoried layers no longer desired are listed (Removing once the agent gets to them).
   */
  reset(desired: readonly DesiredLayer[], removing: readonly LayerInventory[]): void {
    const before = canonicalJson(this.reports());
    const old = new Map(this.layers);
    this.layers.clear();
    for (const l of desired) {
      const prev = old.get(l.key);
      this.layers.set(
        l.key,
        prev && prev.hash === l.hash
          ? prev
          : { profile: l.profile, name: l.name, hash: l.hash, state: 'Pending' },
      );
    }
    // Removed after every desired layer is Applied (so replacements are up first).
    for (const inv of removing)
      this.layers.set(inv.key, {
        profile: inv.profile,
        name: inv.layer,
        hash: inv.appliedHash ?? '',
        state: 'Removing',
        message: 'waiting for the desired layers to be applied',
      });
    if (canonicalJson(this.reports()) !== before) this.onChange();
  }

  get(key: string): LayerRecord | undefined {
    return this.layers.get(key);
  }

  /** Sets state and message (and drift, cleared unless given). */
  set(key: string, next: { state: LayerState; message?: string; drift?: DriftEntry[] }): void {
    const cur = this.layers.get(key);
    if (!cur) return;
    let message = next.message;
    let drift = next.drift && next.drift.length > 0 ? next.drift : undefined;
    if (drift && drift.length > MAX_DRIFT) {
      message = `${message ? `${message}; ` : ''}${drift.length - MAX_DRIFT} more differences not listed`;
      drift = drift.slice(0, MAX_DRIFT);
    }
    if (message && message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE - 1)}…`;
    const updated: LayerRecord = {
      profile: cur.profile,
      name: cur.name,
      hash: cur.hash,
      state: next.state,
      ...(message ? { message } : {}),
      ...(drift ? { drift } : {}),
    };
    if (canonicalJson(updated) === canonicalJson(cur)) return;
    this.layers.set(key, updated);
    this.onChange();
  }

  remove(key: string): void {
    if (this.layers.delete(key)) this.onChange();
  }

  reports(): AgentLayerReport[] {
    return [...this.layers.values()].map((l) => ({ ...l }));
  }

  counts(): Record<LayerState, number> {
    const counts = Object.fromEntries(LAYER_STATES.map((s) => [s, 0])) as Record<LayerState, number>;
    for (const l of this.layers.values()) counts[l.state]++;
    return counts;
  }
}
