import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AGENT_NODE_FLAGS, agentCommand } from './agent-command.js';

describe('agentCommand', () => {
  let root: string;
  const bundle = () => join(root, 'packages/agent/dist/strata-agent.mjs');
  const source = () => join(root, 'packages/core/src/util.ts');
  const at = (file: string, seconds: number) => utimes(file, seconds, seconds);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-agent-cmd-'));
    for (const d of ['packages/agent/src', 'packages/api/src', 'packages/core/src', 'packages/agent/dist'])
      await mkdir(join(root, d), { recursive: true });
    await writeFile(source(), 'export {};\n');
    await writeFile(join(root, 'packages/agent/src/main.ts'), 'export {};\n');
    await at(join(root, 'packages/agent/src/main.ts'), 1_000);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('runs the sources through bin/strata.js when there is no bundle, and says why', () => {
    const c = agentCommand(root, '/usr/bin/node');
    assert.equal(c.source, 'sources');
    assert.deepEqual(c.args, [join(root, 'bin/strata.js'), 'agent']);
    assert.match(c.reason ?? '', /not built/);
  });

  it('runs the bundle when it is at least as new as every source it was built from', async () => {
    await writeFile(bundle(), '// bundle\n');
    await at(source(), 2_000);
    await at(bundle(), 3_000);
    const c = agentCommand(root, '/usr/bin/node');
    assert.deepEqual(c, { binary: '/usr/bin/node', args: [...AGENT_NODE_FLAGS, bundle()], source: 'bundle' });
  });

  it('never runs a stale bundle: a newer source file means the sources', async () => {
    await at(source(), 4_000);
    const c = agentCommand(root, '/usr/bin/node');
    assert.equal(c.source, 'sources');
    assert.match(c.reason ?? '', /older than its sources/);
  });

  it('ignores test files when judging staleness', async () => {
    await at(source(), 2_000);
    await writeFile(join(root, 'packages/core/src/util.test.ts'), 'export {};\n');
    await at(join(root, 'packages/core/src/util.test.ts'), 9_000);
    assert.equal(agentCommand(root).source, 'bundle');
  });
});
