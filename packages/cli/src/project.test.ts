import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MacroKind, ProjectKind, TenantKind, type KindDefinition } from '@strata/api';
import { UsageError } from './exit-codes.js';
import { projectFor } from './project.js';
import type { Settings } from './settings.js';

const Widget: KindDefinition = { ...ProjectKind, kind: 'Widget', plural: 'widgets', scope: 'project' };

describe('projectFor', () => {
  const rows: {
    name: string;
    kind: KindDefinition;
    settings: Settings;
    own?: string;
    expect: string | undefined;
  }[] = [
    {
      name: 'tenant kinds ignore projects',
      kind: ProjectKind,
      settings: { project: 'a', projectSource: 'flag' },
      expect: undefined,
    },
    {
      name: 'system kinds ignore projects',
      kind: TenantKind,
      settings: { project: 'a', projectSource: 'flag' },
      expect: undefined,
    },
    {
      name: 'project kinds use the default from the config',
      kind: Widget,
      settings: { project: 'a', projectSource: 'config' },
      expect: 'a',
    },
    {
      name: "an object's own project wins",
      kind: Widget,
      settings: { project: 'a', projectSource: 'config' },
      own: 'b',
      expect: 'b',
    },
    {
      name: 'tenant-or-project kinds use --project',
      kind: MacroKind,
      settings: { project: 'a', projectSource: 'flag' },
      expect: 'a',
    },
    {
      name: 'tenant-or-project kinds use STRATA_PROJECT',
      kind: MacroKind,
      settings: { project: 'a', projectSource: 'env' },
      expect: 'a',
    },
    {
      name: 'tenant-or-project kinds stay at tenant scope with only a config default',
      kind: MacroKind,
      settings: { project: 'a', projectSource: 'config' },
      expect: undefined,
    },
  ];
  for (const row of rows)
    it(row.name, () => assert.equal(projectFor(row.kind, row.settings, row.own), row.expect));

  it('project kinds without any project are a usage error', () => {
    assert.throws(
      () => projectFor(Widget, {}),
      (err: Error) =>
        err instanceof UsageError && /Widget is project-scoped: pass --project/.test(err.message),
    );
  });
});
