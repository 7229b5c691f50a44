// The strata CLI against a real server process (SQLite): what a user sees in a terminal.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCliSession } from './support/cli-session.js';
import { strata } from './support/run-strata.js';

describe('strata CLI against a real server', () => {
  const session = useCliSession('strata-cli-e2e');

  it('applies a directory: created, then unchanged, then configured after an edit', async () => {
    const docs = join(session.dir, 'docs');
    await mkdir(docs);
    const file = join(docs, 'objects.yaml');
    const yaml = (region: string) => `apiVersion: strata.dev/v1alpha1
kind: Project
metadata: {name: retail}
spec: {displayName: Retail}
---
apiVersion: strata.dev/v1alpha1
kind: Macro
metadata: {name: region, project: retail, labels: {env: prod}}
spec: {value: ${region}}
`;
    await writeFile(file, yaml('eu-west-1'));
    const first = await strata(['apply', '-f', docs], session.env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /project\/retail created/);
    assert.match(first.stdout, /macro\/region created/);
    const again = await strata(['apply', '-f', docs], session.env);
    assert.match(again.stdout, /project\/retail unchanged/);
    assert.match(again.stdout, /macro\/region unchanged/);
    await writeFile(file, yaml('eu-central-1'));
    const edited = await strata(['apply', '-f', docs], session.env);
    assert.match(edited.stdout, /macro\/region configured/);

    const one = await strata(['get', 'macro', 'region', '-p', 'retail', '-o', 'json'], session.env);
    assert.equal(one.code, 0, one.stderr);
    const obj = JSON.parse(one.stdout) as {
      kind: string;
      spec: { value: string };
      metadata: { generation: number };
    };
    assert.equal(obj.kind, 'Macro');
    assert.equal(obj.spec.value, 'eu-central-1');
    assert.equal(obj.metadata.generation, 2);
    const table = await strata(['get', 'macros', '-p', 'retail', '-l', 'env=prod'], session.env);
    assert.match(table.stdout, /NAME/);
    assert.match(table.stdout, /region/);
  });

  it('the examples in docs/examples apply cleanly, twice', async () => {
    const examples = new URL('../../docs/examples/', import.meta.url).pathname;
    const first = await strata(['apply', '-f', examples], session.env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /clusterprofile\/base@1\.0\.0 created/);
    const again = await strata(['apply', '-f', examples], session.env);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /created|configured/);
  });

  it('a bad document in a multi-document file sends nothing', async () => {
    const file = join(session.dir, 'bad.yaml');
    await writeFile(
      file,
      `kind: Macro\nmetadata: {name: fine}\nspec: {value: x}\n---\nkind: Macro\nmetadata: {name: [oops\n`,
    );
    const res = await strata(['apply', '-f', file], session.env);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /bad\.yaml/);
    const get = await strata(['get', 'macro', 'fine'], session.env);
    assert.notEqual(get.code, 0, 'the valid document was not applied either');
  });

  it('prints the server’s validation issues with their paths and exits 1', async () => {
    const file = join(session.dir, 'invalid.yaml');
    await writeFile(file, `kind: Macro\nmetadata: {name: Bad_Name}\nspec: {value: x, colour: red}\n`);
    const res = await strata(['apply', '-f', file], session.env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /\/metadata\/name: must be a DNS-1123 label/);
    assert.match(res.stderr, /\/spec\/colour: unknown field "colour"/);
    assert.match(res.stderr, /STRATA_VALIDATION_FAILED/);
  });

  it('describe, wait for deletion, and exit codes for missing objects and unreachable servers', async () => {
    const d = await strata(['describe', 'project', 'retail'], session.env);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /retail/);
    const waiting = strata(
      ['wait', 'macro', 'region', '-p', 'retail', '--for=delete', '--timeout', '20s'],
      session.env,
    );
    await new Promise((r) => setTimeout(r, 300));
    const del = await strata(['delete', 'macro', 'region', '-p', 'retail'], session.env);
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await waiting).code, 0);
    const missing = await strata(['get', 'macro', 'region', '-p', 'retail'], session.env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /STRATA_NOT_FOUND/);
    const unreachable = await strata(['get', 'projects'], {
      ...session.env,
      STRATA_SERVER: 'http://127.0.0.1:9',
    });
    assert.equal(unreachable.code, 3);
  });

  it('signs in with a password and uses the saved session', async () => {
    const password = (await readFile(join(session.server.dataDir, 'admin-password'), 'utf8')).trim();
    const noKey = { STRATA_CONFIG: session.env.STRATA_CONFIG! };
    const login = await strata(
      ['login', session.server.url, '--username', 'admin', '--password-stdin'],
      noKey,
      `${password}\n`,
    );
    assert.equal(login.code, 0, login.stderr);
    const projects = await strata(['get', 'projects', '-o', 'name'], noKey);
    assert.equal(projects.code, 0, projects.stderr);
    assert.match(projects.stdout, /project\/default/);
  });
});
