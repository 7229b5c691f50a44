import { strict as assert } from 'node:assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ResourceInput } from '@strata/api';
import { cannedObject, problemReply, startCannedServer, type CannedServer } from '@strata/client/testing';
import { run, tempDir } from '../testing/run.js';

describe('strata apply', () => {
  let server: CannedServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  const existing = cannedObject({
    kind: 'Project',
    name: 'retail',
    generation: 1,
    spec: { displayName: 'Retail' },
  });
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    server = await startCannedServer({
      'GET /v1/projects/retail': { body: existing },
      'PUT /v1/projects/retail': { body: { ...existing, metadata: { ...existing.metadata, generation: 2 } } },
      'POST /v1/projects': (req) => ({
        status: 201,
        body: { ...existing, ...(JSON.parse(req.body) as object) },
      }),
      'POST /v1/macros': problemReply('STRATA_VALIDATION_FAILED', 'The object is not valid', [
        { path: '/spec/value', message: 'required' },
      ]),
      'POST /v1/projects/retail/macros': (req) => ({
        status: 201,
        body: cannedObject({
          kind: 'Macro',
          name: (JSON.parse(req.body) as ResourceInput).metadata.name,
          project: 'retail',
        }),
      }),
    });
    await mkdir(join(dir, 'deploy', 'nested'), { recursive: true });
    await writeFile(
      join(dir, 'deploy', 'b.yaml'),
      'kind: Project\nmetadata: {name: retail}\nspec: {displayName: Retail}\n',
    );
    await writeFile(
      join(dir, 'deploy', 'nested', 'a.yaml'),
      'kind: Project\nmetadata: {name: retail}\nspec: {displayName: Retail EU}\n---\nkind: Project\nmetadata: {name: fresh}\nspec: {}\n',
    );
  });
  beforeEach(() => server.requests.splice(0));
  after(async () => {
    await server.close();
    await cleanup();
  });
  const env = () => ({ STRATA_SERVER: server.url });
  const calls = () => server.requests.map((r) => `${r.method} ${r.path}`);

  it('applies a directory recursively in sorted order and prints what changed', async () => {
    const r = await run(['apply', '-f', join(dir, 'deploy')], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    // deploy/b.yaml sorts before deploy/nested/a.yaml
    assert.equal(r.stdout, 'project/retail unchanged\nproject/retail configured\nproject/fresh created\n');
    assert.deepEqual(calls(), [
      'GET /v1/projects/retail',
      'GET /v1/projects/retail',
      'PUT /v1/projects/retail',
      'GET /v1/projects/fresh',
      'POST /v1/projects',
    ]);
  });

  it('--dry-run=server sends dryRun=All with every write and says so', async () => {
    const r = await run(['apply', '-f', join(dir, 'deploy'), '--dry-run=server'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'project/retail unchanged (server dry run)\nproject/retail configured (server dry run)\nproject/fresh created (server dry run)\n',
    );
    const writes = server.requests.filter((q) => q.method !== 'GET');
    assert.deepEqual(
      writes.map((q) => `${q.method} ${q.path}?dryRun=${q.query.get('dryRun')}`),
      ['PUT /v1/projects/retail?dryRun=All', 'POST /v1/projects?dryRun=All'],
    );
  });

  it('refuses --dry-run=client (there is no client-side dry run) before sending anything', async () => {
    const r = await run(['apply', '-f', join(dir, 'deploy'), '--dry-run=client'], { env: env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--dry-run must be server or none/);
    assert.deepEqual(calls(), []);
  });

  it('reads stdin; containers (Project) are applied before what lives in them', async () => {
    const stdin =
      'kind: Macro\nmetadata: {name: m1, project: retail}\nspec: {value: x}\n---\nkind: Project\nmetadata: {name: fresh}\n';
    const r = await run(['apply', '-f', '-'], { env: env(), stdin });
    assert.equal(r.stdout, 'project/fresh created\nmacro/m1 created\n');
    assert.deepEqual(
      calls().filter((c) => c.startsWith('POST')),
      ['POST /v1/projects', 'POST /v1/projects/retail/macros'],
    );
  });

  it('sends nothing when any document is invalid, naming file and document', async () => {
    const file = join(dir, 'mixed.yaml');
    await writeFile(file, 'kind: Project\nmetadata: {name: ok}\n---\nkind: Project\nmetadata: {}\n');
    const r = await run(['apply', '-f', file], { env: env() });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `error: 1 document is not valid; nothing was applied\n  ${file}#2/metadata/name: required\n`,
    );
    assert.equal(server.requests.length, 0);
  });

  it('refuses objects whose project contradicts --project, before sending anything', async () => {
    const r = await run(['apply', '-f', '-', '-p', 'other'], {
      env: env(),
      stdin: 'kind: Macro\nmetadata: {name: m, project: retail}\nspec: {value: x}\n',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /<stdin>#1\/metadata\/project: is "retail" but --project is "other"/);
    assert.equal(server.requests.length, 0);
  });

  it('uses --project for objects without one', async () => {
    const r = await run(['apply', '-f', '-', '-p', 'retail'], {
      env: env(),
      stdin: 'kind: Macro\nmetadata: {name: m2}\nspec: {value: x}\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(calls().includes('POST /v1/projects/retail/macros'));
  });

  it('continues after a server error, reports it with the document and exits 1', async () => {
    const stdin =
      'kind: Macro\nmetadata: {name: bad}\nspec: {}\n---\nkind: Project\nmetadata: {name: fresh}\n';
    const r = await run(['apply', '-f', '-'], { env: env(), stdin });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'project/fresh created\n');
    assert.equal(
      r.stderr,
      'error: macro/bad (<stdin>#1): The object is not valid\n  /spec/value: required\ncode: STRATA_VALIDATION_FAILED\n',
    );
  });
});
