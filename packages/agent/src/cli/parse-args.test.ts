import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAgentArgs, parseDuration, parseInterval } from './parse-args.js';

const base = ['--server', 'http://127.0.0.1:8080', '--token-file', '/tmp/t'];

describe('parseAgentArgs', () => {
  it('applies defaults', () => {
    assert.deepEqual(parseAgentArgs(base), {
      help: false,
      options: {
        serverUrl: 'http://127.0.0.1:8080',
        tokenFile: '/tmp/t',
        namespace: 'strata-system',
        mode: 'full',
        listen: '127.0.0.1:0',
        layerTimeoutMs: 300_000,
        discoveryIntervalMs: 600_000,
        logLevel: 'info',
      },
    });
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const r = parseAgentArgs([
      ...base,
      '--kubeconfig=/k',
      '--helm',
      '/bin/helm',
      '--namespace',
      'ops',
      '--mode=read-only',
      '--listen',
      '0.0.0.0:9464',
      '--layer-timeout',
      '90s',
      '--discovery-interval',
      '1h',
      '--log-level=debug',
    ]);
    assert.equal(r.help, false);
    if (r.help) return;
    assert.deepEqual(r.options, {
      serverUrl: 'http://127.0.0.1:8080',
      tokenFile: '/tmp/t',
      kubeconfigPath: '/k',
      helmPath: '/bin/helm',
      namespace: 'ops',
      mode: 'read-only',
      listen: '0.0.0.0:9464',
      layerTimeoutMs: 90_000,
      discoveryIntervalMs: 3_600_000,
      logLevel: 'debug',
    });
  });

  const bad: { name: string; args: string[]; error: RegExp }[] = [
    { name: 'missing server', args: ['--token-file', 'f'], error: /--server is required/ },
    { name: 'missing token file', args: ['--server', 'http://x'], error: /--token-file is required/ },
    {
      name: 'a token on the command line is not a flag',
      args: [...base, '--token', 'sat.x'],
      error: /unknown flag --token/,
    },
    { name: 'bad mode', args: [...base, '--mode', 'admin'], error: /--mode must be one of full, read-only/ },
    { name: 'missing value', args: [...base, '--helm'], error: /--helm needs a value/ },
    { name: 'repeated flag', args: [...base, '--mode', 'full', '--mode', 'full'], error: /given twice/ },
    { name: 'not a URL', args: ['--server', 'nope', '--token-file', 'f'], error: /not a URL/ },
    { name: 'bad namespace', args: [...base, '--namespace', 'Bad_NS'], error: /not a valid namespace/ },
    { name: 'positional', args: [...base, 'extra'], error: /unexpected argument/ },
    {
      name: 'bad discovery interval',
      args: [...base, '--discovery-interval', 'often'],
      error: /invalid duration/,
    },
  ];
  for (const row of bad)
    it(`refuses: ${row.name}`, () => assert.throws(() => parseAgentArgs(row.args), row.error));

  it('asks for help', () => assert.deepEqual(parseAgentArgs(['--help']), { help: true }));
});

describe('parseDuration', () => {
  it('reads units', () => {
    assert.equal(parseDuration('300s'), 300_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1500ms'), 1500);
    assert.equal(parseDuration('20'), 20_000);
  });
  it('refuses nonsense and sub-second timeouts', () => {
    assert.throws(() => parseDuration('soon'), /invalid duration/);
    assert.throws(() => parseDuration('10ms'), /shorter than a second/);
  });
});

describe('parseInterval', () => {
  it('reads 0 (with or without a unit) as off, anything else as a duration', () => {
    for (const off of ['0', '0s', '0m', '00', '0.0h']) assert.equal(parseInterval(off), 0, off);
    assert.equal(parseInterval('10m'), 600_000);
    assert.equal(parseInterval('30s'), 30_000);
    assert.throws(() => parseInterval('500ms'), /shorter than a second/);
  });
});
