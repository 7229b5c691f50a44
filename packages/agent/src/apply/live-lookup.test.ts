import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../kube/kube-client.js';
import type { ObjectRef } from '../kube/object-ref.js';
import { LIST_MIN_OBJECTS, LiveLookup } from './live-lookup.js';

/**
 * A fake API server: ConfigMaps in namespace `few` (3 exist) and `crowded` (6,000 exist, more than a lookup lists),
 * Secrets whose list is forbidden. Every request is recorded with its Accept header.
 */
function fakeApi(): { server: Server; requests: { path: string; accept: string }[] } {
  const requests: { path: string; accept: string }[] = [];
  const existing = (ns: string, name: string): boolean =>
    ns === 'few' ? ['cm-0', 'cm-1', 'cm-2'].includes(name) : ns === 'crowded' && /^cm-\d+$/.test(name);
  const item = (ns: string, name: string) => ({
    metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, labels: { owner: 'someone' } },
    data: { big: 'payload' },
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ path: url.pathname, accept: String(req.headers.accept) });
    const json = (status: number, body: unknown): void =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/api/v1')
      return json(200, {
        resources: [
          { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
          { name: 'secrets', kind: 'Secret', namespaced: true },
        ],
      });
    const list = /^\/api\/v1\/namespaces\/([^/]+)\/(configmaps|secrets)$/.exec(url.pathname);
    if (list) {
      if (list[2] === 'secrets') return json(403, { reason: 'Forbidden', message: 'forbidden' });
      const ns = list[1]!;
      const total = ns === 'few' ? 3 : ns === 'crowded' ? 6000 : 0;
      const from = Number(url.searchParams.get('continue') ?? '0');
      const limit = Number(url.searchParams.get('limit'));
      const to = Math.min(total, from + limit);
      const items = [];
      for (let i = from; i < to; i++) {
        const full = item(ns, `cm-${i}`);
        items.push(
          req.headers.accept?.includes('PartialObjectMetadataList') ? { metadata: full.metadata } : full,
        );
      }
      return json(200, { items, metadata: to < total ? { continue: String(to) } : {} });
    }
    const one = /^\/api\/v1\/namespaces\/([^/]+)\/(configmaps|secrets)\/([^/]+)$/.exec(url.pathname);
    if (one && existing(one[1]!, one[3]!)) return json(200, item(one[1]!, one[3]!));
    return json(404, { reason: 'NotFound', message: 'not found' });
  });
  return { server, requests };
}

const cm = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace,
  name,
});

