/**
 * LiveLookup against a real sandbox cluster (one for the whole file). Namespace `few` holds 3 ConfigMaps and one
 * Secret; `crowded` holds 1,050 ConfigMaps, more than a lookup with a low `listFloor` lists. A ServiceAccount that may
 * `get` Secrets in `few` but not `list` them stands for an agent whose list is refused. Every request the clients
 * make is recorded (method, path, query, Accept) with the real API server's answer (status and kind).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '@strata/core';
import { useSandboxCluster } from '@strata/testing';
import { credentialsFromKubeconfigFile, type KubeCredentials } from '../kube/credentials.js';
import { KubeClient } from '../kube/kube-client.js';
import type { KubeObject, ObjectRef } from '../kube/object-ref.js';
import type { KubeRequest } from '../kube/transport.js';
import { kubectl, waitFor } from '../test/cluster-helpers.js';
import { LIST_MIN_OBJECTS, LiveLookup } from './live-lookup.js';
import { forEachLimited } from './pool.js';

interface Recorded {
  method: KubeRequest['method'];
  path: string;
  query: KubeRequest['query'];
  /** The Accept header asked for; undefined: the transport's default (application/json). */
  accept: string | undefined;
  status: number;
  /** The kind of the answer, e.g. `PartialObjectMetadataList` or `ConfigMapList`. */
  kind: unknown;
}

/** A KubeClient whose every request is recorded, with the API server's answer, as it completes. */
function recordingClient(credentials: KubeCredentials): { kube: KubeClient; requests: Recorded[] } {
  const kube = new KubeClient(credentials);
  const requests: Recorded[] = [];
  const send = kube.transport.request.bind(kube.transport);
  kube.transport.request = async (req) => {
    const res = await send(req);
    const body = res.body as { kind?: unknown } | undefined;
    requests.push({
      method: req.method,
      path: req.path,
      query: req.query,
      accept: req.accept,
      status: res.status,
      kind: body?.kind,
    });
    return res;
  };
  return { kube, requests };
}

const CROWDED = 1050;
/** A listFloor of 600 with 12 objects asked for: two pages of 500, then the list stops (1,050 exist). */
const CROWDED_FLOOR = 600;
const pad = (i: number): string => String(i).padStart(4, '0');

const cm = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace,
  name,
});
const secret = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Secret', namespace: 'few', name });

