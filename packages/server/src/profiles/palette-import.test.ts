import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from '../test/harness.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/palette/', import.meta.url));

/** A fixture pack directory as a request body sends it (charts base64). */
function packFiles(dir: string): Record<string, string | { base64: string }> {
  const root = join(FIXTURES, 'packs', dir);
  const files: Record<string, string | { base64: string }> = {};
  const walk = (prefix: string): void => {
    for (const entry of readdirSync(join(root, prefix))) {
      const path = prefix ? `${prefix}/${entry}` : entry;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (path.endsWith('.tgz'))
        files[path] = { base64: readFileSync(join(root, path)).toString('base64') };
      else files[path] = readFileSync(join(root, path), 'utf8');
    }
  };
  walk('');
  return files;
}
const profileText = (file: string) => readFileSync(join(FIXTURES, 'profiles', file), 'utf8');
type Note = { path: string; action: string; message: string };

for (const backend of await testBackends()) {
  describe(`Palette import through the API on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
    });
    after(async () => s?.close());
    const importPack = (dir: string, extra: Record<string, unknown> = {}, key?: string) =>
      s.call({
        method: 'POST',
        url: '/v1/packs/import',
        ...(key ? { key } : {}),
        body: { from: 'palette', source: dir, files: packFiles(dir), ...extra },
      });
    const profiles = '/v1/projects/default/clusterprofiles';

    it('a dry run reports the conversion and stores nothing', async () => {
      const res = await importPack('nginx-ingress-chart', { dryRun: true });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.action, 'convertible');
      assert.equal(res.body.name, 'nginx');
      const report = res.body.report as Note[];
      assert.ok(report.some((n) => n.action === 'dropped' && n.path === '/pack.json/ownerTeam'));
      assert.match(
        String(
          (res.body.object as { spec: { bundledChart: { archive: string } } }).spec.bundledChart.archive,
        ),
        /base64 characters/,
      );
      assert.equal((await s.call({ method: 'GET', url: '/v1/packs/nginx' })).status, 404);
    });

    it('imports packs (created, then unchanged); a pack that cannot be converted is a 422 naming each problem', async () => {
      const created = await importPack('nginx-ingress-chart');
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.action, 'created');
      assert.ok((created.body.report as Note[]).length > 10);
      const again = await importPack('nginx-ingress-chart');
      assert.equal(again.body.action, 'unchanged');
      await expectOk(importPack('hello-manifests'));
      const pack = await expectOk(s.call({ method: 'GET', url: '/v1/packs/nginx/versions/1.9.4' }));
      assert.equal((pack.body.spec as { type: string }).type, 'helm');

      const kernel = await s.call({
        method: 'POST',
        url: '/v1/packs/import',
        body: {
          from: 'palette',
          files: { 'pack.json': JSON.stringify({ name: 'rt-kernel', version: '6.1.0', layer: 'kernel' }) },
        },
      });
      assert.equal(kernel.status, 422, kernel.text);
      assert.equal(kernel.body.code, 'STRATA_IMPORT_UNMAPPED');
      assert.deepEqual(
        (kernel.body.issues as { path: string }[]).map((i) => i.path),
        ['/pack.json/layer'],
      );
      assert.equal((await s.call({ method: 'GET', url: '/v1/packs/rt-kernel' })).status, 404);
    });

    it('a profile dry run shows the report and every validation problem at once', async () => {
      const res = await s.call({
        method: 'POST',
        url: `${profiles}/import`,
        body: { from: 'palette', text: profileText('prod-aws.json'), dryRun: true },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.format, 'json');
      const [item] = res.body.items as { action: string; issues: { path: string; code: string }[] }[];
      assert.equal(item?.action, 'invalid');
      const missing = item.issues.filter((i) => i.code === 'STRATA_PACK_NOT_FOUND').map((i) => i.path);
      assert.ok(missing.length >= 3, JSON.stringify(item.issues));
      const real = await s.call({
        method: 'POST',
        url: `${profiles}/import`,
        body: { from: 'palette', text: profileText('prod-aws.json') },
      });
      assert.equal(real.status, 422);
      assert.equal(real.body.code, 'STRATA_PROFILE_INVALID');
      assert.equal((await s.call({ method: 'GET', url: `${profiles}/prod-aws` })).status, 404);
    });

    it('imports a Palette profile over imported and built-in packs as a draft, which publishes and resolves', async () => {
      for (const [name, value] of [
        ['base-domain', 'clusters.example.test'],
        ['team-name', 'platform'],
      ])
        await expectOk(
          s.call({ method: 'POST', url: '/v1/macros', body: { metadata: { name }, spec: { value } } }),
        );
      const res = await s.call({
        method: 'POST',
        url: `${profiles}/import`,
        body: { from: 'palette', text: profileText('sandbox-full.yaml') },
      });
      assert.equal(res.status, 201, res.text);
      const [item] = res.body.items as { action: string; object: { status: { state: string } } }[];
      assert.equal(item?.action, 'created');
      assert.equal(item?.object.status.state, 'Draft');
      const again = await s.call({
        method: 'POST',
        url: `${profiles}/import`,
        body: { from: 'palette', text: profileText('sandbox-full.yaml') },
      });
      assert.equal(again.status, 409, again.text);
      assert.equal(again.body.code, 'STRATA_ALREADY_EXISTS');
      assert.deepEqual(
        (again.body.issues as { path: string }[]).map((i) => i.path),
        ['/metadata/name'],
      );
      const version = `${profiles}/sandbox-full/versions/1.0.0`;
      const published = await expectOk(s.call({ method: 'POST', url: `${version}/publish` }));
      assert.equal((published.body.status as { state: string }).state, 'Published');
      const resolved = await expectOk(
        s.call({
          method: 'POST',
          url: `${version}/resolve`,
          body: {
            variables: { ingressReplicas: 3 },
            system: {
              cluster: { name: 'shop-1', uid: '6f1c2d7e-0d1b-4c55-9a57-3c1f5e0b9a01' },
              provider: 'sandbox',
              region: 'local',
            },
          },
        }),
      );
      const layers = (
        resolved.body as unknown as {
          layers: { name: string; values?: Record<string, unknown> }[];
        }
      ).layers;
      const nginx = layers.find((l) => l.name === 'nginx');
      assert.deepEqual(nginx?.values?.controller, {
        replicaCount: 3,
        service: { type: 'NodePort' },
        config: { 'log-format-upstream': 'shop-1 $remote_addr' },
        extraArgs: {},
        podAnnotations: { owner: 'platform' },
      });
      assert.deepEqual(layers.find((l) => l.name === 'sandbox-cni')?.values?.podCIDR, '10.244.0.0/16');
    });

    it('converts a large profile export off the event loop (in a worker) with the same result', async () => {
      const padding = Array.from({ length: 6000 }, (_, i) => `# note ${i}: ${'x'.repeat(40)}`).join('\n');
      const text = `name: big\ntype: add-on\npacks:\n  - name: notes\n    type: manifest\n    layer: addon\n    manifests:\n      - name: notes\n        content: |\n${padding.replace(/^/gm, '          ')}\n          apiVersion: v1\n          kind: ConfigMap\n          metadata: {name: notes, namespace: default}\n`;
      assert.ok(text.length > 256 * 1024);
      const res = await s.call({
        method: 'POST',
        url: `${profiles}/import`,
        body: { from: 'palette', text, dryRun: true },
      });
      assert.equal(res.status, 200, res.text);
      const [item] = res.body.items as { action: string; name: string; issues: unknown[] }[];
      assert.deepEqual([item?.name, item?.action, item?.issues], ['big', 'valid', []]);
    });

    it('needs the create permission, dry run included', async () => {
      const viewer = await createUserWithRole(s, {
        user: 'palette-viewer',
        role: 'project-viewer',
        project: 'default',
      });
      const pack = await importPack('hello-manifests', { dryRun: true }, viewer);
      assert.equal(pack.status, 403, pack.text);
      const profile = await s.call({
        method: 'POST',
        url: `${profiles}/import`,
        key: viewer,
        body: { from: 'palette', text: profileText('sandbox-full.yaml'), dryRun: true },
      });
      assert.equal(profile.status, 403, profile.text);
    });
  });
}