describe('LiveLookup', () => {
  const api = fakeApi();
  let kube: KubeClient;

  before(async () => {
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    kube = new KubeClient(kc);
    await kube.discovery.require('v1', 'ConfigMap');
  });
  after(async () => {
    kube.close();
    await new Promise<void>((resolve) => api.server.close(() => resolve()));
  });

  const requestsDuring = async (fn: () => Promise<void>): Promise<{ path: string; accept: string }[]> => {
    const start = api.requests.length;
    await fn();
    return api.requests.slice(start);
  };

  it('answers a kind and namespace holding many of the objects from one metadata-only list', async () => {
    const refs = Array.from({ length: 10 }, (_, i) => cm('few', `cm-${i}`));
    const lookup = new LiveLookup(kube, { metadataOnly: true });
    const listing = await requestsDuring(() => lookup.prefetch(refs));
    assert.deepEqual(
      listing.map((r) => r.path),
      ['/api/v1/namespaces/few/configmaps'],
    );
    assert.match(listing[0]!.accept, /as=PartialObjectMetadataList;v=v1;g=meta\.k8s\.io/);

    const answers = await requestsDuring(async () => {
      const present = await lookup.get(cm('few', 'cm-1'));
      assert.deepEqual(present?.metadata, {
        name: 'cm-1',
        namespace: 'few',
        uid: 'uid-few-cm-1',
        labels: { owner: 'someone' },
      });
      assert.equal(present?.data, undefined, 'metadata only');
      assert.equal(await lookup.get(cm('few', 'cm-7')), undefined, 'absent from a complete list');
    });
    assert.deepEqual(answers, [], 'no request per object');

    // The whole object, when its content matters, is one GET.
    const whole = await requestsDuring(async () => {
      const present = await lookup.get(cm('few', 'cm-2'));
      assert.deepEqual((await lookup.full(cm('few', 'cm-2'), present!))?.data, { big: 'payload' });
    });
    assert.deepEqual(
      whole.map((r) => r.path),
      ['/api/v1/namespaces/few/configmaps/cm-2'],
    );
  });

  it('reads whole objects from a plain list for drift checks, as a GET returns them', async () => {
    const refs = Array.from({ length: 10 }, (_, i) => cm('few', `cm-${i}`));
    const lookup = new LiveLookup(kube, { metadataOnly: false });
    const requests = await requestsDuring(async () => {
      await lookup.prefetch(refs);
      const present = await lookup.get(cm('few', 'cm-0'));
      assert.equal(await lookup.full(cm('few', 'cm-0'), present!), present);
      assert.deepEqual(present, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm-0', namespace: 'few', uid: 'uid-few-cm-0', labels: { owner: 'someone' } },
        data: { big: 'payload' },
      });
      assert.equal(await lookup.get(cm('few', 'cm-9')), undefined);
    });
    assert.deepEqual(requests, [{ path: '/api/v1/namespaces/few/configmaps', accept: 'application/json' }]);
  });

  it('never lists whole Secrets (Helm keeps its releases in them)', async () => {
    const refs = Array.from({ length: 10 }, (_, i): ObjectRef => ({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'few',
      name: `s-${i}`,
    }));
    const lookup = new LiveLookup(kube, { metadataOnly: false });
    assert.deepEqual(await requestsDuring(() => lookup.prefetch(refs)), []);
  });

  it('reads a few objects one GET each', async () => {
    const refs = Array.from({ length: LIST_MIN_OBJECTS - 1 }, (_, i) => cm('few', `cm-${i}`));
    const lookup = new LiveLookup(kube, { metadataOnly: true });
    const requests = await requestsDuring(async () => {
      await lookup.prefetch(refs);
      for (const ref of refs) await lookup.get(ref);
    });
    assert.equal(requests.length, refs.length);
    assert.ok(requests.every((r) => /\/configmaps\/cm-\d$/.test(r.path)));
    const full = await lookup.get(cm('few', 'cm-0'));
    assert.equal(await lookup.full(cm('few', 'cm-0'), full!), full, 'a GET answer is already whole');
  });

  it('stops listing a crowded namespace and reads what it did not see with GETs', async () => {
    const refs = Array.from({ length: 10 }, (_, i) => cm('crowded', `cm-${5990 + i}`));
    refs.push(cm('crowded', 'cm-4'), cm('crowded', 'other'));
    const lookup = new LiveLookup(kube, { metadataOnly: true });
    const listing = await requestsDuring(() => lookup.prefetch(refs));
    assert.equal(listing.length, 10, 'pages of 500 up to 5,000 objects, not all 6,000');
    const gets = await requestsDuring(async () => {
      assert.ok(await lookup.get(cm('crowded', 'cm-4')), 'seen in the list');
      assert.ok(await lookup.get(cm('crowded', 'cm-5995')), 'not seen: a GET finds it');
      assert.equal(await lookup.get(cm('crowded', 'other')), undefined, 'not seen: a GET says 404');
    });
    assert.deepEqual(
      gets.map((r) => r.path),
      ['/api/v1/namespaces/crowded/configmaps/cm-5995', '/api/v1/namespaces/crowded/configmaps/other'],
    );
  });

  it('falls back to GETs when the list is refused', async () => {
    const refs = Array.from({ length: 10 }, (_, i): ObjectRef => ({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'few',
      name: `s-${i}`,
    }));
    const lookup = new LiveLookup(kube, { metadataOnly: true });
    await lookup.prefetch(refs);
    const gets = await requestsDuring(async () => {
      assert.equal(await lookup.get(refs[0]!), undefined);
    });
    assert.deepEqual(
      gets.map((r) => r.path),
      ['/api/v1/namespaces/few/secrets/s-0'],
    );
  });
});
