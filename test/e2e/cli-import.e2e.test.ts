/**
 * `strata import` through the CLI against a real server process and a real sandbox cluster made directly with the
 * runtime (not through Strata): import read-only with --wait (discovery summary), generate a draft profile (with
 * selected workloads as manifest layers, read through the read-only agent), refuse
 * an exec kubeconfig with its path, connect by manifest through a one-time link, then `strata cluster agent-manifest`
 * (a POST: a new token). The agent image cannot run here, so manifests are not applied: the test checks that their
 * tokens authenticate at the agent gateway instead.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { AGENT_PROTOCOL, AGENT_PROTOCOL_HEADER, type ClusterDiscovery } from '@strata/api';
import { useSandboxCluster } from '@strata/testing';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { processesMentioning } from './sandbox-support.js';
import { objectVersions } from './support/import-seed.js';
import { strata } from './support/run-strata.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const run = promisify(execFile);

describe('strata import (CLI) against a real server and a real cluster', () => {
  const fx = useSandboxCluster({ name: 'cli-imp', workers: 1 });
  let server: ServerProcess;
  let dir: string;
  let env: Record<string, string>;
  const kubectl = (...args: string[]) =>
    run(fx.bin('kubectl'), ['--kubeconfig', fx.kubeconfigPath, ...args]).then((r) => r.stdout);
  /** resourceVersions of everything outside the system namespaces, and of the namespaces themselves. */
  const versions = () => objectVersions(kubectl);
  /** The agent gateway's long poll with `bearer` as the agent token. */
  const gateway = (bearer: string) =>
    fetch(`${server.url}/v1/agent/desired-state?after=0&waitSeconds=0`, {
      headers: { authorization: `Bearer ${bearer}`, [AGENT_PROTOCOL_HEADER]: String(AGENT_PROTOCOL) },
    });
  /** The agent token of the manifest fetched through the import link. */
  let linkToken = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-cli-import-'));
    await kubectl('create', 'namespace', 'shop');
    await kubectl('-n', 'shop', 'create', 'configmap', 'settings', '--from-literal=color=blue');
    await writeFile(join(dir, 'legacy.kubeconfig'), fx.kubeconfig, { mode: 0o600 });
    server = await startServerProcess({ logFile: join(dir, 'server.log') });
    env = {
      STRATA_SERVER: server.url,
      STRATA_API_KEY: server.adminKey,
      STRATA_PROJECT: 'default',
      STRATA_CONFIG: join(dir, 'config.json'),
    };
  });
  after(async () => {
    await server?.stop();
    for (const pid of await processesMentioning(server?.dataDir ?? dir)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a kubeconfig with exec, naming its path, and registers nothing', async () => {
    const k = parse(fx.kubeconfig) as { users: { user: Record<string, unknown> }[] };
    k.users[0]!.user = {
      exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'sh', args: ['-c', 'id'] },
    };
    await writeFile(join(dir, 'exec.kubeconfig'), stringify(k));
    const r = await strata(['import', 'sneaky', '--kubeconfig', join(dir, 'exec.kubeconfig')], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^ {2}\/spec\/kubeconfig\S*: exec is not accepted/m);
    assert.match(r.stderr, /code: STRATA_VALIDATION_FAILED/);
    const list = await strata(['get', 'clusters', '-o', 'name'], env);
    assert.equal(list.stdout, '', 'nothing registered');
  });

  it('imports read-only with --wait: the discovery summary, and the cluster unchanged', async () => {
    const before = await versions();
    const r = await strata(
      ['import', 'legacy', '--kubeconfig', join(dir, 'legacy.kubeconfig'), '--wait', '--timeout', '5m'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^cluster\/legacy imported \(read-only\); the server runs its agent\n/);
    assert.match(r.stdout, /Discovered in cluster\/legacy \(/);
    assert.match(r.stdout, /Distribution:\s+sandbox/);
    const version = JSON.parse(await kubectl('version', '-o', 'json')) as {
      serverVersion: { gitVersion: string };
    };
    assert.match(
      r.stdout,
      new RegExp(`Kubernetes:\\s+${version.serverVersion.gitVersion.replace(/\./g, '\\.')}`),
    );
    assert.match(r.stdout, /Nodes:\s+2 \(2 ready\)/);
    assert.match(r.stdout, /Node pools:\s+control-plane \(1 node, control plane.*\); workers \(1 node/);
    // The rest as the agent reported it (stored in the Cluster's status).
    const got = await strata(['get', 'cluster', 'legacy', '-o', 'json'], env);
    const d = (JSON.parse(got.stdout) as { status: { discovery: ClusterDiscovery } }).status.discovery;
    const line = (label: string) =>
      r.stdout
        .split('\n')
        .find((l) => l.trimStart().startsWith(`${label}:`))
        ?.replace(/^\s*[^:]+:\s+/, '');
    assert.equal(
      line('CNI'),
      d.cni.map((c) => (c.version ? `${c.name} ${c.version}` : c.name)).join(', ') || 'not recognised',
    );
    assert.equal(line('CSI')?.split(';')[0], d.csi.drivers.join(', ') || 'no CSI drivers');
    assert.equal(line('Helm releases'), 'none', 'the test installed no chart');
    assert.match(line('Other objects') ?? '', new RegExp(`^${d.workloads.length} objects? outside Helm`));
    assert.ok(
      d.workloads.some((w) => w.kind === 'ConfigMap' && w.namespace === 'shop' && w.name === 'settings'),
      'the seeded ConfigMap was discovered',
    );
    assert.deepEqual(await versions(), before, 'read-only import changed nothing');
    await assert.rejects(kubectl('get', 'namespace', 'strata-system'), 'no agent objects in the cluster');
  });

  it('generates a draft profile from the discovery report', async () => {
    const r = await strata(['import', 'legacy', '--generate-profile', 'legacy@0.1.0'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^clusterprofile\/legacy@0\.1\.0 created \(Draft, type \w+\) from cluster\/legacy\n/,
    );
    const unmatched = /^Unmatched \((\d+); not in the profile\):\n((?: {2}.*\n)*)/m.exec(r.stdout);
    assert.ok(unmatched, r.stdout);
    assert.equal(unmatched[2]!.split('\n').filter(Boolean).length, Number(unmatched[1]), 'every item listed');
    assert.match(unmatched[2]!, /^ {2}kubernetes v\d+\.\d+\.\d+ \(sandbox\): /m, 'with its reason');
    const got = await strata(['get', 'clusterprofile', 'legacy', '--version', '0.1.0', '-o', 'json'], env);
    assert.equal(got.code, 0, got.stderr);
    const profile = JSON.parse(got.stdout) as {
      metadata: { annotations: Record<string, string> };
      spec: { layers: unknown[] };
      status: { state: string };
    };
    assert.equal(profile.status.state, 'Draft');
    const layers = profile.spec.layers.length;
    assert.match(r.stdout, layers > 0 ? new RegExp(`^Layers \\(${layers}\\):`, 'm') : /^Layers: none$/m);
    assert.equal(profile.metadata.annotations['strata.dev/generated-from'], 'cluster/legacy');
  });

  it('--include-namespace / --include: selected workloads, read through the agent, become manifest layers', async () => {
    const before = await versions();
    const r = await strata(
      ['import', 'legacy', '--generate-profile', 'legacy@0.2.0', '--include-namespace', 'shop'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\s+\d+\.\s+cluster-objects\s+manifest, 1 object: Namespace shop$/m);
    assert.match(r.stdout, /^\s+\d+\.\s+objects-shop\s+manifest, 1 object: ConfigMap shop\/settings$/m);
    assert.match(r.stdout, /^Objects: 2 of 2 selected copied into 2 manifest layers$/m);
    const got = await strata(['get', 'clusterprofile', 'legacy', '--version', '0.2.0', '-o', 'json'], env);
    assert.equal(got.code, 0, got.stderr);
    const layers = (JSON.parse(got.stdout) as { spec: { layers: { name: string; manifest?: string }[] } })
      .spec.layers;
    const shop = layers.find((l) => l.name === 'objects-shop')?.manifest ?? '';
    assert.match(shop, /name: settings/);
    assert.match(shop, /color: blue/);
    assert.doesNotMatch(shop, /resourceVersion|managedFields|uid:/, 'cleaned of what the API server sets');
    assert.deepEqual(await versions(), before, 'reading the objects changed nothing');

    const typo = await strata(
      ['import', 'legacy', '--generate-profile', 'legacy@0.3.0', '--include', 'configmap/shop/setings'],
      env,
    );
    assert.equal(typo.code, 2, typo.stdout);
    assert.match(
      typo.stderr,
      /--include configmap\/shop\/setings matches no discovered workload; did you mean ConfigMap\/shop\/settings\?/,
    );
    const none = await strata(['get', 'clusterprofile', 'legacy', '--version', '0.3.0'], env);
    assert.equal(none.code, 1, 'nothing created');
  });

  it('--manifest: a one-time link whose manifest carries a working agent token', async () => {
    const r = await strata(['import', 'edge', '--manifest', '--expires', '10m'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^cluster\/edge imported \(read-only, connected by manifest\)\n/);
    const url = /kubectl apply -f (\S+)\n/.exec(r.stdout)?.[1] ?? '';
    assert.match(url, new RegExp(`^${server.url}/v1/import/sil_[A-Za-z0-9_-]{43}\\.yaml$`));

    const first = await fetch(url);
    assert.equal(first.status, 200);
    assert.match(first.headers.get('content-type') ?? '', /^application\/yaml/);
    const manifest = await first.text();
    const docs = parseAllDocuments(manifest).map((d) => d.toJS() as Record<string, unknown>);
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Secret', 'Deployment'],
    );
    const token = (docs[4] as { stringData: { token: string } }).stringData.token;
    const second = await fetch(url);
    assert.equal(second.status, 410);
    assert.match(await second.text(), /this import link was used at /);

    linkToken = token;
    const authenticated = await gateway(token);
    assert.ok(
      [200, 204].includes(authenticated.status),
      `the manifest's token works: ${authenticated.status}`,
    );
    assert.equal((await gateway(`${token.slice(0, -4)}AAAA`)).status, 401, 'and another token does not');

    const again = await strata(['import', 'edge', '--manifest'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^cluster\/edge exists \(read-only, connected by manifest\)\n/);
    const log = await readFile(join(dir, 'server.log'), 'utf8');
    assert.ok(!log.includes(new URL(url).pathname.slice('/v1/import/'.length, -'.yaml'.length)));
    assert.match(log, /\/v1\/import\/\(redacted\)\.yaml/);
  });

  it('strata cluster agent-manifest: a POST hands out a new token (the previous one stops); a GET changes nothing', async () => {
    assert.match(linkToken, /^sat\./);
    const get = await fetch(`${server.url}/v1/projects/default/clusters/edge/agent-manifest`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.ok([200, 204].includes((await gateway(linkToken)).status), 'a GET leaves the token working');

    const r = await strata(['cluster', 'agent-manifest', 'edge', '--mode', 'read-only'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the previous token stopped working/);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, unknown>);
    const secret = docs.find((d) => d.kind === 'Secret') as { stringData: { token: string } } | undefined;
    const token = secret?.stringData.token ?? '';
    assert.ok([200, 204].includes((await gateway(token)).status), 'the new token works');
    assert.equal((await gateway(linkToken)).status, 401, 'the previous token stopped working');
    const audit = await strata(['get', 'auditentries', '-o', 'json'], env);
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout, /agent token issued \(the previous one stopped working\)/);
  });

  it('detaching leaves the cluster as it was', async () => {
    const before = await versions();
    for (const name of ['legacy', 'edge']) {
      const d = await strata(['delete', 'cluster', name, '--wait', '--timeout', '2m'], env);
      assert.equal(d.code, 0, d.stderr);
    }
    assert.deepEqual(await processesMentioning(join(server.dataDir, 'imported')), []);
    assert.deepEqual(await versions(), before);
  });
});
