import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterStatus, Condition } from '@strata/api';
import { transitionEvents } from './cluster-events.js';

const cond = (type: string, status: Condition['status'], reason: string, message = ''): Condition => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-11-30T10:00:00Z',
  observedGeneration: 1,
});

describe('transitionEvents: one event per transition, none for a pass that changes nothing', () => {
  const rows: { name: string; before: ClusterStatus; after: ClusterStatus; expect: string[] }[] = [
    { name: 'nothing changed', before: { phase: 'Running' }, after: { phase: 'Running' }, expect: [] },
    {
      name: 'a new phase',
      before: { phase: 'Pending' },
      after: { phase: 'Provisioning' },
      expect: ['Normal Provisioning'],
    },
    {
      name: 'Failed names the failure',
      before: { phase: 'Running' },
      after: { phase: 'Failed', message: 'm', failure: { reason: 'InvalidSpec', message: 'm' } },
      expect: ['Warning InvalidSpec'],
    },
    {
      name: 'a condition turns into a problem',
      before: { conditions: [cond('InfrastructureReady', 'True', 'Provisioned')] },
      after: { conditions: [cond('InfrastructureReady', 'False', 'ProviderError', 'timeout')] },
      expect: ['Warning ProviderError'],
    },
    {
      name: 'the same problem again is no new event',
      before: { conditions: [cond('InfrastructureReady', 'False', 'ProviderError', 'a')] },
      after: { conditions: [cond('InfrastructureReady', 'False', 'ProviderError', 'b')] },
      expect: [],
    },
    {
      name: 'recovering from a problem',
      before: { conditions: [cond('InfrastructureReady', 'False', 'ProviderError')] },
      after: { conditions: [cond('InfrastructureReady', 'True', 'Provisioned')] },
      expect: ['Normal InfrastructureReady'],
    },
    {
      name: 'progress is status, not events',
      before: { conditions: [cond('InfrastructureReady', 'False', 'Provisioning')] },
      after: { conditions: [cond('InfrastructureReady', 'True', 'Provisioned')] },
      expect: [],
    },
    {
      name: 'the agent connects, disconnects, reconnects',
      before: { conditions: [cond('AgentConnected', 'False', 'WaitingForAgent')] },
      after: { conditions: [cond('AgentConnected', 'True', 'Connected')] },
      expect: ['Normal AgentConnected'],
    },
    {
      name: 'the agent goes silent',
      before: { conditions: [cond('AgentConnected', 'True', 'Connected')] },
      after: { conditions: [cond('AgentConnected', 'False', 'AgentDisconnected')] },
      expect: ['Warning AgentDisconnected'],
    },
    {
      name: 'a repave starts waiting, then starts',
      before: {},
      after: { pendingRepave: { id: 'r1', reason: 'OS', pools: ['cp'], approved: false, target: 'v/1' } },
      expect: ['Normal RepavePending'],
    },
    {
      name: 'an approved repave starts',
      before: { pendingRepave: { id: 'r1', reason: 'OS', pools: ['cp'], approved: false, target: 'v/1' } },
      after: { pendingRepave: { id: 'r1', reason: 'OS', pools: ['cp'], approved: true, target: 'v/1' } },
      expect: ['Normal RepaveStarted'],
    },
    {
      name: 'the same waiting repave is no new event',
      before: { pendingRepave: { id: 'r1', reason: 'OS', pools: ['cp'], approved: false, target: 'v/1' } },
      after: { pendingRepave: { id: 'r1', reason: 'OS', pools: ['cp'], approved: false, target: 'v/1' } },
      expect: [],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const events = transitionEvents(row.before, row.after, 'c');
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.reason}`),
        row.expect,
      );
    });
  }
});
