import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSingleYaml } from '../yaml/load-yaml.js';
import { getValueAt } from '../values/value-path.js';
import { emitYaml } from '../yaml/emit-yaml.js';
import type { JsonValue } from '../util/json.js';
import type { PackFiles } from '../packs/load-pack.js';
import { validatePack } from '../packs/validate-pack.js';
import { convertPalettePack, type PalettePackResult } from './convert-pack.js';
import { formatNotes } from './report.js';
import { assertGolden, readFixturePack } from './test-fixtures.js';

/** The golden text of a conversion: the report, then the pack (a chart archive as its size). */
function golden(r: PalettePackResult): string {
  const pack = r.pack
    ? {
        ...r.pack,
        ...(r.pack.bundledChart?.archive
          ? {
              bundledChart: {
                ...r.pack.bundledChart,
                archive: `<${r.pack.bundledChart.archive.length} base64 chars>`,
              },
            }
          : {}),
      }
    : null;
  return `# report\n${formatNotes(r.notes)}# pack\n${emitYaml(pack as unknown as JsonValue)}`;
}

const notesAt = (r: PalettePackResult, action: string) =>
  r.notes.filter((n) => n.action === action).map((n) => n.path);

describe('convertPalettePack: fixture packs (golden reports)', () => {
  for (const dir of ['nginx-ingress-chart', 'hello-manifests', 'ubuntu-aws', 'kubernetes-1.29']) {
    it(dir, () => {
      const r = convertPalettePack(readFixturePack(dir), dir);
      assert.ok(r.pack, formatNotes(r.notes));
      assert.deepEqual(validatePack(r.pack), []);
      assertGolden(`pack-${dir}.txt`, golden(r));
    });
  }
});

