import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  cannedList,
  cannedObject,
  problemReply,
  sseEvent,
  startCannedServer,
  startEventStream,
  type CannedServer,
} from '@strata/client/testing';
import { parse } from 'yaml';
import { run, tempDir } from '../testing/run.js';

const project = (name: string, displayName?: string) =>
  cannedObject({ kind: 'Project', name, spec: displayName ? { displayName } : {} });
const macro = (name: string, projectName?: string) =>
  cannedObject({
    kind: 'Macro',
    name,
    ...(projectName ? { project: projectName } : {}),
    spec: { value: 'v' },
  });

describe('strata get', () => {
  let server: CannedServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    server = await startCannedServer({
      'GET /v1/projects': (req) => {
        if (req.query.get('watch') === 'true') return undefined;
        return req.query.get('continue') === 'p2'
          ? { body: cannedList([project('retail', 'Retail')], { resourceVersion: '31' }) }
          : { body: cannedList([project('dev')], { continue: 'p2', resourceVersion: '30' }) };
      },
      'GET /v1/projects/dev': { body: project('dev') },
      'GET /v1/macros': { body: cannedList([macro('tenant-wide')]) },
      'GET /v1/projects/dev/macros': { body: cannedList([macro('tenant-wide'), macro('dev-only', 'dev')]) },
      'GET /v1/projects/retail/macros': problemReply('STRATA_FORBIDDEN', 'no access to project retail'),
      'GET /v1/roles': { body: cannedList([]) },
    });
  });
  beforeEach(() => server.requests.splice(0));
  after(async () => {
    await server.close();
    await cleanup();
  });
  const env = (extra: Record<string, string> = {}) => ({ STRATA_SERVER: server.url, ...extra });

  it('lists every page as a table', async () => {
    const r = await run(['get', 'projects'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'NAME     DISPLAY NAME   AGE\ndev                     60m\nretail   Retail         60m\n',
    );
    assert.deepEqual(
      server.requests.map((q) => q.query.get('continue')),
      [null, 'p2'],
    );
  });

  it('-o json prints a List; -o yaml the same as YAML; -o name one line each', async () => {
    const json = JSON.parse((await run(['get', 'projects', '-o', 'json'], { env: env() })).stdout) as {
      kind: string;
      items: unknown[];
      resourceVersion: string;
    };
    assert.deepEqual([json.kind, json.items.length, json.resourceVersion], ['List', 2, '30']);
    const yaml = parse((await run(['get', 'projects', '-o', 'yaml'], { env: env() })).stdout) as {
      kind: string;
      items: unknown[];
    };
    assert.deepEqual([yaml.kind, yaml.items.length], ['List', 2]);
    assert.equal(
      (await run(['get', 'projects', '-o', 'name'], { env: env() })).stdout,
      'project/dev\nproject/retail\n',
    );
  });

  it('get KIND NAME -o json prints the one object', async () => {
    const r = await run(['get', 'project', 'dev', '-o', 'json'], { env: env() });
    assert.deepEqual(JSON.parse(r.stdout), project('dev'));
  });

  it('passes the label selector', async () => {
    await run(['get', 'projects', '-l', 'env=prod,tier in (a,b)'], { env: env() });
    assert.equal(server.requests[0]!.query.get('labelSelector'), 'env=prod,tier in (a,b)');
  });

  it('says so on stderr when nothing is found', async () => {
    const r = await run(['get', 'roles'], { env: env() });
    assert.deepEqual(r, { code: 0, stdout: '', stderr: 'No roles found.\n' });
  });

  it('tenant-or-project kinds: --project lists the project (PROJECT column); a config default does not apply', async () => {
    const r = await run(['get', 'macros', '-p', 'dev'], { env: env() });
    assert.equal(
      r.stdout,
      'NAME          PROJECT   AGE\ntenant-wide             60m\ndev-only      dev       60m\n',
    );
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ server: server.url, project: 'dev' }));
    server.requests.splice(0);
    await run(['get', 'macros', '--config', config]);
    assert.equal(server.requests[0]!.path, '/v1/macros');
    server.requests.splice(0);
    await run(['get', 'macros', '--config', config], { env: { STRATA_PROJECT: 'dev' } });
    assert.equal(server.requests[0]!.path, '/v1/projects/dev/macros');
  });

  it('-A lists across projects, warning about projects it cannot read', async () => {
    const r = await run(['get', 'macros', '-A'], { env: env() });
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      'NAME          PROJECT   AGE\ntenant-wide             60m\ndev-only      dev       60m\n',
    );
    assert.equal(r.stderr, 'warning: project retail: no access to project retail\n');
    assert.equal(
      (await run(['get', 'projects', '-A'], { env: env() })).code,
      2,
      'Project does not live in projects',
    );
  });

  it('--watch prints the list, then a row per change, until interrupted', async () => {
    const controller = new AbortController();
    const watchServer = await startCannedServer({
      'GET /v1/projects': (req, res) => {
        if (req.query.get('watch') !== 'true')
          return { body: cannedList([project('dev')], { resourceVersion: '30' }) };
        startEventStream(res);
        res.write(sseEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '31' } } }));
        res.write(sseEvent({ type: 'ADDED', object: project('retail', 'Retail') }));
        return undefined;
      },
    });
    try {
      const r = await run(['get', 'projects', '--watch'], {
        env: { STRATA_SERVER: watchServer.url },
        signal: controller.signal,
        onStdout: (out) => out.includes('retail') && controller.abort(),
      });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.deepEqual(
        lines.map((l) => l.split(/\s+/)),
        [
          ['NAME', 'DISPLAY', 'NAME', 'AGE'],
          ['dev', '60m'],
          ['retail', 'Retail', '60m'],
        ],
      );
      assert.equal(
        lines[2]!.indexOf('Retail'),
        lines[0]!.indexOf('DISPLAY'),
        'watch rows line up with the header',
      );
      assert.equal(watchServer.requests.at(-1)!.query.get('resourceVersion'), '30');
    } finally {
      await watchServer.close();
    }
  });
});
