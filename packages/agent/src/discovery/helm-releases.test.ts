/** Helm release records: decoding Helm's storage (Secret and ConfigMap drivers), newest revisions, size limits. */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { JsonObject } from '@strata/core';
import {
  MAX_RELEASE_JSON_BYTES,
  UnreadableRelease,
  decodeRecord,
  decodeReleases,
  newestRecords,
} from './helm-releases.js';

describe('Helm release records', () => {
  const release = (name: string, version: number, status = 'deployed'): JsonObject => ({
    name,
    namespace: 'web',
    version,
    info: { status },
    chart: { metadata: { name: 'hello', version: '0.1.0', appVersion: '1.0' }, templates: [] },
    config: { replicaCount: 2, nested: { a: [1, 2] } },
    manifest: '---\nkind: ConfigMap\n',
  });
  const secret = (r: JsonObject, gzip = true): JsonObject => {
    const json = Buffer.from(JSON.stringify(r));
    const helmText = (gzip ? gzipSync(json) : json).toString('base64');
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `sh.helm.release.v1.${r.name as string}.v${r.version as number}`,
        namespace: 'web',
        labels: {
          owner: 'helm',
          name: r.name as string,
          version: `${r.version as number}`,
          status: (r.info as JsonObject).status as string,
        },
      },
      type: 'helm.sh/release.v1',
      data: { release: Buffer.from(helmText).toString('base64') },
    };
  };

  it('decodes a Secret (base64 of base64 of gzip) and a ConfigMap record (base64 of gzip, or plain JSON)', async () => {
    const decoded = await decodeRecord(secret(release('web', 3)));
    assert.deepEqual(decoded, {
      name: 'web',
      namespace: 'web',
      chart: 'hello',
      version: '0.1.0',
      appVersion: '1.0',
      status: 'deployed',
      revision: 3,
      values: { replicaCount: 2, nested: { a: [1, 2] } },
      manifest: '---\nkind: ConfigMap\n',
    });
    const s = secret(release('web', 1));
    const cmRecord = {
      ...s,
      kind: 'ConfigMap',
      data: { release: Buffer.from((s.data as JsonObject).release as string, 'base64').toString() },
    };
    assert.equal((await decodeRecord(cmRecord))?.revision, 1);
    assert.equal((await decodeRecord(secret(release('web', 2), false)))?.revision, 2);
  });

  it('decodes only the newest revision of each release and leaves out uninstalled ones', async () => {
    const records = [
      secret(release('web', 1, 'superseded')),
      secret(release('web', 10)),
      secret(release('web', 9, 'superseded')),
      secret(release('api', 1)),
      secret(release('gone', 2, 'uninstalled')),
      { kind: 'Secret', metadata: { name: 'unrelated', namespace: 'web', labels: { owner: 'helm' } } },
    ];
    assert.deepEqual(
      newestRecords(records).map((r) => (r.metadata as JsonObject).name),
      ['sh.helm.release.v1.web.v10', 'sh.helm.release.v1.api.v1', 'sh.helm.release.v1.gone.v2'],
    );
    const decoded = await decodeReleases(records);
    assert.deepEqual(
      decoded.releases.map((r) => `${r.name}@${r.revision}`),
      ['api@1', 'web@10'],
    );
    assert.deepEqual(decoded.warnings, []);
  });

  it('refuses a gzip bomb in a release Secret: reported unreadable with the reason, memory stays bounded', async () => {
    // 40 MiB of JSON that gzips to about 40 KiB, stored the way Helm stores a release.
    const inflated = Buffer.alloc(MAX_RELEASE_JSON_BYTES + 8 * 1024 * 1024, 0x20);
    inflated.write('{"name":"bomb","manifest":"');
    const helmText = gzipSync(inflated).toString('base64');
    assert.ok(helmText.length < 200_000, 'a small record');
    const bomb: JsonObject = {
      ...secret(release('bomb', 1)),
      data: { release: Buffer.from(helmText).toString('base64') },
    };
    const heapBefore = process.memoryUsage().arrayBuffers;
    await assert.rejects(decodeRecord(bomb), (err: unknown) => {
      assert.ok(err instanceof UnreadableRelease);
      assert.match(
        err.message,
        /web\/sh\.helm\.release\.v1\.bomb\.v1 is unreadable: it inflates to more than 33554432 bytes/,
      );
      return true;
    });
    assert.ok(process.memoryUsage().arrayBuffers - heapBefore < MAX_RELEASE_JSON_BYTES + 16 * 1024 * 1024);

    const decoded = await decodeReleases([bomb, secret(release('web', 2))]);
    assert.deepEqual(
      decoded.releases.map((r) => r.name),
      ['web'],
      'the readable release is still reported',
    );
    assert.equal(decoded.warnings.length, 1);
    assert.match(decoded.warnings[0] ?? '', /bomb\.v1 is unreadable: it inflates to more than/);
  });

  it('refuses an oversized record before decoding it, and a broken gzip with its reason', async () => {
    const big = secret(release('web', 1));
    await assert.rejects(
      decodeRecord(big, { maxRecordBytes: 100 }),
      /is unreadable: \d+ bytes, more than 100/,
    );
    const broken = {
      ...big,
      data: {
        release: Buffer.from(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]).toString('base64')).toString('base64'),
      },
    };
    await assert.rejects(decodeRecord(broken), /is unreadable: its gzip data is broken/);
  });
});
