/**
 * The console's Import wizard (issue 8) in a real browser (Debian's Chromium via playwright-core) against a real
 * `strata server` and a real sandbox cluster populated directly — a Helm release of a chart the test builds, with
 * custom values, and plain manifests — never through Strata:
 *   a kubeconfig that runs a command is refused at the field, nothing registered → import by pasting the kubeconfig
 *   (read-only) → discovery shows the release (with its values) and the nodes; the cluster is unchanged → select the
 *   plain manifests' workloads and generate a profile: the draft shows the chart layer and the manifest layers the
 *   agent read them into → publish → plan the adoption: the adoption verdict (or why there is no
 *   preview) and the plan → adopt → the cluster page shows the Discovery tab and no scale action → a second cluster
 *   registered by agent manifest gets a one-time `kubectl apply -f URL` command with its expiry.
 * axe-core finds no serious or critical violation on any step, in the light and the dark theme. Screenshots go to
 * artifacts/console-screenshots/16-import-*.png (docs/console.md shows them).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { requireSandboxBinaries, useSandboxCluster } from '@strata/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, type Api } from './support/api.js';
import {
  consoleFor,
  launchBrowser,
  screenshot,
  violationsInBothThemes,
  type ConsoleEndpoint,
} from './support/browser.js';
import { PROJECT, getCluster, waitForCluster } from './support/clusters.js';
import {
  execKubeconfig,
  objectVersions,
  seedCluster,
  settledObjectVersions,
  type SeededCluster,
} from './support/import-seed.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { processesMentioning } from './sandbox-support.js';
import { sequentialSteps } from './support/steps.js';

await requireSandboxBinaries();

/** The texts of the error elements a form field points to (aria-describedby). */
async function fieldErrors(page: Page, label: string): Promise<string> {
  const field = page.getByRole('textbox', { name: label, exact: true });
  assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is marked invalid`);
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join('\n');
}

describe('web console: import wizard (real server, sandbox cluster populated directly, Chromium)', () => {
  const fx = useSandboxCluster({ name: 'cimp-src', workers: 1 });
  const step = sequentialSteps(() => screenshot(page, 'failed-import-step'));
  const a11y: string[] = [];
  let server: ServerProcess;
  let endpoint: ConsoleEndpoint;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let admin: Api;
  let dataDir: string;
  let seed: SeededCluster;
  let untouched: string[];
  const cluster = 'legacy';
  const profile = `${cluster}-imported`;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-console-import-'));
    seed = await seedCluster(fx, { dir: dataDir });
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    admin = api(server.url, server.adminKey);
    // The chart's repository as a pack source: the generated profile can then describe the release as a chart layer.
    await admin.ok('POST', '/v1/packsources', {
      metadata: { name: 'test-charts' },
      spec: { type: 'helm', url: seed.repo.url, interval: '10m' },
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = await admin.ok('GET', '/v1/packsources/test-charts');
      const ready = (
        s.status as { conditions?: { type: string; status: string }[] } | undefined
      )?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status === 'True') break;
      if (Date.now() > deadline) throw new Error(`pack source not ready: ${JSON.stringify(s.status)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    endpoint = await consoleFor(server.url);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    for (const name of [cluster, 'remote']) {
      if (!admin || !(await getCluster(admin, name).catch(() => undefined))) continue;
      await admin.call('DELETE', `${PROJECT}/clusters/${name}`).catch(() => undefined);
      await waitForCluster(admin, name, 'detached', (c) => c === undefined, 60_000).catch(() => undefined);
    }
    await server?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await seed?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  step('signs in and opens the import wizard from the cluster list', async () => {
    await page.goto(endpoint.url);
    const password = (await readFile(join(dataDir, 'admin-password'), 'utf8')).trim();
    await page.getByLabel('User name').fill('admin');
    await page.getByRole('textbox', { name: 'Password' }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet dashboard' }).waitFor();
    // The navigation shows write actions once the caller's permissions have loaded (after the dashboard heading).
    const navImport = page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Import cluster' });
    await navImport.waitFor();
    assert.equal(await navImport.count(), 1, 'the navigation offers the import');
    await page.getByRole('link', { name: 'Clusters', exact: true }).click();
    await page.getByRole('main').getByRole('link', { name: 'Import cluster' }).click();
    await page.waitForURL(/\/import$/);
    await page.getByRole('heading', { name: 'Import cluster' }).waitFor();
    await page.getByText('Strata only reads: health, discovery and events', { exact: false }).waitFor();
    a11y.push(...(await violationsInBothThemes(page, 'import: connect')));
    await screenshot(page, '16-import-connect');
  });

  step(
    'refuses a kubeconfig that runs a command, at the kubeconfig field, and registers nothing',
    async () => {
      await page.getByLabel('Cluster name').fill('bad');
      await page
        .getByRole('textbox', { name: 'Kubeconfig', exact: true })
        .fill(execKubeconfig(fx.kubeconfig));
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'exec is not accepted' }).first().waitFor();
      assert.match(await fieldErrors(page, 'Kubeconfig'), /exec is not accepted/);
      assert.equal(page.url().endsWith('/import'), true, 'still on the connect step');
      assert.deepEqual((await admin.ok('GET', `${PROJECT}/clusters`)).items, [], 'nothing registered');
      a11y.push(...(await violationsInBothThemes(page, 'import: refused kubeconfig')));
      await screenshot(page, '16-import-kubeconfig-refused');
    },
  );

  step(
    'imports by pasting the kubeconfig (read-only); discovery shows the Helm release and the nodes',
    async () => {
      untouched = await settledObjectVersions(seed.kubectl);
      const started = Date.now();
      await page.getByLabel('Cluster name').fill(cluster);
      await page.getByRole('textbox', { name: 'Kubeconfig', exact: true }).fill(fx.kubeconfig);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.waitForURL(new RegExp(`/import\\?cluster=${cluster}&step=discovery$`));
      // Live: the page waits for the agent's report through the watch, no reload.
      const releases = page.getByRole('table', { name: 'Helm releases', exact: true });
      await releases.waitFor({ timeout: 240_000 });
      console.log(`# import → discovery shown in the console: ${Date.now() - started} ms`);
      const { release } = seed;
      const cells = await releases
        .locator(`tr[data-release="${release.namespace}/${release.name}"]`)
        .getByRole('cell')
        .allTextContents();
      assert.deepEqual(
        [cells[0], cells[1], cells[2], cells[4], cells[5]],
        [release.name, release.namespace, release.chart, 'deployed', '1'],
      );
      assert.match(cells[3] ?? '', new RegExp(`^${release.version.replace(/\./g, '\\.')}`));
      await page
        .getByRole('button', { name: `Show 3 values of release ${release.namespace}/${release.name}` })
        .click();
      const values = await page
        .getByRole('group', { name: `Values of release ${release.namespace}/${release.name}` })
        .textContent();
      assert.match(values ?? '', /greeting: hey/);
      assert.match(values ?? '', /tier: gold/);
      // Nodes: one control plane and one worker, grouped into pools.
      const pools = await page
        .getByRole('table', { name: 'Discovered node pools' })
        .getByRole('row')
        .allTextContents();
      const counts = pools.slice(1).map((r) => Number(/(\d+)\/(\d+) ready/.exec(r)?.[2] ?? 'NaN'));
      assert.equal(
        counts.reduce((n, c) => n + c, 0),
        2,
        `two nodes in the pools: ${pools.join(' | ')}`,
      );
      assert.ok(
        pools.some((r) => r.includes('control plane')),
        'the control plane is a pool of its own',
      );
      // The plain manifests, under their namespace and field manager.
      const shop = page.locator(
        'table[aria-label="Workloads by namespace and owner"] tbody[data-namespace="shop"]',
      );
      await shop.getByRole('cell', { name: 'settings', exact: true }).waitFor();
      a11y.push(...(await violationsInBothThemes(page, 'import: discovery')));
      await screenshot(page, '16-import-discovery');
      assert.deepEqual(await objectVersions(seed.kubectl), untouched, 'read-only import changed nothing');
    },
  );

  step(
    'generates a profile with the shop workloads selected: chart and manifest layers, unmatched items; publishes it',
    async () => {
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.waitForURL(/step=profile$/);
      assert.equal(await page.getByLabel('Profile name').inputValue(), profile);
      // The plain manifests (namespace shop and what is in it) are copied into manifest layers.
      const picker = page.getByRole('region', { name: 'Workloads to include' });
      await picker.getByRole('checkbox', { name: 'Select all in namespace shop' }).check();
      await picker.getByRole('checkbox', { name: 'Namespace shop', exact: true }).check();
      assert.equal(await page.getByTestId('workload-selection-count').textContent(), '4 selected');
      a11y.push(...(await violationsInBothThemes(page, 'import: workload selection')));
      await page.getByRole('button', { name: 'Generate profile' }).click();
      const stack = page.getByRole('table', { name: `Layers of ${profile} 1.0.0`, exact: true });
      await stack.waitFor();
      const { release } = seed;
      const layer = await stack
        .locator(`tr[data-layer="${release.name}"]`)
        .getByRole('cell')
        .allTextContents();
      assert.equal(layer[1], release.name);
      assert.match(layer[2] ?? '', new RegExp(`chart ${release.chart} ${release.version}`));
      for (const manifestLayer of ['cluster-objects', 'objects-shop'])
        await stack.locator(`tr[data-layer="${manifestLayer}"]`).waitFor();
      const matched = page.getByRole('region', { name: 'Matched items' });
      for (const item of [
        'Namespace shop',
        'ConfigMap shop/settings',
        'Deployment shop/web',
        'Service shop/web',
      ])
        await matched.getByRole('cell', { name: item, exact: true }).waitFor();
      assert.equal(await page.getByTestId('objects-not-copied').count(), 0, 'every selected object was read');
      await page.getByRole('region', { name: 'Unmatched items' }).waitFor();
      assert.equal(await page.getByTestId('generated-state').textContent(), 'Draft');
      a11y.push(...(await violationsInBothThemes(page, 'import: generated profile')));
      await screenshot(page, '16-import-profile');
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
      await page.getByTestId('generated-state').filter({ hasText: 'Published' }).waitFor();
      const stored = await admin.ok('GET', `${PROJECT}/clusterprofiles/${profile}/versions/1.0.0`);
      assert.equal((stored.status as { state: string }).state, 'Published');
      const chartLayer = (stored.spec as { layers: Record<string, unknown>[] }).layers.find(
        (l) => l.name === release.name,
      ) as {
        chart: { name: string; version: string; repository: string };
        values: string;
        namespace: string;
      };
      assert.deepEqual(chartLayer.chart, {
        repository: seed.repo.url,
        name: release.chart,
        version: release.version,
      });
      assert.equal(chartLayer.namespace, release.namespace);
      assert.match(chartLayer.values, /tier: gold/);
    },
  );

  step("plans the adoption: the agent's preview says it changes nothing, with the plan; adopts", async () => {
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.waitForURL(/step=adopt$/);
    await page.getByText(`${cluster} is imported read-only`).waitFor();
    await page.getByRole('combobox', { name: 'Published version' }).waitFor();
    const chosen = page.getByRole('combobox', { name: 'Profile', exact: true });
    assert.equal(await chosen.inputValue(), `${profile} (generated)`);
    await page.getByRole('button', { name: 'Plan adoption' }).click();
    const planned = page.getByTestId('adoption-plan');
    await planned.waitFor({ timeout: 120_000 });
    await planned.getByTestId('plan').waitFor();
    // The cluster has no stack yet: the plan names the layers adoption brings (here or in the plan's "Added").
    const layers = `${seed.release.name} (chart ${seed.release.chart} ${seed.release.version})`;
    const added = planned.getByTestId('adoption-layers').or(planned.getByText(/^Added: /));
    assert.match((await added.first().textContent()) ?? '', new RegExp(`${seed.release.name}\\b`));
    if ((await planned.getByTestId('adoption-layers').count()) > 0)
      assert.ok((await planned.getByTestId('adoption-layers').textContent())?.includes(layers));
    // The server previews the adoption through the cluster's agent: the release and the objects are adopted as they are.
    const verdict = planned.getByTestId('adoption-verdict');
    await verdict.waitFor();
    assert.equal(await verdict.textContent(), 'Adoption changes nothing in the cluster');
    const rows = await planned
      .getByRole('table', { name: 'Adoption preview' })
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => (tr as unknown as { dataset: { action: string } }).dataset.action),
      );
    assert.ok(rows.includes('adopt'), `rows: ${rows.join(', ')}`);
    assert.ok(
      rows.every((r) => r === 'adopt' || r === 'none'),
      `rows: ${rows.join(', ')}`,
    );
    assert.equal(await planned.getByTestId('adoption-unavailable').count(), 0);
    a11y.push(...(await violationsInBothThemes(page, 'import: adoption plan')));
    await screenshot(page, '16-import-adopt');
    await planned.getByRole('button', { name: 'Adopt', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('which switches to full mode').waitFor();
    await dialog.getByRole('button', { name: 'Adopt', exact: true }).click();
    await page.getByRole('link', { name: "cluster's Layers tab" }).waitFor();
    const c = await getCluster(admin, cluster);
    const spec = c?.spec as { import: { mode: string }; profiles: { name: string; version: string }[] };
    assert.equal(spec.import.mode, 'full');
    assert.deepEqual(spec.profiles, [{ name: profile, version: '1.0.0' }]);
    await page.getByRole('link', { name: "cluster's Layers tab" }).click();
    await page.waitForURL(new RegExp(`/clusters/${cluster}\\?tab=layers$`));
  });

  step('shows the cluster page of an imported cluster: Discovery tab, no scale, detach', async () => {
    await page.getByRole('tab', { name: 'Discovery' }).click();
    await page.getByRole('table', { name: 'Helm releases', exact: true }).waitFor();
    await page.getByText(`${cluster} adopts`).waitFor({ state: 'hidden', timeout: 15_000 });
    a11y.push(...(await violationsInBothThemes(page, 'cluster: discovery tab')));
    await screenshot(page, '16-import-cluster-discovery');
    await page.getByRole('tab', { name: 'Node pools' }).click();
    await page.getByText('its nodes are discovered by the agent, not managed', { exact: false }).waitFor();
    await page.getByRole('table', { name: 'Discovered node pools' }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Scale pool/ }).count(), 0, 'no scale action');
    await page.getByRole('tab', { name: 'Profile' }).click();
    assert.equal(await page.getByRole('button', { name: 'Approve repave' }).count(), 0, 'no repave action');
    assert.equal(await page.getByRole('button', { name: 'Detach', exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Delete', exact: true }).count(), 0);
  });

  step(
    'registers a cluster by agent manifest: a one-time kubectl command with its expiry, then waits',
    async () => {
      await page.goto(`${endpoint.url}/import`);
      await page.getByLabel('Cluster name').fill('remote');
      await page.getByRole('radio', { name: 'Agent manifest' }).check();
      assert.equal(await page.getByRole('textbox', { name: 'Kubeconfig', exact: true }).count(), 0);
      await page.getByRole('button', { name: 'Register and get the agent manifest' }).click();
      await page.waitForURL(/\/import\?cluster=remote&step=connect$/);
      const command = page.getByRole('group', { name: 'Command that installs the agent' });
      await command.waitFor();
      assert.match(
        (await command.textContent()) ?? '',
        /^kubectl apply -f http:\/\/\S+\/v1\/import\/sil_\S+\.yaml$/,
      );
      assert.match(
        (await page.getByTestId('import-link-expiry').textContent()) ?? '',
        /expires in (60|59) min/,
      );
      // The link serves the read-only agent manifest once.
      const url = /\S+$/.exec((await command.textContent()) ?? '')![0];
      const manifest = await fetch(url);
      assert.equal(manifest.status, 200);
      const text = await manifest.text();
      assert.match(text, /kind: Deployment/);
      assert.match(text, /strata-agent-read-only/);
      assert.equal((await fetch(url)).status, 410, 'a used link is gone');
      await page.getByText('Waiting for the agent to connect').waitFor();
      const registered = await getCluster(admin, 'remote');
      assert.deepEqual(registered?.spec.import, { mode: 'read-only', connect: 'manifest' });
      a11y.push(...(await violationsInBothThemes(page, 'import: agent manifest')));
      await screenshot(page, '16-import-agent-manifest');
    },
  );

  step('found no serious or critical accessibility violation on any step, in either theme', async () => {
    assert.equal(a11y.length, 0, a11y.join('\n\n'));
  });
});
