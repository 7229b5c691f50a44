import { strict as assert } from 'node:assert';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configPath, readConfig, writeConfig } from './config.js';
import { tempDir } from './testing/run.js';

describe('config file', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  it('path: --config > STRATA_CONFIG > XDG_CONFIG_HOME > ~/.config', () => {
    assert.equal(configPath({ flag: '/f.json', env: { STRATA_CONFIG: '/e.json', HOME: '/h' } }), '/f.json');
    assert.equal(
      configPath({ env: { STRATA_CONFIG: '/e.json', XDG_CONFIG_HOME: '/x', HOME: '/h' } }),
      '/e.json',
    );
    assert.equal(configPath({ env: { XDG_CONFIG_HOME: '/x', HOME: '/h' } }), '/x/strata/config.json');
    assert.equal(configPath({ env: { HOME: '/h' } }), '/h/.config/strata/config.json');
  });

  it('writes owner-only (0600 file, 0700 directory) and reads back', async () => {
    const path = join(dir, 'nested', 'strata', 'config.json');
    await writeConfig(path, { server: 'http://s', apiKey: 'k', project: 'p' });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'nested', 'strata'))).mode & 0o777, 0o700);
    assert.deepEqual(await readConfig(path), { server: 'http://s', apiKey: 'k', project: 'p' });
  });

  it('tightens the mode of an existing, too-open file', async () => {
    const path = join(dir, 'open.json');
    await writeFile(path, '{}', { mode: 0o644 });
    await writeConfig(path, { server: 'http://s' });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  it('a missing file is an empty config; unknown and non-string fields are dropped', async () => {
    assert.deepEqual(await readConfig(join(dir, 'missing.json')), {});
    const path = join(dir, 'extra.json');
    await writeFile(path, JSON.stringify({ server: 'http://s', colour: 'red', project: 7 }));
    assert.deepEqual(await readConfig(path), { server: 'http://s' });
  });

  it('a broken file is an error naming it', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ not json');
    await assert.rejects(readConfig(path), new RegExp(`config file ${path} is not valid JSON`));
    await writeFile(path, '[]');
    await assert.rejects(readConfig(path), /must hold a JSON object/);
  });
});
