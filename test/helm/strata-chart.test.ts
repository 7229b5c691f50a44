/**
 * deploy/helm/strata with the real helm binary (from the local Kubernetes binary set): lint, template for every
 * preset, the schema's refusals, server-side dry run of every rendered object against a sandbox kube-apiserver with
 * fieldValidation=Strict in a namespace enforcing Pod Security `restricted`, and install / upgrade / uninstall into
 * that sandbox cluster. Its nodes are kwok-simulated: pods are scheduled and marked ready, no container runs (the
 * probes and the server itself are not exercised here).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { binaryPath, findBinarySet } from '@strata/sandbox';
import { requireSandboxBinaries, useSandboxCluster } from '@strata/testing';
import {
  CHART,
  env,
  Helm,
  kubectl,
  only,
  parseObjects,
  podTemplate,
  REQUIRED,
  type K8sObject,
} from './chart-support.js';

const PRESETS = {
  small: { requests: { cpu: '500m', memory: '768Mi' }, limits: { memory: '1Gi' } },
  medium: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } },
  large: { requests: { cpu: '2', memory: '2Gi' }, limits: { memory: '3Gi' } },
} as const;
const BASE_KINDS = ['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'];
const ROUTE_API = 'gateway.networking.k8s.io/v1/HTTPRoute';
const MONITOR_API = 'monitoring.coreos.com/v1/ServiceMonitor';
const ROUTE = ['--set', 'httpRoute.enabled=true', '--set', 'httpRoute.parentRefs[0].name=public'];
const MONITOR = ['--set', 'serviceMonitor.enabled=true', '--set', 'serviceMonitor.apiKeySecret.name=scrape'];
const DIGEST = `sha256:${'ab'.repeat(32)}`;

const kinds = (objects: K8sObject[]) => objects.map((o) => o.kind).sort();

async function helmFromCache(): Promise<Helm> {
  await requireSandboxBinaries();
  const set = await findBinarySet({});
  return Helm.create(binaryPath(set!, 'helm'));
}

describe('Helm chart deploy/helm/strata: lint, template, schema', () => {
  let helm: Helm;
  before(async () => {
    helm = await helmFromCache();
  });
  after(() => helm?.dispose());

  it('passes helm lint and helm lint --strict for every preset', async () => {
    for (const preset of Object.keys(PRESETS)) {
      for (const strict of [[], ['--strict']]) {
        const out = await helm.ok(['lint', CHART, ...strict, ...REQUIRED, '--set', `preset=${preset}`]);
        assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      }
    }
  });

  it('refuses to render without the key ring Secret, naming the value to set (lint reports it)', async () => {
    // helm lint runs `fail` in lint mode: it reports the message and passes, so `helm lint CHART` works bare.
    const linted = await helm.run(['lint', CHART, '--set', 'database.existingSecret=strata-db']);
    assert.match(linted.stderr, /encryption\.existingSecret is required/);
    const error = await helm.templateError([], ['--set', 'database.existingSecret=strata-db']);
    assert.match(error, /encryption\.existingSecret is required: create a Secret with the key ring/);
  });

  for (const [preset, resources] of Object.entries(PRESETS)) {
    it(`renders preset ${preset}: 2 replicas, its resources, restricted security, probes, PDB, spread`, async () => {
      const objects = await helm.template(['--set', `preset=${preset}`]);
      assert.deepEqual(kinds(objects), BASE_KINDS);
      const deployment = only(objects, 'Deployment');
      assert.equal((deployment.spec as { replicas: number }).replicas, 2);
      assert.equal(deployment.metadata.labels?.['strata.dev/preset'], preset);
      const pod = podTemplate(deployment).spec;
      const container = pod.containers[0]!;
      assert.deepEqual(container.resources, resources);
      assert.deepEqual(container.args, ['server']);
      assert.equal(container.image, 'strata/server:0.1.0');
      assert.deepEqual(pod.securityContext, {
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      assert.deepEqual(container.securityContext, {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      assert.equal(pod.automountServiceAccountToken, false);
      assert.deepEqual(container.startupProbe.httpGet, { path: '/healthz', port: 'http' });
      assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
      assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
      assert.deepEqual(
        pod.topologySpreadConstraints?.map((c) => c.topologyKey),
        ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'],
      );
      assert.deepEqual(only(objects, 'PodDisruptionBudget').spec?.maxUnavailable, 1);
      const e = env(deployment);
      assert.deepEqual(e.get('STRATA_ENCRYPTION_KEYS')?.valueFrom?.secretKeyRef, {
        name: 'strata-keys',
        key: 'keys',
      });
      assert.deepEqual(e.get('STRATA_DATABASE_URL')?.valueFrom?.secretKeyRef, {
        name: 'strata-db',
        key: 'url',
      });
      assert.equal(e.get('STRATA_LISTEN')?.value, '0.0.0.0:7080');
      assert.equal(e.get('STRATA_SANDBOX_AUTO_INSTALL')?.value, 'false');
      assert.equal(e.get('STRATA_ADVERTISE_URL')?.value, 'http://strata.strata.svc:7080');
    });
  }

  it('builds the PostgreSQL URL from parts; the password stays in a Secret (PGPASSWORD)', async () => {
    const parts = ['--set', 'encryption.existingSecret=keys', '--set', 'database.host=pg.db.svc'];
    const given = await helm.ok(['template', 'strata', CHART, ...parts, '--set', 'database.password=s3cret']);
    const objects = parseObjects(given);
    assert.deepEqual(kinds(objects), [...BASE_KINDS, 'Secret'].sort());
    const e = env(only(objects, 'Deployment'));
    assert.equal(
      e.get('STRATA_DATABASE_URL')?.value,
      'postgres://strata@pg.db.svc:5432/strata?sslmode=verify-full',
    );
    assert.deepEqual(e.get('PGPASSWORD')?.valueFrom?.secretKeyRef, {
      name: 'strata-database',
      key: 'password',
    });
    assert.doesNotMatch(JSON.stringify(only(objects, 'Deployment')), /s3cret/);
    const fromSecret = await helm.ok([
      'template',
      'strata',
      CHART,
      ...parts,
      '--set',
      'database.passwordSecret.name=pg-app',
    ]);
    assert.doesNotMatch(fromSecret, /kind: Secret/);
    assert.match(fromSecret, /name: pg-app\s+key: password/);
    assert.match(
      await helm.templateError([], ['--set', 'encryption.existingSecret=keys']),
      /PostgreSQL is required: set database.existingSecret/,
    );
    assert.match(await helm.templateError([], parts), /database.host is set but no password/);
  });

  it('pulls by digest when one is given; ingress sets the advertised URL', async () => {
    const objects = await helm.template([
      ...['--set', `image.digest=${DIGEST}`, '--set', 'ingress.enabled=true'],
      ...['--set', 'ingress.host=strata.example.org', '--set', 'ingress.tlsSecretName=strata-tls'],
    ]);
    const deployment = only(objects, 'Deployment');
    assert.equal(podTemplate(deployment).spec.containers[0]!.image, `strata/server@${DIGEST}`);
    assert.equal(env(deployment).get('STRATA_ADVERTISE_URL')?.value, 'https://strata.example.org');
    assert.ok(objects.some((o) => o.kind === 'Ingress'));
  });

  it('the schema refuses bad values with a message naming the value', async () => {
    const cases: [string[], RegExp][] = [
      [['--set', 'replicaCount=0'], /replicaCount/],
      [['--set', 'preset=huge'], /preset/],
      [['--set', 'image.digest=latest'], /image\/digest|image\.digest/],
      [['--set', 'securityContext.readOnlyRootFilesystem=false'], /readOnlyRootFilesystem/],
      [['--set', 'podSecurityContext.runAsNonRoot=false'], /runAsNonRoot/],
      [['--set', 'securityContext.capabilities.add[0]=NET_ADMIN'], /capabilities/],
      [['--set', 'database.sslmode=sometimes'], /sslmode/],
      [['--set', 'replicas=3'], /replicas/],
    ];
    for (const [values, message] of cases) {
      const error = await helm.templateError(values);
      assert.match(error, /values don't meet the specifications of the schema/, values.join(' '));
      assert.match(error, message, values.join(' '));
    }
  });

  it('renders HTTPRoute and ServiceMonitor only when the cluster serves their APIs', async () => {
    const absent = await helm.template([...ROUTE, ...MONITOR]);
    assert.deepEqual(kinds(absent), BASE_KINDS);
    const present = await helm.template([
      ...ROUTE,
      ...MONITOR,
      '--api-versions',
      ROUTE_API,
      '--api-versions',
      MONITOR_API,
    ]);
    assert.deepEqual(kinds(present), [...BASE_KINDS, 'HTTPRoute', 'ServiceMonitor'].sort());
    const monitor = only(present, 'ServiceMonitor').spec as { endpoints: { authorization: unknown }[] };
    assert.deepEqual(monitor.endpoints[0]!.authorization, {
      type: 'Bearer',
      credentials: { name: 'scrape', key: 'api-key' },
    });
    assert.match(
      await helm.templateError(['--set', 'serviceMonitor.enabled=true']),
      /serviceMonitor.apiKeySecret.name/,
    );
  });
});

describe('Helm chart deploy/helm/strata in a sandbox cluster (kwok nodes: no containers run)', () => {
  const sandbox = useSandboxCluster({ workers: 2 });
  let helm: Helm;
  let objects: KubernetesObjectApi;
  let dir: string;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  before(async () => {
    const kc = new KubeConfig();
    kc.loadFromString(sandbox.kubeconfig);
    objects = KubernetesObjectApi.makeApiClient(kc);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    helm = await Helm.create(sandbox.bin('helm'), () => sandbox.kubeconfigPath);
    dir = await mkdtemp(join(tmpdir(), 'strata-chart-'));
    // Pod Security admission enforces (and warns about) the restricted profile in the namespace.
    const restricted = 'restricted';
    const labels = {
      'pod-security.kubernetes.io/enforce': restricted,
      'pod-security.kubernetes.io/warn': restricted,
    };
    await core.createNamespace({ body: { metadata: { name: 'strata', labels } } });
  });
  after(async () => {
    await helm?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the API server accepts every rendered object of every preset (dry run, fieldValidation=Strict)', async () => {
    // kubectl --validate=strict sends fieldValidation=Strict: unknown or duplicate fields are errors, not dropped.
    const dryRun = async (manifest: string) => {
      const file = join(dir, 'manifest.yaml');
      await writeFile(file, manifest);
      const args = ['create', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', file];
      return kubectl(sandbox.bin('kubectl'), sandbox.kubeconfigPath, args);
    };
    const full = [
      ...['--set', 'ingress.enabled=true', '--set', 'networkPolicy.restrictEgress=true'],
      ...['--set', 'networkPolicy.databasePeers[0].ipBlock.cidr=10.0.0.0/8'],
      ...['--set', 'networkPolicy.ingressFrom[0].namespaceSelector.matchLabels.team=edge'],
      ...['--set', 'podDisruptionBudget.maxUnavailable=null', '--set', 'podDisruptionBudget.minAvailable=1'],
      ...['--set', 'database.existingSecret=', '--set', 'database.host=pg', '--set', 'database.password=pw'],
    ];
    for (const preset of Object.keys(PRESETS)) {
      const manifest = await helm.render(['--set', `preset=${preset}`, ...(preset === 'large' ? full : [])]);
      const { stdout, stderr } = await dryRun(manifest);
      assert.doesNotMatch(
        stderr,
        /PodSecurity/,
        `preset ${preset}: meets the restricted Pod Security profile`,
      );
      const accepted = stdout.trim().split('\n');
      assert.deepEqual(
        accepted.map((name) => name.split('/')[0]!.split('.')[0]).sort(),
        parseObjects(manifest)
          .map((o) => o.kind.toLowerCase())
          .sort(),
        `preset ${preset}: every object accepted`,
      );
    }
    const noSeccomp = [
      '--set',
      'podSecurityContext.seccompProfile=null',
      '--set',
      'securityContext.seccompProfile=null',
    ];
    const loose = await dryRun(await helm.render(noSeccomp));
    assert.match(loose.stderr, /would violate PodSecurity "restricted:latest": seccompProfile/);
    const service = await helm.render(['--show-only', 'templates/service.yaml']);
    await assert.rejects(
      dryRun(service.replace('  selector:', '  selectr: {}\n  selector:')),
      /unknown field "spec.selectr"/,
    );
  });

  it('installs, upgrades and uninstalls; every object is created as rendered', async () => {
    await core.createNamespacedSecret({
      namespace: 'strata',
      body: {
        metadata: { name: 'strata-keys' },
        stringData: { keys: `k1:${Buffer.alloc(32, 7).toString('base64')}` },
      },
    });
    await core.createNamespacedSecret({
      namespace: 'strata',
      body: { metadata: { name: 'strata-db' }, stringData: { url: 'postgres://strata@pg:5432/strata' } },
    });
    const install = ['--namespace', 'strata', ...REQUIRED, '--set', 'topologySpread.hostname=DoNotSchedule'];
    await helm.ok(['install', 'strata', CHART, ...install, '--wait', '--timeout', '90s'], 120_000);
    const names = async () => ({
      deployment: await apps.readNamespacedDeployment({ name: 'strata', namespace: 'strata' }),
      service: await core.readNamespacedService({ name: 'strata', namespace: 'strata' }),
      account: await core.readNamespacedServiceAccount({ name: 'strata', namespace: 'strata' }),
    });
    const { deployment, service, account } = await names();
    assert.equal(deployment.status?.readyReplicas, 2);
    assert.deepEqual(
      service.spec?.ports?.map((p) => [p.name, p.port]),
      [['http', 7080]],
    );
    assert.equal(account.automountServiceAccountToken, false);
    const pods = (
      await core.listNamespacedPod({
        namespace: 'strata',
        labelSelector: 'app.kubernetes.io/instance=strata',
      })
    ).items;
    assert.equal(pods.length, 2);
    assert.equal(
      new Set(pods.map((p) => p.spec?.nodeName)).size,
      2,
      'the two replicas run on different nodes',
    );
    await waitFor(async () => {
      const pdb = await objects.read({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'strata', namespace: 'strata' },
      });
      return (pdb as { status?: { disruptionsAllowed?: number } }).status?.disruptionsAllowed === 1;
    }, 'the PDB counts both ready replicas and allows one disruption');
    await objects.read({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'strata', namespace: 'strata' },
    });

    await helm.ok(
      [
        'upgrade',
        'strata',
        CHART,
        ...install,
        '--set',
        'preset=medium',
        '--set',
        'podDisruptionBudget.enabled=false',
        '--set',
        'ingress.enabled=true',
        '--wait',
        '--timeout',
        '90s',
      ],
      120_000,
    );
    const upgraded = (await names()).deployment;
    assert.deepEqual({ ...upgraded.spec?.template.spec?.containers[0]?.resources }, PRESETS.medium);
    await objects.read({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'strata', namespace: 'strata' },
    });
    await assert.rejects(
      objects.read({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'strata', namespace: 'strata' },
      }),
      /404|not found/i,
    );
    assert.match(await helm.ok(['history', 'strata', '--namespace', 'strata']), /^2\s.*\sdeployed\s/m);

    await helm.ok(['uninstall', 'strata', '--namespace', 'strata', '--wait', '--timeout', '60s'], 90_000);
    await assert.rejects(
      apps.readNamespacedDeployment({ name: 'strata', namespace: 'strata' }),
      /404|not found/i,
    );
    await assert.rejects(
      core.readNamespacedService({ name: 'strata', namespace: 'strata' }),
      /404|not found/i,
    );
    await objects.read({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'strata-keys', namespace: 'strata' },
    });
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
