import { strict as assert } from 'node:assert';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cannedObject, problemReply, startCannedServer, type CannedServer } from '@strata/client/testing';
import { run, tempDir } from '../testing/run.js';

const C = '/v1/projects/retail/clusters';
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: shop
    cluster: {server: 'https://127.0.0.1:41234', certificate-authority-data: LS0t}
users:
  - name: admin
    user: {client-certificate-data: LS0t, client-key-data: LS0t}
contexts:
  - name: shop
    context: {cluster: shop, user: admin}
current-context: shop
`;
const MANIFEST = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: strata-system\n';
const yaml = (body: string) => ({ body, headers: { 'content-type': 'application/yaml' } });
const event = (reason: string, type: string, lastSeen: string, count: number, message: string) =>
  cannedObject({
    kind: 'Event',
    name: `shop.${reason.toLowerCase()}`,
    project: 'retail',
    spec: {
      involvedObject: { kind: 'Cluster', name: 'shop', project: 'retail' },
      type,
      reason,
      message,
      count,
      firstSeen: lastSeen,
      lastSeen,
    },
  });

describe('strata cluster kubeconfig, agent-manifest, rotate-agent-token, events', () => {
  let server: CannedServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    server = await startCannedServer({
      [`POST ${C}/shop/kubeconfig`]: yaml(KUBECONFIG),
      [`POST ${C}/new/kubeconfig`]: problemReply(
        'STRATA_CONFLICT',
        'cluster "new" has no control plane yet (phase Provisioning)',
      ),
      [`POST ${C}/locked/kubeconfig`]: problemReply(
        'STRATA_FORBIDDEN',
        'missing permission cluster.kubeconfig in project retail',
      ),
      [`POST ${C}/edge/agent-manifest`]: yaml(MANIFEST),
      [`POST ${C}/shop/agent-manifest`]: problemReply(
        'STRATA_CONFLICT',
        'the sandbox provider runs the agent of "shop" itself; there is no manifest to apply',
      ),
      [`POST ${C}/shop/rotate-agent-token`]: { body: { rotated: true, restarted: true } },
      [`POST ${C}/edge/rotate-agent-token`]: { body: { rotated: true, restarted: false, token: 'sat_new' } },
      [`GET ${C}/shop/events`]: {
        body: {
          items: [
            event(
              'RepaveWaiting',
              'Normal',
              '2026-01-01T00:59:30Z',
              1,
              'repave of control-plane, workers waits\nfor approval',
            ),
            event('ProvisionFailed', 'Warning', '2026-01-01T00:40:00Z', 3, 'sandbox: port 6443 in use'),
          ],
        },
      },
      [`GET ${C}/quiet/events`]: { body: { items: [] } },
    });
  });
  beforeEach(() => server.requests.splice(0));
  after(async () => {
    await server.close();
    await cleanup();
  });
  const env = () => ({ STRATA_SERVER: server.url, STRATA_PROJECT: 'retail' });
  const calls = () =>
    server.requests.map((r) => `${r.method} ${r.path}${r.query.size ? `?${r.query.toString()}` : ''}`);

  describe('kubeconfig', () => {
    it('prints the kubeconfig to stdout', async () => {
      const r = await run(['cluster', 'kubeconfig', 'shop'], { env: env() });
      assert.deepEqual(r, { code: 0, stdout: KUBECONFIG, stderr: '' });
      assert.deepEqual(calls(), [`POST ${C}/shop/kubeconfig`]);
    });

    it('-o FILE writes it with mode 0600, replacing a readable file', async () => {
      const path = join(dir, 'shop.kubeconfig');
      await writeFile(path, 'old', { mode: 0o644 });
      const r = await run(['cluster', 'kubeconfig', 'shop', '-o', path], { env: env() });
      assert.deepEqual(r, {
        code: 0,
        stdout: `Wrote the admin kubeconfig of cluster/shop to ${path} (mode 0600)\n`,
        stderr: '',
      });
      assert.equal(await readFile(path, 'utf8'), KUBECONFIG);
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      const nested = join(dir, 'kube', 'new.kubeconfig');
      assert.equal((await run(['cluster', 'kubeconfig', 'shop', '-o', nested], { env: env() })).code, 0);
      assert.equal((await stat(nested)).mode & 0o777, 0o600);
    });

    it('an unwritable target exits 1 naming it', async () => {
      const blocker = join(dir, 'not-a-dir');
      await writeFile(blocker, '');
      const r = await run(['cluster', 'kubeconfig', 'shop', '-o', join(blocker, 'kc')], { env: env() });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: cannot write .*not-a-dir\/kc: /);
    });

    it('refusals (no control plane yet, no permission) exit 1 and write no file', async () => {
      const path = join(dir, 'never.kubeconfig');
      const early = await run(['cluster', 'kubeconfig', 'new', '-o', path], { env: env() });
      assert.deepEqual(early, {
        code: 1,
        stdout: '',
        stderr: 'error: cluster "new" has no control plane yet (phase Provisioning)\ncode: STRATA_CONFLICT\n',
      });
      const denied = await run(['cluster', 'kubeconfig', 'locked'], { env: env() });
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /missing permission cluster.kubeconfig/);
      await assert.rejects(stat(path), { code: 'ENOENT' });
    });
  });

  describe('agent-manifest', () => {
    it('prints the manifest on stdout and notes the new token on stderr; POSTs --mode in the body', async () => {
      const r = await run(['cluster', 'agent-manifest', 'edge', '--mode', 'read-only'], { env: env() });
      assert.equal(r.code, 0);
      assert.equal(r.stdout, MANIFEST);
      assert.match(
        r.stderr,
        /^note: the manifest holds a new agent token for cluster\/edge; the previous token stopped working\n$/,
      );
      const full = await run(['cluster', 'agent-manifest', 'edge'], { env: env() });
      assert.equal(full.code, 0);
      assert.deepEqual(calls(), [`POST ${C}/edge/agent-manifest`, `POST ${C}/edge/agent-manifest`]);
      assert.deepEqual(
        server.requests.map((q) => JSON.parse(q.body) as unknown),
        [{ mode: 'read-only' }, { mode: 'full' }],
      );
    });

    it('an unknown --mode is a usage error; a provider that runs the agent itself exits 1', async () => {
      const bad = await run(['cluster', 'agent-manifest', 'edge', '--mode', 'admin'], { env: env() });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /unknown --mode "admin": use one of full, read-only/);
      assert.deepEqual(calls(), []);
      const sandbox = await run(['cluster', 'agent-manifest', 'shop'], { env: env() });
      assert.deepEqual(sandbox, {
        code: 1,
        stdout: '',
        stderr:
          'error: the sandbox provider runs the agent of "shop" itself; there is no manifest to apply\ncode: STRATA_CONFLICT\n',
      });
    });
  });

  describe('rotate-agent-token', () => {
    it('says when the provider restarted the agent', async () => {
      const r = await run(['cluster', 'rotate-agent-token', 'shop'], { env: env() });
      assert.deepEqual(r, {
        code: 0,
        stdout:
          'cluster/shop agent token rotated; the previous token stopped working\nThe provider restarted the agent with the new token.\n',
        stderr: '',
      });
      assert.deepEqual(calls(), [`POST ${C}/shop/rotate-agent-token`]);
    });

    it('prints the new token when the agent was not restarted; -o json prints the response', async () => {
      const r = await run(['cluster', 'rotate-agent-token', 'edge'], { env: env() });
      assert.equal(r.code, 0);
      assert.match(r.stdout, /The agent was not restarted: give it the new token .*\ntoken: sat_new\n$/);
      const json = await run(['cluster', 'rotate-agent-token', 'edge', '-o', 'json'], { env: env() });
      assert.deepEqual(JSON.parse(json.stdout), { rotated: true, restarted: false, token: 'sat_new' });
    });
  });

  describe('events', () => {
    it('prints a table, newest first as sent, messages on one line', async () => {
      const r = await run(['cluster', 'events', 'shop'], { env: env() });
      assert.deepEqual(r, {
        code: 0,
        stdout: `LAST SEEN   TYPE      REASON            COUNT   MESSAGE
30s         Normal    RepaveWaiting     1       repave of control-plane, workers waits for approval
20m         Warning   ProvisionFailed   3       sandbox: port 6443 in use
`,
        stderr: '',
      });
      assert.deepEqual(calls(), [`GET ${C}/shop/events`]);
    });

    it('says so when there are none; -o yaml prints the response', async () => {
      const r = await run(['cluster', 'events', 'quiet'], { env: env() });
      assert.deepEqual(r, { code: 0, stdout: '', stderr: 'No events for cluster/quiet.\n' });
      const y = await run(['cluster', 'events', 'quiet', '-o', 'yaml'], { env: env() });
      assert.equal(y.stdout, 'items: []\n');
    });
  });
});
