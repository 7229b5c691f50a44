// The Node version is named in several places (docs/dependencies.md, "To move to another Node version"); they move
// together, and the tests run on the Node the scripts install.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import semver from 'semver';

const root = new URL('..', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const nvmrc = read('.nvmrc').trim();
const major = semver.major(nvmrc);

describe('Node version', () => {
  it('.nvmrc names an exact version that package.json engines accepts', () => {
    assert.ok(semver.valid(nvmrc), `.nvmrc: ${nvmrc}`);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    assert.ok(semver.satisfies(nvmrc, engines), `${nvmrc} vs engines ${engines}`);
    assert.equal(semver.minVersion(engines)?.major, major, 'engines names the same major');
  });

  it('@types/node and the agent bundle target the same major', () => {
    const typesNode = (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> })
      .devDependencies['@types/node'];
    assert.equal(semver.major(typesNode ?? ''), major);
    assert.match(read('scripts/bundle-agent.ts'), new RegExp(`target: 'node${major}'`));
  });

  it('the agent image is built on the same Node', () => {
    assert.match(
      read('packages/agent/Dockerfile'),
      new RegExp(`^ARG NODE_VERSION=${nvmrc.replaceAll('.', '\\.')}$`, 'm'),
    );
  });

  it('scripts/lib.sh pins a sha512 for Node and for npm', () => {
    const lib = read('scripts/lib.sh');
    assert.match(lib, /^NODE_INTEGRITY=sha512-[A-Za-z0-9+/]{86}==$/m);
    assert.match(lib, /^NPM_INTEGRITY=sha512-[A-Za-z0-9+/]{86}==$/m);
    assert.match(lib, /^NPM_VERSION=\d+\.\d+\.\d+$/m);
  });

  it('this process runs on that version (npm test puts it first on PATH)', () => {
    assert.equal(process.version, `v${nvmrc}`);
  });
});