describe('convertPalettePack: rules', () => {
  const nginx = convertPalettePack(readFixturePack('nginx-ingress-chart'), 'nginx-ingress-chart');

  it('a chart pack: the charts.<chart> subtree becomes the values, comments kept, other charts reported', () => {
    const pack = nginx.pack!;
    assert.equal(pack.name, 'nginx');
    assert.equal(pack.type, 'helm');
    assert.deepEqual(
      { name: pack.bundledChart?.name, version: pack.bundledChart?.version },
      { name: 'ingress-nginx', version: '4.9.1' },
    );
    assert.match(pack.values ?? '', /# How many controller pods run\.\n {2}replicaCount: 2/);
    assert.ok(!pack.values?.includes('old-backend'));
    assert.ok(notesAt(nginx, 'dropped').includes('/values.yaml/charts/old-backend'));
    assert.equal(pack.namespace, 'ingress-nginx');
  });

  it('the directory name differs from the pack name: the name wins and the report says so', () => {
    assert.ok(
      nginx.notes.some((n) => n.message.includes('directory "nginx-ingress-chart" is not the pack\'s name')),
    );
  });

  it('unknown keys, group, annotations and resource constraints are reported, not dropped silently', () => {
    const dropped = notesAt(nginx, 'dropped');
    for (const path of [
      '/pack.json/ownerTeam',
      '/pack.json/group',
      '/pack.json/annotations',
      '/pack.json/constraints/resources',
    ])
      assert.ok(dropped.includes(path), path);
  });

  it('dependencies become constraints; a k8s dependency is the Kubernetes range', () => {
    assert.deepEqual(nginx.pack?.constraints, {
      optional: [{ pack: 'cert-manager', range: '>=1.12.0' }],
      kubernetes: '>=1.26.0 <=1.36.99',
      conflicts: [{ pack: 'traefik' }],
    });
  });

  it('macros: system and user macros translated; cross-pack and unknown system macros leave their value out', () => {
    const values = parseSingleYaml(nginx.pack?.values ?? '', { booleans: 'helm' }).value;
    const at = (...keys: string[]) => getValueAt(values, ['controller', ...keys]);
    assert.equal(at('config', 'log-format-upstream'), '{{ .system.cluster.name }} $remote_addr');
    assert.equal(at('podAnnotations', 'owner'), '{{ .macro.team-name }}');
    assert.equal(at('podAnnotations', 'created'), undefined);
    assert.equal(at('extraArgs', 'default-ssl-certificate'), undefined);
    const dropped = notesAt(nginx, 'dropped');
    assert.ok(dropped.includes('/values.yaml/charts/ingress-nginx/controller/podAnnotations/created'));
    assert.ok(
      dropped.includes('/values.yaml/charts/ingress-nginx/controller/extraArgs/default-ssl-certificate'),
    );
  });

  it('presets: paths rebased onto the chart values, add re-rooted; paths outside the layer reported', () => {
    assert.deepEqual(nginx.pack?.presets?.[0], {
      name: 'nodeport',
      displayName: 'NodePort service',
      group: 'Service',
      remove: ['controller.service.type'],
      add: 'controller:\n  service:\n    type: NodePort\n',
    });
    assert.ok(notesAt(nginx, 'dropped').includes('/presets.yaml/presets/1/remove/0'));
  });

  it('schema hints become a JSON Schema over the layer values', () => {
    const at = (...keys: string[]) =>
      getValueAt((nginx.pack?.schema ?? null) as JsonValue, ['properties', 'controller', ...keys]);
    assert.deepEqual(at('required'), ['replicaCount']);
    assert.equal(at('properties', 'replicaCount', 'description'), 'Controller replicas');
    assert.equal(
      at('properties', 'config', 'properties', 'proxy-body-size', 'pattern'),
      '^(-?[0-9]+(\\.[0-9]+)?)m$',
    );
  });

  it('a manifest pack: .Values in templates reads the layer values under the manifest base', () => {
    const r = convertPalettePack(readFixturePack('hello-manifests'), 'hello-manifests');
    const hello = r.pack?.manifests?.find((m) => m.name === 'hello.yaml');
    assert.match(
      hello?.content ?? '',
      /message: '\{\{ \.values\.hello\.message \}\} from \{\{ \.system\.cluster\.name \}\}'/,
    );
    assert.equal(r.pack?.values, 'hello:\n  message: hello\n  replicas: 1\nrbac:\n  group: developers\n');
    assert.deepEqual(r.pack?.providers, ['aws', 'vsphere', 'edge']);
    assert.ok(r.notes.some((n) => n.action === 'dropped' && n.message.includes('"tke"')));
  });

  it('OS and Kubernetes packs: kubeadmconfig and the pack CIDRs map to the layer values providers read', () => {
    const r = convertPalettePack(readFixturePack('kubernetes-1.29'), 'kubernetes-1.29');
    const values = parseSingleYaml(r.pack?.values ?? '', { booleans: 'helm' }).value;
    const at = (...keys: string[]) => getValueAt(values, keys);
    assert.equal(at('podCIDR'), '192.168.0.0/16');
    assert.equal(at('serviceCIDR'), '10.96.0.0/12');
    assert.deepEqual(at('kubelet'), { extraArgs: { 'read-only-port': '0', 'event-qps': '0' } });
    assert.equal(at('apiServer', 'extraArgs', 'audit-log-maxage'), '30');
    assert.deepEqual(at('kubeadm', 'preKubeadmCommands'), [
      'echo "====> Applying kernel parameters for Kubelet"',
    ]);
    assert.ok(notesAt(r, 'dropped').includes('/values.yaml/kubeadmconfig/preKubeadmCommands/0'));
    const os = convertPalettePack(readFixturePack('ubuntu-aws'), 'ubuntu-aws');
    assert.equal(os.pack?.version, '22.04.0');
    assert.equal(os.pack?.layer, 'os');
  });

  const minimal = (json: object, extra: PackFiles = {}): PackFiles => ({
    'pack.json': JSON.stringify({ name: 'p', version: '1.0.0', layer: 'addon', ...json }),
    ...extra,
  });
  const cases: { name: string; given: PackFiles; error: string }[] = [
    { name: 'no pack.json', given: { 'values.yaml': 'a: 1' }, error: '/pack.json' },
    {
      name: 'kernel layer',
      given: minimal({ layer: 'kernel', kubeManifests: [] }),
      error: '/pack.json/layer',
    },
    { name: 'no content', given: minimal({}), error: '/pack.json' },
    { name: 'bad version', given: minimal({ version: 'latest' }), error: '/pack.json/version' },
    {
      name: 'manifest template with a condition',
      given: minimal(
        { kubeManifests: ['manifests/a.yaml'] },
        { 'manifests/a.yaml': 'kind: ConfigMap\n{{ if .Values.on }}data: {}{{ end }}\n' },
      ),
      error: '/manifests~1a.yaml',
    },
    {
      name: 'chart archive missing',
      given: minimal({ charts: ['charts/x-1.0.0.tgz'] }),
      error: '/charts~1x-1.0.0.tgz',
    },
    {
      name: 'values are not YAML',
      given: minimal(
        { kubeManifests: ['manifests/a.yaml'] },
        { 'manifests/a.yaml': 'kind: ConfigMap\n', 'values.yaml': 'a: [1\n' },
      ),
      error: '/values.yaml',
    },
    {
      name: 'an alias bomb in values is refused by the bounded reader',
      given: minimal(
        { kubeManifests: ['manifests/a.yaml'] },
        {
          'manifests/a.yaml': 'kind: ConfigMap\n',
          'values.yaml': `a: &a [${'x,'.repeat(50)}x]\n${Array.from({ length: 150 }, (_, i) => `k${i}: [*a, *a]`).join('\n')}\n`,
        },
      ),
      error: '/values.yaml',
    },
  ];
  for (const c of cases)
    it(`not imported: ${c.name}`, () => {
      const r = convertPalettePack(c.given, 'p');
      assert.equal(r.pack, undefined);
      assert.ok(
        r.notes.some((n) => n.action === 'error' && n.path.startsWith(c.error)),
        formatNotes(r.notes),
      );
    });
});
