import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { CliConfig } from './config.js';
import { resolveSettings, type GlobalOptions, type Settings } from './settings.js';

describe('resolveSettings: flags > environment > config file', () => {
  const config: CliConfig = {
    server: 'http://config',
    apiKey: 'config-key',
    token: 'config-token',
    project: 'config-project',
  };
  const env = { STRATA_SERVER: 'http://env', STRATA_API_KEY: 'env-key', STRATA_PROJECT: 'env-project' };
  const flags: GlobalOptions = { server: 'http://flag', apiKey: 'flag-key', project: 'flag-project' };
  const rows: {
    name: string;
    flags: GlobalOptions;
    env: Record<string, string>;
    config: CliConfig;
    expect: Settings;
  }[] = [
    {
      name: 'flags win',
      flags,
      env,
      config,
      expect: { server: 'http://flag', apiKey: 'flag-key', project: 'flag-project', projectSource: 'flag' },
    },
    {
      name: 'env beats config',
      flags: {},
      env,
      config,
      expect: { server: 'http://env', apiKey: 'env-key', project: 'env-project', projectSource: 'env' },
    },
    {
      name: 'config alone',
      flags: {},
      env: {},
      config,
      expect: {
        server: 'http://config',
        apiKey: 'config-key',
        project: 'config-project',
        projectSource: 'config',
      },
    },
    {
      name: 'a login token when there is no API key',
      flags: {},
      env: {},
      config: { server: 'http://c', token: 't' },
      expect: { server: 'http://c', apiKey: 't', project: undefined, projectSource: undefined },
    },
    {
      name: 'empty env values are ignored',
      flags: {},
      env: { STRATA_SERVER: '' },
      config: { server: 'http://c' },
      expect: { server: 'http://c', apiKey: undefined, project: undefined, projectSource: undefined },
    },
    {
      name: 'mixed sources',
      flags: { project: 'p' },
      env: { STRATA_API_KEY: 'k' },
      config: { server: 'http://c' },
      expect: { server: 'http://c', apiKey: 'k', project: 'p', projectSource: 'flag' },
    },
  ];
  for (const row of rows)
    it(row.name, () => assert.deepEqual(resolveSettings(row.flags, row.env, row.config), row.expect));

  it('key files count at their level: --api-key-file like --api-key, STRATA_API_KEY_FILE like STRATA_API_KEY', () => {
    const key = (flags: GlobalOptions, e: Record<string, string>, files: { flag?: string; env?: string }) =>
      resolveSettings(flags, e, { apiKey: 'config-key' }, files).apiKey;
    assert.equal(key({}, { STRATA_API_KEY: 'env-key' }, { flag: 'flag-file' }), 'flag-file');
    assert.equal(key({ apiKey: 'flag-key' }, {}, { env: 'env-file' }), 'flag-key');
    assert.equal(key({}, { STRATA_API_KEY: 'env-key' }, { env: 'env-file' }), 'env-key');
    assert.equal(key({}, {}, { env: 'env-file' }), 'env-file');
    assert.equal(key({}, {}, {}), 'config-key');
  });
});
