import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cannedObject, problemReply, startCannedServer, type CannedServer } from '@strata/client/testing';
import { run } from '../testing/run.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/palette/', import.meta.url));
const nginx = cannedObject({
  kind: 'Pack',
  name: 'nginx',
  spec: { version: '1.9.4', layer: 'addon', type: 'helm' },
});
const report = [
  { path: '/pack.json/name', action: 'translated', message: '"Nginx" → nginx (pack names are DNS labels)' },
  { path: '/pack.json/group', action: 'dropped', message: 'Palette pack group; Strata has no pack groups' },
];

describe('strata pack import / profile import --from palette', () => {
  let server: CannedServer;
  before(async () => {
    server = await startCannedServer({
      'POST /v1/packs/import': [
        {
          body: {
            source: 'nginx-ingress-chart',
            action: 'convertible',
            name: 'nginx',
            version: '1.9.4',
            report,
          },
        },
        {
          status: 201,
          body: {
            source: 'nginx-ingress-chart',
            action: 'created',
            name: 'nginx',
            version: '1.9.4',
            report,
            object: nginx,
          },
        },
        problemReply('STRATA_IMPORT_UNMAPPED', 'the Palette pack x cannot be imported: 1 problems', [
          { path: '/pack.json/layer', message: 'Strata has no kernel layer' },
        ]),
      ],
      'POST /v1/projects/retail/clusterprofiles/import': {
        body: {
          format: 'yaml',
          report: [],
          items: [
            {
              source: '/',
              action: 'invalid',
              name: 'sandbox-full',
              version: '1.0.0',
              report: [{ path: '/type', action: 'translated', message: '"cluster" → full' }],
              issues: [
                {
                  path: '/spec/layers/4/version',
                  message: 'nginx@1.9.4 is not in the catalog',
                  code: 'STRATA_PACK_NOT_FOUND',
                },
              ],
            },
          ],
        },
      },
    });
  });
  beforeEach(() => server.requests.splice(0));
  after(async () => server.close());
  const env = () => ({ STRATA_SERVER: server.url });

  it('pack import sends the directory with its name and prints the report; --dry-run says so', async () => {
    const dir = `${FIXTURES}packs/nginx-ingress-chart`;
    const dry = await run(['pack', 'import', '--from', 'palette', dir, '--dry-run'], { env: env() });
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(
      dry.stdout,
      'pack/nginx@1.9.4 would be imported (dry run) from nginx-ingress-chart (1 translated, 1 left out, 0 errors)\n' +
        '  translated /pack.json/name: "Nginx" → nginx (pack names are DNS labels)\n' +
        '  dropped    /pack.json/group: Palette pack group; Strata has no pack groups\n',
    );
    const body = JSON.parse(server.requests[0]!.body) as {
      from: string;
      source: string;
      dryRun: boolean;
      files: Record<string, unknown>;
    };
    assert.deepEqual([body.from, body.source, body.dryRun], ['palette', 'nginx-ingress-chart', true]);
    assert.ok(typeof body.files['pack.json'] === 'string');
    assert.ok(
      typeof (body.files['charts/ingress-nginx-4.9.1.tgz'] as { base64?: string }).base64 === 'string',
    );

    const real = await run(['pack', 'import', '--from', 'palette', dir], { env: env() });
    assert.match(real.stdout, /^pack\/nginx@1\.9\.4 created from nginx-ingress-chart/);
    assert.equal((JSON.parse(server.requests[1]!.body) as { dryRun?: boolean }).dryRun, undefined);

    const refused = await run(['pack', 'import', '--from', 'palette', dir], { env: env() });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /\/pack\.json\/layer: Strata has no kernel layer\ncode: STRATA_IMPORT_UNMAPPED/,
    );
  });

  it('only --from palette is known', async () => {
    const r = await run(['pack', 'import', '--from', 'rancher', '.'], { env: env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /only "palette" is supported/);
    assert.equal(server.requests.length, 0);
  });

  it('profile import sends the text to the project and prints the report and validation problems (exit 1)', async () => {
    const file = `${FIXTURES}profiles/sandbox-full.yaml`;
    const r = await run(['profile', 'import', '--from', 'palette', file, '-p', 'retail', '--dry-run'], {
      env: env(),
    });
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      'format: yaml\n' +
        'clusterprofile/sandbox-full@1.0.0 would not be created: 1 validation problems (dry run) (1 translated, 0 left out, 0 errors)\n' +
        '  translated /type: "cluster" → full\n' +
        '  invalid    /spec/layers/4/version: nginx@1.9.4 is not in the catalog (STRATA_PACK_NOT_FOUND)\n',
    );
    const body = JSON.parse(server.requests[0]!.body) as { from: string; text: string; dryRun: boolean };
    assert.equal(body.from, 'palette');
    assert.match(body.text, /^# A Palette cluster profile export/);
    assert.equal(body.dryRun, true);
  });
});
