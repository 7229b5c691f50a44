import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../util/json.js';
import { emitYaml } from '../yaml/emit-yaml.js';
import { convertPaletteProfiles, type ConvertPaletteProfilesResult } from './convert-profile.js';
import { formatNotes } from './report.js';
import { assertGolden, readFixtureProfile } from './test-fixtures.js';

function golden(r: ConvertPaletteProfilesResult): string {
  let out = `# format ${r.format}\n${formatNotes(r.notes)}`;
  for (const p of r.profiles)
    out += `# profile ${p.source}\n${formatNotes(p.notes)}${p.profile ? emitYaml(p.profile as unknown as JsonValue) : '(not imported)\n'}`;
  return out;
}

describe('convertPaletteProfiles: fixtures (golden reports)', () => {
  for (const file of ['sandbox-full.yaml', 'sandbox-hello.yaml', 'prod-aws.json', 'prod-aws.tf']) {
    it(file, () => {
      const r = convertPaletteProfiles({ text: readFixtureProfile(file), project: 'retail' });
      assertGolden(`profile-${file}.txt`, golden(r));
    });
  }
});

describe('convertPaletteProfiles: rules', () => {
  const full = convertPaletteProfiles({ text: readFixtureProfile('sandbox-full.yaml') });
  const profile = full.profiles[0]!.profile!;

  it('export YAML: a cluster profile with add-ons is full; layers in Strata order; names as DNS labels', () => {
    assert.equal(full.format, 'yaml');
    assert.equal(profile.metadata.name, 'sandbox-full');
    assert.equal(profile.spec.type, 'full');
    assert.deepEqual(
      profile.spec.layers.map((l) => ('pack' in l ? l.pack : l.name)),
      ['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi', 'nginx', 'hello-manifests', 'cluster-info'],
    );
  });

  it('enabled presets become the layer presets; pack.namespace the layer namespace; variables translated', () => {
    const nginx = profile.spec.layers.find((l) => 'pack' in l && l.pack === 'nginx');
    assert.deepEqual(nginx && 'presets' in nginx ? nginx.presets : undefined, ['nodeport']);
    assert.equal(nginx && 'namespace' in nginx ? nginx.namespace : undefined, 'ingress-nginx');
    assert.match(
      nginx && 'values' in nginx ? (nginx.values ?? '') : '',
      /replicaCount: \{\{ \.var\.ingressReplicas \}\}/,
    );
    assert.deepEqual(profile.spec.variables?.[0], {
      name: 'ingressReplicas',
      type: 'number',
      displayName: 'Ingress replicas',
      required: true,
      default: 1,
    });
  });

  it('a cross-pack reference is inlined from the layer that holds the value', () => {
    const cni = profile.spec.layers.find((l) => 'pack' in l && l.pack === 'sandbox-cni');
    assert.equal(cni && 'values' in cni ? cni.values : undefined, "podCIDR: '10.244.0.0/16'\n");
  });

  it('a manifest pack becomes a manifest layer with translated macros', () => {
    const info = profile.spec.layers.find((l) => 'manifest' in l);
    assert.match(info && 'manifest' in info ? info.manifest : '', /uid: '\{\{ \.system\.cluster\.uid \}\}'/);
  });

  it('import JSON: spec.template, variables with sensitive and unsupported formats reported', () => {
    const r = convertPaletteProfiles({ text: readFixtureProfile('prod-aws.json') });
    const p = r.profiles[0]!;
    assert.equal(r.format, 'json');
    assert.equal(p.profile?.spec.type, 'infra');
    assert.equal(p.profile?.spec.version, '2.1.0');
    assert.deepEqual(p.profile?.spec.providers, ['aws']);
    assert.deepEqual(p.profile?.spec.variables?.[1], { name: 'adminToken', type: 'secret', sensitive: true });
    const dropped = p.notes.filter((n) => n.action === 'dropped').map((n) => n.path);
    assert.ok(dropped.includes('/spec/variables/1/defaultValue'));
    assert.ok(dropped.includes('/spec/variables/2/name'));
    assert.ok(
      dropped.includes('/spec/template/packs/2/values/charts/calico/installation/kubeletVolumePluginPath'),
    );
  });

  it('Terraform: every spectrocloud_cluster_profile; layers from position; what needs Terraform is reported', () => {
    const r = convertPaletteProfiles({ text: readFixtureProfile('prod-aws.tf') });
    assert.equal(r.format, 'hcl');
    assert.deepEqual(
      r.profiles.map((p) => p.profile?.metadata.name),
      ['prod-aws-infra', 'hello-addon'],
    );
    assert.equal(r.profiles[0]?.profile?.spec.type, 'infra');
    assert.equal(r.profiles[1]?.profile?.spec.type, 'addon');
    assert.ok(r.notes.some((n) => n.path.endsWith('/pack/2/values') && n.message.includes('file(')));
  });

  it('an untranslatable macro in an inline manifest keeps that profile out, with the reason', () => {
    const r = convertPaletteProfiles({
      text: 'name: x\ntype: add-on\npacks:\n  - name: m\n    type: manifest\n    layer: addon\n    manifests:\n      - name: m\n        content: "kind: ConfigMap\\nx: {{ .spectro.system.user.email }}\\n"\n',
    });
    assert.equal(r.profiles[0]?.profile, undefined);
    assert.ok(r.profiles[0]?.notes.some((n) => n.action === 'error' && n.message.includes('user.email')));
  });

  it('unreadable input is one error note, nothing converted', () => {
    for (const text of ['{"name": ', 'resource "spectrocloud_cluster_profile" "x" {\n name = "a"\n', 'a: [1'])
      assert.ok(
        convertPaletteProfiles({ text }).notes.some((n) => n.action === 'error'),
        text,
      );
  });
});
