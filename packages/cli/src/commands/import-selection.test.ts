import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MAX_SELECTED_OBJECTS, type DiscoveredWorkload, type SelectedObject } from '@strata/api';
import { UsageError } from '../exit-codes.js';
import {
  editDistance,
  groupOf,
  parseInclude,
  parseIncludeNamespace,
  resolveSelection,
  type ObjectSelector,
  type Selection,
} from './import-selection.js';

/** As the agent reports them: by namespace (cluster-scoped first), kind, name. */
const workloads: DiscoveredWorkload[] = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'shop-reader' },
  { apiVersion: 'v1', kind: 'Namespace', name: 'billing' },
  { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
  { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'billing', name: 'rates' },
  { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'loose', managedBy: 'kubectl-create' },
  { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
  { apiVersion: 'serving.knative.dev/v1', kind: 'Service', namespace: 'shop', name: 'api' },
  { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web' },
  { apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'shop', name: 'w1' },
  { apiVersion: 'other.io/v1beta1', kind: 'Widget', namespace: 'shop', name: 'w1' },
];
const ref = (w: DiscoveredWorkload): SelectedObject => ({
  apiVersion: w.apiVersion,
  kind: w.kind,
  ...(w.namespace === undefined ? {} : { namespace: w.namespace }),
  name: w.name,
});
const find = (kind: string, namespace: string | undefined, name: string, apiVersion?: string) =>
  ref(
    workloads.find(
      (w) =>
        w.kind === kind &&
        w.namespace === namespace &&
        w.name === name &&
        (apiVersion === undefined || w.apiVersion === apiVersion),
    )!,
  );
const select = (include: string[], namespaces: string[] = []): Selection => ({
  include: include.map(parseInclude),
  namespaces: namespaces.map(parseIncludeNamespace),
});

describe('parseInclude', () => {
  const valid: [string, Omit<ObjectSelector, 'text'>][] = [
    ['deployment/shop/web', { kind: 'deployment', namespace: 'shop', name: 'web' }],
    ['Deployment/shop/web', { kind: 'deployment', namespace: 'shop', name: 'web' }],
    ['ClusterRole/system:aggregate-to-view', { kind: 'clusterrole', name: 'system:aggregate-to-view' }],
    ['Widget.Example.com/shop/w1', { kind: 'widget', group: 'example.com', namespace: 'shop', name: 'w1' }],
    ['Service.core/shop/web', { kind: 'service', group: '', namespace: 'shop', name: 'web' }],
    ['deployment.apps/shop/web.v2', { kind: 'deployment', group: 'apps', namespace: 'shop', name: 'web.v2' }],
  ];
  for (const [given, expect] of valid)
    it(`reads ${given}`, () => assert.deepEqual(parseInclude(given), { text: given, ...expect }));

  const invalid: [string, RegExp][] = [
    ['web', /no "\/" in "web"/],
    ['a/b/c/d', /too many "\/" in "a\/b\/c\/d"/],
    ['deployment//web', /an empty part in "deployment\/\/web"/],
    ['/shop/web', /an empty part/],
    ['deploy-ment/shop/web', /the kind "deploy-ment" is not a kind name/],
    ['Widget./shop/w1', /the API group "" is not a group name/],
    ['deployment/Shop/web', /the namespace "Shop" is not a namespace name/],
  ];
  for (const [given, message] of invalid)
    it(`refuses ${given}`, () =>
      assert.throws(
        () => parseInclude(given),
        (e: unknown) => {
          assert.ok(e instanceof UsageError);
          assert.match(e.message, /^--include expects KIND\/NAMESPACE\/NAME \(namespaced\) or KIND\/NAME/);
          assert.match(e.message, message);
          return true;
        },
      ));

  it('checks --include-namespace values', () => {
    assert.equal(parseIncludeNamespace('shop-2'), 'shop-2');
    for (const bad of ['Shop', 'shop/web', '', '-shop', 'x'.repeat(64)])
      assert.throws(() => parseIncludeNamespace(bad), /--include-namespace expects a namespace name/);
  });
});

describe('resolveSelection', () => {
  const ok: { name: string; given: Selection; expect: SelectedObject[] }[] = [
    {
      name: 'kind case-insensitive, duplicates once',
      given: select(['deployment/shop/web', 'Deployment/shop/web', 'DEPLOYMENT.apps/shop/web']),
      expect: [find('Deployment', 'shop', 'web')],
    },
    {
      name: 'a cluster-scoped object by KIND/NAME',
      given: select(['clusterrole/shop-reader']),
      expect: [find('ClusterRole', undefined, 'shop-reader')],
    },
    {
      name: 'KIND.GROUP picks one of two groups with the kind',
      given: select(['Widget.other.io/shop/w1']),
      expect: [find('Widget', 'shop', 'w1', 'other.io/v1beta1')],
    },
    {
      name: 'a kind two groups have is not ambiguous when only one has the object',
      given: select(['service/shop/api', 'service/shop/web']),
      expect: [find('Service', 'shop', 'api'), find('Service', 'shop', 'web')],
    },
    {
      name: 'core names the core group',
      given: select(['service.core/shop/web']),
      expect: [find('Service', 'shop', 'web')],
    },
    {
      name: 'a namespace: its Namespace and everything in it, in the report’s order',
      given: select([], ['shop']),
      expect: workloads.filter((w) => w.namespace === 'shop' || w.name === 'shop').map(ref),
    },
    {
      name: 'namespaces and objects together, each object once',
      given: select(['configmap/shop/settings', 'clusterrole/shop-reader'], ['billing', 'billing']),
      expect: [
        find('ClusterRole', undefined, 'shop-reader'),
        find('Namespace', undefined, 'billing'),
        find('ConfigMap', 'billing', 'rates'),
        find('ConfigMap', 'shop', 'settings'),
      ],
    },
    {
      name: 'a namespace that is not a workload itself (default): its objects only',
      given: select([], ['default']),
      expect: [find('ConfigMap', 'default', 'loose')],
    },
  ];
  for (const { name, given, expect } of ok)
    it(name, () => assert.deepEqual(resolveSelection(workloads, given), { objects: expect, problems: [] }));

  const problems: { name: string; given: Selection; expect: string }[] = [
    {
      name: 'ambiguous kind',
      given: select(['widget/shop/w1']),
      expect:
        '--include widget/shop/w1 is ambiguous: Widget.example.com/shop/w1 or Widget.other.io/shop/w1; give the kind as KIND.GROUP (core for the core group)',
    },
    {
      name: 'a typo in the name',
      given: select(['deployment/shop/wbe']),
      expect:
        '--include deployment/shop/wbe matches no discovered workload; did you mean Deployment/shop/web?',
    },
    {
      name: 'a typo in the namespace',
      given: select(['deployment/shopp/web']),
      expect:
        '--include deployment/shopp/web matches no discovered workload; did you mean Deployment/shop/web?',
    },
    {
      name: 'the same name elsewhere (qualified where the kind is in two groups)',
      given: select(['configmap/web']),
      expect:
        '--include configmap/web matches no discovered workload; did you mean Deployment/shop/web or Service.core/shop/web?',
    },
    {
      name: 'a namespaced kind without a namespace',
      given: select(['configmap/nothing-like-it']),
      expect:
        '--include configmap/nothing-like-it matches no discovered workload: ConfigMap is namespaced, write ConfigMap/NAMESPACE/nothing-like-it',
    },
    {
      name: 'a cluster-scoped kind with a namespace',
      given: select(['clusterrole/shop/admin']),
      expect:
        '--include clusterrole/shop/admin matches no discovered workload: ClusterRole is cluster-scoped, write ClusterRole/admin',
    },
    {
      name: 'a known kind, no such name',
      given: select(['configmap/shop/nothing-like-it']),
      expect:
        '--include configmap/shop/nothing-like-it matches no discovered workload: no ConfigMap in namespace shop has that name',
    },
    {
      name: 'a kind nothing has',
      given: select(['statefulset/shop/db']),
      expect:
        '--include statefulset/shop/db matches no discovered workload: none is of that kind (kinds found: ClusterRole, ConfigMap, Deployment, Namespace, Service, Widget)',
    },
    {
      name: 'a group that does not have the kind',
      given: select(['Deployment.extensions/shop/web']),
      expect:
        '--include Deployment.extensions/shop/web matches no discovered workload; did you mean Deployment/shop/web?',
    },
    {
      name: 'Secrets',
      given: select(['secret/shop/token']),
      expect:
        '--include secret/shop/token matches no discovered workload; Secrets are not discovered, so they cannot be copied into a profile',
    },
    {
      name: 'a namespace with a typo',
      given: select([], ['shopp']),
      expect: '--include-namespace shopp has no discovered workloads; did you mean shop?',
    },
    {
      name: 'a namespace without workloads',
      given: select([], ['kube-system']),
      expect:
        '--include-namespace kube-system has no discovered workloads (namespaces with workloads: billing, default, shop)',
    },
  ];
  for (const { name, given, expect } of problems)
    it(`problem: ${name}`, () =>
      assert.deepEqual(resolveSelection(workloads, given), { objects: [], problems: [expect] }));

  it('reports every problem at once and selects nothing then', () => {
    const r = resolveSelection(workloads, select(['deployment/shop/web', 'widget/shop/w1', 'x/y'], ['nope']));
    assert.deepEqual(r.objects, []);
    assert.deepEqual(
      r.problems.map((p) => p.split(' ').slice(0, 2).join(' ')),
      ['--include widget/shop/w1', '--include x/y', '--include-namespace nope'],
    );
  });

  it(`allows ${MAX_SELECTED_OBJECTS} objects and refuses one more`, () => {
    const many = (n: number): DiscoveredWorkload[] =>
      Array.from({ length: n }, (_, i) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: i % 5 === 0 ? 'small' : 'big',
        name: `c${i}`,
      }));
    const fits = resolveSelection(many(MAX_SELECTED_OBJECTS), select([], ['big', 'small']));
    assert.equal(fits.objects.length, MAX_SELECTED_OBJECTS);
    assert.deepEqual(fits.problems, []);
    const over = resolveSelection(many(MAX_SELECTED_OBJECTS + 1), select([], ['big', 'small']));
    assert.deepEqual(over, {
      objects: [],
      problems: [
        '501 objects selected, at most 500 fit in one generated profile (largest: big 400, small 101); select fewer, e.g. --include instead of --include-namespace',
      ],
    });
  });

  it('an empty report matches nothing', () => {
    assert.deepEqual(resolveSelection([], select(['deployment/shop/web'])).problems, [
      '--include deployment/shop/web matches no discovered workload: none is of that kind (kinds found: none)',
    ]);
  });
});

describe('helpers', () => {
  it('groupOf', () => {
    assert.equal(groupOf('v1'), '');
    assert.equal(groupOf('apps/v1'), 'apps');
    assert.equal(groupOf('serving.knative.dev/v1'), 'serving.knative.dev');
  });
  it('editDistance stops past the limit', () => {
    assert.equal(editDistance('web', 'web', 2), 0);
    assert.equal(editDistance('web', 'wbe', 2), 2);
    assert.equal(editDistance('shop', 'shopp', 2), 1);
    assert.equal(editDistance('web', 'settings', 2), 3);
    assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3);
  });
});