describe('LiveLookup on a real API server', () => {
  const fx = useSandboxCluster({ nodePools: [{ name: 'control-plane', count: 1, controlPlane: true }] });
  let admin: { kube: KubeClient; requests: Recorded[] };
  /** May get Secrets in `few`, not list them. */
  let reader: { kube: KubeClient; requests: Recorded[] };
  const uids = new Map<string, string>();

  before(async () => {
    const credentials = credentialsFromKubeconfigFile(fx.kubeconfigPath);
    admin = recordingClient(credentials);
    const post = async (path: string, body: JsonObject): Promise<void> => {
      const res = await admin.kube.transport.request({ method: 'POST', path, body });
      if (res.status !== 201) throw new Error(`POST ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      const meta = (res.body as { metadata: { name: string; namespace?: string; uid: string } }).metadata;
      uids.set(`${meta.namespace ?? ''}/${meta.name}`, meta.uid);
    };
    await Promise.all(
      ['few', 'crowded'].map((name) =>
        post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
      ),
    );
    const configMap = (namespace: string, name: string): JsonObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace, labels: { owner: 'someone' } },
      data: { big: 'payload' },
    });
    const seeds: [string, JsonObject][] = [
      ...['cm-0', 'cm-1', 'cm-2'].map((n): [string, JsonObject] => ['few', configMap('few', n)]),
      [
        'few',
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 's-0', namespace: 'few' },
          data: { k: 'dg==' },
        },
      ],
      ...Array.from({ length: CROWDED }, (_, i): [string, JsonObject] => [
        'crowded',
        configMap('crowded', `cm-${pad(i)}`),
      ]),
    ];
    await forEachLimited(seeds, 16, ([ns, body]) =>
      post(`/api/v1/namespaces/${ns}/${body.kind === 'Secret' ? 'secrets' : 'configmaps'}`, body),
    );

    await kubectl(fx, 'create', 'serviceaccount', 'reader', '-n', 'few');
    await kubectl(fx, 'create', 'role', 'secret-getter', '-n', 'few', '--verb=get', '--resource=secrets');
    await kubectl(
      fx,
      'create',
      'rolebinding',
      'reader-gets-secrets',
      '-n',
      'few',
      '--role=secret-getter',
      '--serviceaccount=few:reader',
    );
    const sa = 'system:serviceaccount:few:reader';
    // `kubectl auth can-i` exits 1 for "no"; the authorizer sees a new binding within moments.
    const canI = (verb: string): Promise<boolean> =>
      kubectl(fx, 'auth', 'can-i', verb, 'secrets', '-n', 'few', `--as=${sa}`).then(
        () => true,
        () => false,
      );
    await waitFor(() => canI('get'), 'the reader may get secrets', 10_000);
    assert.equal(await canI('list'), false, 'the reader must not list secrets');
    const token = (await kubectl(fx, 'create', 'token', 'reader', '-n', 'few')).trim();
    // The admin's CA, the ServiceAccount's token (and no client certificate).
    reader = recordingClient({
      server: credentials.server,
      tls: { rejectUnauthorized: true, ...(credentials.tls.ca ? { ca: credentials.tls.ca } : {}) },
      authorization: () => Promise.resolve(`Bearer ${token}`),
    });

    // Discovery is cached per client from here on: the requests below are the lookups' own.
    await admin.kube.discovery.require('v1', 'ConfigMap');
    await reader.kube.discovery.require('v1', 'Secret');
  });
  after(() => {
    admin?.kube.close();
    reader?.kube.close();
  });

  const during = async (client: { requests: Recorded[] }, fn: () => Promise<void>): Promise<Recorded[]> => {
    const start = client.requests.length;
    await fn();
    return client.requests.slice(start);
  };

  it('answers a kind and namespace holding many of the objects from one metadata-only list', async () => {
    const { kube } = admin;
    const refs = Array.from({ length: 10 }, (_, i) => cm('few', `cm-${i}`));
    const lookup = new LiveLookup(kube, { metadataOnly: true });
    const listing = await during(admin, () => lookup.prefetch(refs));
    assert.deepEqual(
      listing.map((r) => [r.method, r.path, r.status, r.kind]),
      [['GET', '/api/v1/namespaces/few/configmaps', 200, 'PartialObjectMetadataList']],
    );
    assert.match(listing[0]!.accept ?? '', /as=PartialObjectMetadataList;v=v1;g=meta\.k8s\.io/);

    let present: KubeObject | undefined;
    const answers = await during(admin, async () => {
      present = await lookup.get(cm('few', 'cm-1'));
      assert.equal(await lookup.get(cm('few', 'cm-7')), undefined, 'absent from a complete list');
    });
    assert.deepEqual(answers, [], 'no request per object');
    const meta = present?.metadata as JsonObject | undefined;
    assert.equal(meta?.uid, uids.get('few/cm-1'));
    assert.deepEqual(meta?.labels, { owner: 'someone' });
    assert.deepEqual(present, { metadata: (await kube.get(cm('few', 'cm-1')))?.metadata }, 'metadata only');

    // The whole object, when its content matters, is one GET.
    const whole = await during(admin, async () => {
      const listed = await lookup.get(cm('few', 'cm-2'));
      assert.deepEqual((await lookup.full(cm('few', 'cm-2'), listed!))?.data, { big: 'payload' });
    });
    assert.deepEqual(
      whole.map((r) => [r.method, r.path, r.status]),
      [['GET', '/api/v1/namespaces/few/configmaps/cm-2', 200]],
    );
  });

  it('reads whole objects from a plain list for drift checks, as a GET returns them', async () => {
    const { kube } = admin;
    const refs = Array.from({ length: 10 }, (_, i) => cm('few', `cm-${i}`));
    const lookup = new LiveLookup(kube, { metadataOnly: false });
    let present: KubeObject | undefined;
    const requests = await during(admin, async () => {
      await lookup.prefetch(refs);
      present = await lookup.get(cm('few', 'cm-0'));
      assert.equal(await lookup.full(cm('few', 'cm-0'), present!), present);
      assert.equal(await lookup.get(cm('few', 'cm-9')), undefined);
    });
    assert.deepEqual(
      requests.map((r) => [r.method, r.path, r.accept, r.status, r.kind]),
      [['GET', '/api/v1/namespaces/few/configmaps', undefined, 200, 'ConfigMapList']],
    );
    assert.deepEqual(present, await kube.get(cm('few', 'cm-0')));
    assert.equal((present?.metadata as JsonObject).uid, uids.get('few/cm-0'));
    assert.deepEqual(present?.data, { big: 'payload' });
  });

  it('never lists whole Secrets (Helm keeps its releases in them)', async () => {
    const refs = Array.from({ length: 10 }, (_, i) => secret(`s-${i}`));
    const lookup = new LiveLookup(admin.kube, { metadataOnly: false });
    assert.deepEqual(await during(admin, () => lookup.prefetch(refs)), []);
    const gets = await during(admin, async () => {
      assert.deepEqual((await lookup.get(secret('s-0')))?.data, { k: 'dg==' });
      assert.equal(await lookup.get(secret('s-1')), undefined);
    });
    assert.deepEqual(
      gets.map((r) => [r.method, r.path, r.status]),
      [
        ['GET', '/api/v1/namespaces/few/secrets/s-0', 200],
        ['GET', '/api/v1/namespaces/few/secrets/s-1', 404],
      ],
    );
  });

  it('reads a few objects one GET each', async () => {
    const refs = Array.from({ length: LIST_MIN_OBJECTS - 1 }, (_, i) => cm('few', `cm-${i}`));
    const lookup = new LiveLookup(admin.kube, { metadataOnly: true });
    const requests = await during(admin, async () => {
      await lookup.prefetch(refs);
      for (const ref of refs) await lookup.get(ref);
    });
    assert.deepEqual(
      requests.map((r) => [r.method, r.path, r.status]),
      refs.map((r, i) => ['GET', `/api/v1/namespaces/few/configmaps/${r.name}`, i < 3 ? 200 : 404]),
    );
    const full = await lookup.get(cm('few', 'cm-0'));
    assert.equal(await lookup.full(cm('few', 'cm-0'), full!), full, 'a GET answer is already whole');
  });

  it('stops listing a crowded namespace and reads what it did not see with GETs', async () => {
    const refs = Array.from({ length: 10 }, (_, i) => cm('crowded', `cm-${pad(CROWDED - 10 + i)}`));
    refs.push(cm('crowded', 'cm-0004'), cm('crowded', 'other'));
    const lookup = new LiveLookup(admin.kube, { metadataOnly: true, listFloor: CROWDED_FLOOR });
    const listing = await during(admin, () => lookup.prefetch(refs));
    assert.deepEqual(
      listing.map((r) => [r.path, r.query?.limit, r.query?.continue === undefined, r.kind]),
      [
        ['/api/v1/namespaces/crowded/configmaps', 500, true, 'PartialObjectMetadataList'],
        ['/api/v1/namespaces/crowded/configmaps', 500, false, 'PartialObjectMetadataList'],
      ],
      `pages of 500 up to ${CROWDED_FLOOR} objects, not all ${CROWDED}`,
    );
    const last = `cm-${pad(CROWDED - 5)}`;
    const gets = await during(admin, async () => {
      assert.ok(await lookup.get(cm('crowded', 'cm-0004')), 'seen in the list');
      const notSeen = await lookup.get(cm('crowded', last));
      assert.equal((notSeen?.metadata as JsonObject | undefined)?.uid, uids.get(`crowded/${last}`));
      assert.equal(await lookup.get(cm('crowded', 'other')), undefined, 'not seen: a GET says 404');
    });
    assert.deepEqual(
      gets.map((r) => [r.method, r.path, r.status]),
      [
        ['GET', `/api/v1/namespaces/crowded/configmaps/${last}`, 200],
        ['GET', '/api/v1/namespaces/crowded/configmaps/other', 404],
      ],
    );
  });

  it('falls back to GETs when the list is refused', async () => {
    const refs = Array.from({ length: 10 }, (_, i) => secret(`s-${i}`));
    const lookup = new LiveLookup(reader.kube, { metadataOnly: true });
    const listing = await during(reader, () => lookup.prefetch(refs));
    assert.deepEqual(
      listing.map((r) => [r.method, r.path, r.status]),
      [['GET', '/api/v1/namespaces/few/secrets', 403]],
    );
    const gets = await during(reader, async () => {
      const found = await lookup.get(refs[0]!);
      assert.equal((found?.metadata as JsonObject | undefined)?.uid, uids.get('few/s-0'));
      assert.deepEqual(found?.data, { k: 'dg==' }, 'read whole, by a GET');
      assert.equal(await lookup.get(refs[9]!), undefined);
    });
    assert.deepEqual(
      gets.map((r) => [r.method, r.path, r.status]),
      [
        ['GET', '/api/v1/namespaces/few/secrets/s-0', 200],
        ['GET', '/api/v1/namespaces/few/secrets/s-9', 404],
      ],
    );
  });
});
