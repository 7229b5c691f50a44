import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findViolations } from './check-dependency-rules.js';

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-deps-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const pkg = (deps: Record<string, string> = {}) => JSON.stringify({ dependencies: deps });

describe('dependency rules', () => {
  it('the real workspace follows them', () => {
    assert.deepEqual(findViolations(new URL('..', import.meta.url).pathname), []);
  });

  const cases = [
    {
      name: 'cli importing the server',
      file: 'packages/cli/src/x.ts',
      text: "import { buildApp } from '@strata/server';",
      expect: /cli may only use api, client/,
    },
    {
      name: 'core importing the store',
      file: 'packages/core/src/x.ts',
      text: "import type { X } from '@strata/store';",
      expect: /core may only use api/,
    },
    {
      name: 'a deep import',
      file: 'packages/server/src/x.ts',
      text: "import { x } from '@strata/core/src/y.js';",
      expect: /deep import/,
    },
    {
      name: 'a relative import into another package',
      file: 'packages/cli/src/x.ts',
      text: "import { x } from '../../server/src/app.js';",
      expect: /leaves the package/,
    },
  ];
  for (const c of cases) {
    it(`catches ${c.name}`, () => {
      const root = workspace({
        'packages/cli/package.json': pkg(),
        'packages/core/package.json': pkg(),
        'packages/server/package.json': pkg(),
        [c.file]: c.text,
      });
      try {
        const problems = findViolations(root);
        assert.ok(
          problems.some((p) => c.expect.test(p)),
          JSON.stringify(problems),
        );
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('catches a forbidden dependency in package.json', () => {
    const root = workspace({
      'packages/web/package.json': pkg({ '@strata/store': '0.1.0' }),
      'packages/web/src/a.ts': '',
    });
    try {
      assert.ok(findViolations(root).some((p) => /depends on @strata\/store/.test(p)));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
