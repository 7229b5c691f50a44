import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions } from './versions.js';

describe('compareVersions', () => {
  const rows: { name: string; given: [string, string]; expect: -1 | 0 | 1 }[] = [
    { name: 'numeric parts compare as numbers', given: ['1.10.0', '1.9.0'], expect: 1 },
    { name: 'equal versions', given: ['1.2.3', '1.2.3'], expect: 0 },
    { name: 'a pre-release sorts before its release', given: ['1.2.0-rc.1', '1.2.0'], expect: -1 },
    { name: 'pre-release identifiers compare numerically', given: ['1.2.0-rc.10', '1.2.0-rc.9'], expect: 1 },
    { name: 'a leading v is allowed', given: ['v1.33.4', '1.33.3'], expect: 1 },
    { name: 'build metadata does not outrank the version', given: ['1.33.4+k3s1', '1.33.5'], expect: -1 },
    { name: 'build metadata breaks a tie', given: ['1.33.4+k3s2', '1.33.4+k3s1'], expect: 1 },
    {
      name: 'a release without build sorts before one with build',
      given: ['1.33.4', '1.33.4+k3s1'],
      expect: -1,
    },
    { name: 'text that is not a version sorts first', given: ['latest', '0.0.1'], expect: -1 },
    { name: 'text compares naturally among itself', given: ['draft-10', 'draft-9'], expect: 1 },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.equal(Math.sign(compareVersions(...row.given)), row.expect);
      assert.equal(Math.sign(compareVersions(row.given[1], row.given[0])), -row.expect || 0);
    });
  }

  it('sorts a list', () => {
    const sorted = ['1.10.0', 'v1.2.0', '1.2.0-beta.2', '1.9.1', '1.2.0-beta.10'].sort(compareVersions);
    assert.deepEqual(sorted, ['1.2.0-beta.2', '1.2.0-beta.10', 'v1.2.0', '1.9.1', '1.10.0']);
  });
});
