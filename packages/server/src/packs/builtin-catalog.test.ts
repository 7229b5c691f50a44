import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  loadYaml,
  resolveProfiles,
  validateProfile,
  validatePack,
  type LayerOverride,
  type MacroScopes,
  type ProfileDocument,
  type SystemValues,
} from '@strata/core';
import { builtInCatalogDir, loadCatalogDirectory } from './catalog-loader.js';

/** Reads the YAML block that follows `<!-- example:NAME -->` in docs/reference/profiles.md. */
function docExample(name: string): unknown {
  const doc = readFileSync(new URL('../../../../docs/reference/profiles.md', import.meta.url), 'utf8');
  const m = new RegExp(`<!-- example:${name} -->\\s*\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(doc);
  assert.ok(m, `example ${name} is in the doc`);
  return loadYaml(m[1] as string, { booleans: 'yaml-1.2' });
}

describe('built-in catalog', async () => {
  const { packs, failures, catalog } = await loadCatalogDirectory();

  it('loads every pack directory without an issue', () => {
    assert.deepEqual(failures, []);
    assert.ok(packs.length >= 30, `${packs.length} packs`);
    for (const pack of packs) assert.deepEqual(validatePack(pack), [], `${pack.name}@${pack.version}`);
  });

  it('holds the packs the catalog promises, by layer', () => {
    const names = (layer: string) =>
      [...new Set(packs.filter((p) => p.layer === layer).map((p) => p.name))].sort();
    assert.deepEqual(names('os'), ['flatcar', 'ubuntu']);
    assert.deepEqual(names('k8s'), ['k3s', 'kubeadm', 'kubernetes', 'rke2']);
    assert.deepEqual(names('cni'), ['calico', 'cilium', 'flannel', 'sandbox-cni']);
    assert.deepEqual(names('csi'), [
      'aws-ebs-csi-driver',
      'azuredisk-csi-driver',
      'gcp-pd',
      'local-path-provisioner',
      'longhorn',
      'sandbox-csi',
      'vsphere-csi',
    ]);
    for (const n of [
      'argo-cd',
      'cert-manager',
      'demo-app',
      'external-dns',
      'ingress-nginx',
      'kube-prometheus-stack',
      'metrics-server',
      'namespaces',
      'rbac-baseline',
      'velero',
    ]) {
      assert.ok(names('addon').includes(n), n);
    }
    assert.deepEqual(catalog.versions('ubuntu'), ['22.04.5', '24.04.1']);
    assert.ok(catalog.get('kubernetes', '1.36.3'));
    assert.equal(
      catalog
        .get('demo-app', '0.1.0')
        ?.bundledChart?.files?.['templates/deployment.yaml']?.includes('.Release.Name'),
      true,
    );
    for (const [file, text] of Object.entries(catalog.get('demo-app', '0.1.0')?.bundledChart?.files ?? {})) {
      assert.doesNotMatch(
        text,
        /\{ \{/,
        `${file}: Helm actions intact (a YAML formatter must not touch chart templates)`,
      );
    }
    for (const p of packs.filter((x) => x.chart))
      assert.match(p.chart?.repository ?? '', /^https:\/\//, `${p.name} references an upstream repository`);
  });

  it('the worked example in docs/reference/profiles.md validates and resolves to the same hash twice', () => {
    const profile = docExample('profile') as ProfileDocument;
    const input = docExample('resolve') as {
      macros: MacroScopes;
      system: SystemValues;
      variables: Record<string, unknown>;
      overrides: Record<string, LayerOverride>;
    };
    assert.deepEqual(validateProfile({ profile, catalog }), []);
    const run = () =>
      resolveProfiles({
        catalog,
        macros: input.macros,
        system: input.system,
        profiles: [{ profile, variables: input.variables, overrides: input.overrides }],
      });
    const a = run();
    const b = run();
    assert.equal(a.hash, b.hash);
    assert.equal(a.layers.length, 9);
    const by = (n: string) => a.layers.find((l) => l.name === n);
    assert.deepEqual(by('kubernetes')?.values.apiServer, {
      extraArgs: {},
      certSANs: ['shop-eu-1.clusters.example.org'],
    });
    assert.deepEqual(by('ingress-nginx')?.helm?.values, {
      controller: { replicaCount: 3, service: { type: 'NodePort' } },
    });
    assert.deepEqual(by('demo-app')?.helm?.values, {
      replicaCount: 2,
      message: 'hello from shop-eu-1 (prod)',
      service: { type: 'NodePort', port: 80 },
    });
    assert.deepEqual(
      by('apps-namespace')?.manifests.map((m) => m.kind),
      ['Namespace', 'ResourceQuota', 'LimitRange'],
    );
    assert.equal(
      (by('cluster-info')?.manifests[0]?.data as Record<string, string>).registry,
      'registry.retail.example.org',
    );
    assert.equal((by('cluster-info')?.manifests[0]?.data as Record<string, string>).kubernetes, '1.36.3');
    assert.deepEqual(
      by('sandbox-csi')?.manifests.map((m) => m.kind),
      ['CSIDriver', 'StorageClass', 'Namespace', 'DaemonSet'],
    );
  });

  it('a cloud infra profile with an upstream CNI validates; the Kubernetes range of the CNI is enforced', () => {
    const infra = (k8s: { pack: string; version: string }, cni: string) => ({
      metadata: { name: 'aws-infra' },
      spec: {
        type: 'full' as const,
        version: '1.0.0',
        layers: [
          { pack: 'ubuntu', version: '22.04.5' },
          k8s,
          { pack: cni.split('@')[0] as string, version: cni.split('@')[1] as string },
          { pack: 'aws-ebs-csi-driver', version: '2.38.1' },
          { pack: 'cert-manager', version: '1.18.2' },
          { pack: 'kube-prometheus-stack', version: '75.15.0', presets: ['minimal'] },
        ],
      },
    });
    assert.deepEqual(
      validateProfile({ profile: infra({ pack: 'kubeadm', version: '1.33.4' }, 'calico@3.30.1'), catalog }),
      [],
    );
    assert.deepEqual(
      validateProfile({ profile: infra({ pack: 'kubeadm', version: '1.33.4' }, 'cilium@1.18.4'), catalog }),
      [],
    );
    const tooNew = validateProfile({
      profile: infra({ pack: 'kubernetes', version: '1.36.3' }, 'calico@3.30.1'),
      catalog,
    });
    assert.deepEqual(
      tooNew.map((i) => [i.path, i.code]),
      [['/spec/layers/2/version', 'STRATA_KUBERNETES_VERSION']],
    );
  });

  it('a broken pack directory is reported with its issues while the others load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-catalog-'));
    try {
      await mkdir(join(dir, 'good', '1.0.0'), { recursive: true });
      await writeFile(
        join(dir, 'good', '1.0.0', 'pack.yaml'),
        'name: good\nversion: 1.0.0\nlayer: addon\ntype: manifest\n',
      );
      await mkdir(join(dir, 'bad', '1.0.0'), { recursive: true });
      await writeFile(
        join(dir, 'bad', '1.0.0', 'pack.yaml'),
        'name: bad\nversion: 1.0.0\nlayer: addon\ntype: helm\n',
      );
      await mkdir(join(dir, 'moved', '2.0.0'), { recursive: true });
      await writeFile(
        join(dir, 'moved', '2.0.0', 'pack.yaml'),
        'name: moved\nversion: 1.0.0\nlayer: addon\ntype: manifest\n',
      );
      const r = await loadCatalogDirectory({ dir });
      assert.deepEqual(
        r.packs.map((p) => p.name),
        ['good'],
      );
      assert.deepEqual(
        r.failures.map((f) => [f.dir.slice(dir.length), f.issues.map((i) => i.path)]),
        [
          ['/bad/1.0.0', ['/pack.yaml']],
          ['/moved/2.0.0', ['/pack.yaml']],
        ],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds the repository catalog by default', () => {
    assert.match(builtInCatalogDir(), /packs$/);
  });
});
