import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { LeaseRepository } from '@strata/store';
import type { Clock } from './clock.js';

/** Cross-replica mutual exclusion per key. */
export interface KeyLeases {
  /** This replica's identity (stored as the lease owner). */
  readonly owner: string;
  tryAcquire(name: string, ttlMs: number): Promise<boolean>;
  /** False when the lease was lost (expired and taken, or released). */
  renew(name: string, ttlMs: number): Promise<boolean>;
  release(name: string): Promise<void>;
}

/** `host:pid:random` — unique per process start, readable in the leases table. */
export function defaultLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export interface DatabaseKeyLeasesOptions {
  repository: LeaseRepository;
  /** Tests: a fake clock. Absent: the database's clock, which every replica shares (decides expiry). */
  clock?: Clock;
  owner?: string;
}

/** KeyLeases over the store's `leases` table (conditional upsert; SKIP LOCKED on PostgreSQL). */
export class DatabaseKeyLeases implements KeyLeases {
  readonly owner: string;
  readonly #repository: LeaseRepository;
  readonly #clock: Clock | undefined;

  constructor(options: DatabaseKeyLeasesOptions) {
    this.#repository = options.repository;
    this.#clock = options.clock;
    this.owner = options.owner ?? defaultLeaseOwner();
  }

  async tryAcquire(name: string, ttlMs: number): Promise<boolean> {
    const lease = await this.#repository.acquire({ name, owner: this.owner, ttlMs, ...this.#now() });
    return lease !== undefined;
  }

  renew(name: string, ttlMs: number): Promise<boolean> {
    return this.#repository.renew({ name, owner: this.owner, ttlMs, ...this.#now() });
  }

  #now(): { now?: number } {
    return this.#clock ? { now: this.#clock.now() } : {};
  }

  release(name: string): Promise<void> {
    return this.#repository.release(name, this.owner);
  }
}
