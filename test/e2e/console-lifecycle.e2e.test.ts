/**
 * Issue 8 must-shows in a real browser (Debian's Chromium via playwright-core) against a real `strata server` with
 * real sandbox clusters: sign in → build a profile draft from catalog packs with a variable → publish → create a
 * sandbox cluster in the wizard → watch it reach Running with every layer Applied → drift it through the Kubernetes
 * API and see the drift diff → every page passes axe-core (no serious/critical violations) → a viewer sees no
 * write actions and the API refuses them → upgrade through the wizard (plan shown) → delete.
 * Screenshots of each main screen go to artifacts/console-screenshots/ (docs/console.md shows them).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { requireSandboxBinaries } from '@strata/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, type Api } from './support/api.js';
import {
  consoleFor,
  describeViolations,
  launchBrowser,
  screenshot,
  signIn,
  seriousViolations,
  type ConsoleEndpoint,
} from './support/browser.js';
import { PROJECT, getCluster } from './support/clusters.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { clients, processesMentioning } from './sandbox-support.js';
import { sequentialSteps } from './support/steps.js';

await requireSandboxBinaries();

const MANIFEST_V1 =
  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: team-config, namespace: default}\ndata: {team: '{{ .var.team }}'}\n";
const MANIFEST_V2 =
  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: team-config, namespace: default}\ndata: {team: '{{ .var.team }}', tier: gold}\n";

/** The browser's globals, typed for the functions that run in the page (this project compiles without the DOM lib). */
type PageGlobals = {
  document: {
    querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
    querySelector(selector: string): { textContent: string | null } | null;
  };
  localStorage: { setItem(key: string, value: string): void };
};

async function replaceEditorText(page: Page, label: string, text: string): Promise<void> {
  const editor = page.locator(`[aria-label="${label}"]`);
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The page shows its heading and nothing is loading any more (the watch stream stays open, so no "network idle"). */
async function settled(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(
    () => {
      const doc = (globalThis as unknown as PageGlobals).document;
      return (
        doc.querySelector('[aria-label="Loading"], [aria-label="Loading editor"], .mantine-Skeleton-root') ===
        null
      );
    },
    undefined,
    { timeout: 15_000, polling: 100 },
  );
  await page.waitForTimeout(300);
}

async function addPackLayer(page: Page, pack: string): Promise<void> {
  await page.getByRole('button', { name: 'Add layer' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Search packs').fill(pack);
  await dialog.getByRole('button', { name: `Choose ${pack}`, exact: true }).click();
  await dialog.getByRole('button', { name: 'Add layer' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Publishes the draft open in the editor. */
async function publish(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Published', { exact: true }).first().waitFor();
}

describe('web console end to end (real server, sandbox cluster, Chromium)', () => {
  const step = sequentialSteps(() => screenshot(page, 'failed-step'));
  let server: ServerProcess;
  let endpoint: ConsoleEndpoint;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let admin: Api;
  let dataDir: string;
  let url: string;
  const cluster = 'shop';
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-console-'));
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    admin = api(server.url, server.adminKey);
    endpoint = await consoleFor(server.url);
    url = endpoint.url;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  step('signs in with the admin password and shows the fleet dashboard', async () => {
    await page.goto(url);
    await page.getByRole('heading', { name: 'Sign in to Strata' }).waitFor();
    await screenshot(page, '01-sign-in');
    // A wrong password is refused with the server's message.
    await page.getByLabel('User name').fill('admin');
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('wrong username or password').waitFor();
    const password = (await readFile(join(dataDir, 'admin-password'), 'utf8')).trim();
    await signIn(page, url, 'admin', password);
    await page.getByTestId('stat-Clusters').waitFor();
    assert.equal(await page.getByTestId('stat-Clusters').textContent(), '0');
  });

  step('builds a profile draft from catalog packs with a variable, saves and publishes it', async () => {
    await page.getByRole('link', { name: 'Profiles' }).click();
    await page.getByRole('link', { name: 'New profile' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('web-base');
    for (const pack of ['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi']) await addPackLayer(page, pack);
    await page.getByRole('button', { name: 'Add layer' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Inline manifest').click();
    await dialog.getByLabel('Layer name').fill('team-config');
    await dialog.getByRole('button', { name: 'Add layer' }).click();
    await replaceEditorText(page, 'Manifest of layer team-config', MANIFEST_V1);
    await page.getByRole('tab', { name: /Variables/ }).click();
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByRole('group', { name: 'Variable var1' }).getByLabel('Name').fill('team');
    await page.getByRole('group', { name: 'Variable team' }).getByLabel('Default').fill('web');
    await page.getByRole('tab', { name: /Layers/ }).click();
    const order = await page
      .getByRole('list', { name: 'Layer order' })
      .getByRole('button', { name: /^Edit layer / })
      .allTextContents();
    assert.deepEqual(
      order.map((t) => /\d+\. (\S+)$/.exec(t.trim())?.[1]),
      ['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi', 'team-config'],
      'layers are placed in stack order as they are added',
    );
    await screenshot(page, '04-profile-editor');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/profiles\/web-base\/versions\/1\.0\.0$/);
    await page.getByText('Draft', { exact: true }).first().waitFor();
    await publish(page);
    const stored = await admin.ok('GET', `${PROJECT}/clusterprofiles/web-base/versions/1.0.0`);
    assert.equal((stored.status as { state: string }).state, 'Published');
    const spec = stored.spec as { layers: unknown[]; variables: unknown[] };
    assert.equal(spec.layers.length, 5);
    assert.deepEqual(spec.variables, [{ name: 'team', type: 'string', default: 'web' }]);
  });

  step(
    'creates a sandbox cluster in the wizard (review shows the resolved stack) and watches it reach Running',
    async () => {
      const started = Date.now();
      await page.getByRole('link', { name: 'Clusters' }).click();
      await page.getByRole('link', { name: 'Create cluster' }).click();
      await page.getByLabel('Cluster name').fill(cluster);
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('group', { name: 'Node pool 2' }).getByLabel('Nodes').fill('1');
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('combobox', { name: 'Profile', exact: true }).click();
      await page.getByRole('option', { name: 'web-base' }).click();
      await page.getByRole('combobox', { name: 'Version', exact: true }).click();
      await page.getByRole('option', { name: '1.0.0' }).click();
      // Typed variable input: the default applies when left empty.
      await page.getByLabel(/^team/).waitFor();
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByText('Only report it').click();
      await page.getByRole('button', { name: 'Review', exact: true }).click();
      const stack = page.getByRole('table', { name: `Resolved stack of ${cluster}` });
      await stack.waitFor();
      assert.equal(await stack.getByRole('row').count(), 6, 'header + 5 resolved layers');
      await screenshot(page, '05-create-cluster-review');
      await page.getByRole('button', { name: 'Create cluster', exact: true }).click();
      await page.waitForURL(new RegExp(`/clusters/${cluster}\\?tab=layers`));
      // The Layers tab follows the cluster live (server-sent events) until every layer is Applied.
      const layers = page.getByRole('table', { name: `Layers of cluster ${cluster}` });
      await page.waitForFunction(
        (name) => {
          const rows = [
            ...(globalThis as unknown as PageGlobals).document.querySelectorAll(
              `table[aria-label="Layers of cluster ${name}"] tbody tr`,
            ),
          ];
          return rows.length === 5 && rows.every((r) => r.textContent?.includes('Applied'));
        },
        cluster,
        { timeout: 240_000, polling: 500 },
      );
      await page.getByLabel('phase Running').waitFor({ timeout: 120_000 });
      assert.equal(await layers.getByText('Applied').count(), 5);
      console.log(
        `# create → Running with all layers Applied, seen in the console: ${Date.now() - started} ms`,
      );
      await screenshot(page, '06-cluster-layers');
      await page.getByRole('tab', { name: 'Overview' }).click();
      await page.getByRole('table', { name: 'Conditions' }).getByText('LayersApplied').waitFor();
      await screenshot(page, '07-cluster-overview');
      await page.getByRole('tab', { name: 'Node pools' }).click();
      await screenshot(page, '08-cluster-node-pools');
      await page.getByRole('tab', { name: 'Events' }).click();
      await page.locator('[aria-label="Events"]').getByText('Running', { exact: true }).first().waitFor();
      await screenshot(page, '09-cluster-events');
    },
  );

  step(
    'shows drift caused through the Kubernetes API, with its diff (object, path, desired, live)',
    async () => {
      const kubeconfig = (await admin.call('POST', `${PROJECT}/clusters/${cluster}/kubeconfig`)).text;
      const { core } = clients(kubeconfig);
      const cm = await core.readNamespacedConfigMap({ name: 'team-config', namespace: 'default' });
      assert.equal(cm.data?.team, 'web', 'the layer applied the variable default');
      cm.data = { ...cm.data, team: 'hacked' };
      await core.replaceNamespacedConfigMap({ name: 'team-config', namespace: 'default', body: cm });
      await page.goto(`${url}/clusters/${cluster}?tab=layers`);
      const drift = page.getByRole('table', { name: 'Drift of layer team-config' });
      await drift.waitFor({ timeout: 90_000 });
      const cells = await drift.getByRole('row').nth(1).getByRole('cell').allTextContents();
      assert.deepEqual(cells, ['ConfigMap default/team-config', '/data/team', 'web', 'hacked']);
      await page.getByLabel('state Drifted').first().waitFor();
      await screenshot(page, '10-cluster-drift');
      await page.goto(url);
      await page.getByTestId('stat-Drifted').waitFor();
      await page.waitForFunction(
        () =>
          (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="stat-Drifted"]')
            ?.textContent === '1',
      );
      await screenshot(page, '02-dashboard');
      await page.getByRole('link', { name: 'Clusters', exact: true }).click();
      await page.getByRole('table', { name: 'Clusters' }).getByText(cluster).waitFor();
      await screenshot(page, '03-cluster-list');
    },
  );

  step(
    'passes an axe-core check (no serious or critical violations) on every page, in light and dark themes',
    async () => {
      const pages = [
        '/',
        '/clusters',
        '/clusters/new',
        `/clusters/${cluster}?tab=overview`,
        `/clusters/${cluster}?tab=layers`,
        `/clusters/${cluster}?tab=nodepools`,
        `/clusters/${cluster}?tab=events`,
        `/clusters/${cluster}?tab=profile`,
        '/profiles',
        '/profiles/new',
        '/profiles/web-base',
        '/profiles/web-base/versions/1.0.0',
        '/packs',
        '/packs/kubernetes',
        '/packs/sources',
        '/settings/projects',
        '/settings/users',
        '/settings/roles',
        '/settings/rolebindings',
        '/settings/apikeys',
        '/settings/cloudaccounts',
        '/settings/macros',
        '/settings/audit',
      ];
      const failures: string[] = [];
      for (const scheme of ['light', 'dark']) {
        await page.evaluate(
          (s) => (globalThis as unknown as PageGlobals).localStorage.setItem('strata.color-scheme', s),
          scheme,
        );
        for (const path of pages) {
          await page.goto(`${url}${path}`);
          await settled(page);
          const violations = await seriousViolations(page);
          if (violations.length > 0) failures.push(`${scheme} ${path}:\n${describeViolations(violations)}`);
        }
      }
      await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).localStorage.setItem('strata.color-scheme', 'light'),
      );
      // The sign-in page, in a fresh context.
      const fresh = await browser.newContext();
      const signInPage = await fresh.newPage();
      await signInPage.goto(url);
      await signInPage.getByRole('heading', { name: 'Sign in to Strata' }).waitFor();
      const v = await seriousViolations(signInPage);
      if (v.length > 0) failures.push(`sign-in:\n${describeViolations(v)}`);
      await fresh.close();
      assert.equal(failures.length, 0, failures.join('\n\n'));
      await page.goto(`${url}/packs`);
      await screenshot(page, '13-packs');
      await page.goto(`${url}/settings/apikeys`);
      await screenshot(page, '14-settings-api-keys');
    },
  );

  step('shows a viewer no create, edit or delete actions, and the API refuses them', async () => {
    await admin.ok('POST', '/v1/users', {
      metadata: { name: 'vera' },
      spec: { password: 'viewer-password-1' },
    });
    await admin.ok('POST', `${PROJECT}/rolebindings`, {
      metadata: { name: 'vera-views' },
      spec: { role: 'project-viewer', subjects: [{ kind: 'User', name: 'vera' }] },
    });
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const viewer = await ctx.newPage();
    try {
      await signIn(viewer, url, 'vera', 'viewer-password-1');
      const noButton = async (path: string, names: (string | RegExp)[]) => {
        await viewer.goto(`${url}${path}`);
        await settled(viewer);
        for (const name of names) {
          assert.equal(
            await viewer.getByRole('button', { name }).or(viewer.getByRole('link', { name })).count(),
            0,
            `${path}: "${String(name)}" is hidden`,
          );
        }
        const violations = await seriousViolations(viewer);
        assert.equal(violations.length, 0, `${path}: ${describeViolations(violations)}`);
      };
      await noButton('/clusters', ['Create cluster']);
      await viewer.goto(`${url}/clusters`);
      await viewer.getByRole('table', { name: 'Clusters' }).getByText(cluster).waitFor();
      await noButton(`/clusters/${cluster}?tab=overview`, ['Delete', 'Download kubeconfig']);
      await noButton(`/clusters/${cluster}?tab=nodepools`, [/^Scale pool/]);
      await noButton(`/clusters/${cluster}?tab=profile`, ['Upgrade…', 'Approve repave']);
      await noButton('/profiles', ['New profile']);
      await noButton('/profiles/web-base', [/^Clone/, /^Delete/]);
      await noButton('/profiles/web-base/versions/1.0.0', ['Publish', 'Save draft']);
      await noButton('/packs/sources', ['Create']);
      await noButton('/settings/macros', ['Create']);
      await noButton('/settings/users', ['Create', /^Delete/]);
      await viewer.goto(`${url}/clusters/${cluster}?tab=layers`);
      await viewer.getByRole('table', { name: `Layers of cluster ${cluster}` }).waitFor();
      await screenshot(viewer, '15-viewer-cluster');
    } finally {
      await ctx.close();
    }
    // The server refuses what the console hides.
    const login = await fetch(`${server.url}/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'vera', password: 'viewer-password-1' }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const v = api(server.url, token);
    assert.equal((await v.call('GET', `${PROJECT}/clusters/${cluster}`)).status, 200);
    const refused = [
      await v.call('POST', `${PROJECT}/clusters`, {
        metadata: { name: 'x' },
        spec: { provider: 'sandbox', nodePools: [{ name: 'cp', controlPlane: true, count: 1 }] },
      }),
      await v.call('DELETE', `${PROJECT}/clusters/${cluster}`),
      await v.call('POST', `${PROJECT}/clusters/${cluster}/scale`, { pool: 'workers', count: 2 }),
      await v.call('POST', `${PROJECT}/clusters/${cluster}/kubeconfig`),
      await v.call('POST', `${PROJECT}/clusterprofiles/web-base/versions/1.0.0/clone`, { version: '9.0.0' }),
      await v.call('POST', `${PROJECT}/macros`, { metadata: { name: 'm' }, spec: { value: 'v' } }),
    ];
    assert.deepEqual(
      refused.map((r) => r.status),
      [403, 403, 403, 403, 403, 403],
    );
    assert.ok(
      (await getCluster(admin, cluster))?.metadata.deletedAt === undefined,
      'the cluster is still there',
    );
  });

  step(
    'upgrades the cluster to a new profile version through the wizard, after showing the plan',
    async () => {
      await page.goto(`${url}/profiles/web-base`);
      await page.getByRole('button', { name: 'Clone 1.0.0' }).click();
      const dialog = page.getByRole('dialog');
      assert.equal(await dialog.getByLabel('New version').inputValue(), '1.1.0');
      await dialog.getByRole('button', { name: 'Clone as draft' }).click();
      await page.waitForURL(/\/profiles\/web-base\/versions\/1\.1\.0$/);
      await page.getByRole('button', { name: /^Edit layer \d+\. team-config$/ }).click();
      await replaceEditorText(page, 'Manifest of layer team-config', MANIFEST_V2);
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByRole('button', { name: 'Save draft' }).and(page.locator('[disabled]')).waitFor();
      await publish(page);
      await page.goto(`${url}/profiles/web-base?from=1.0.0&to=1.1.0`);
      await page.getByRole('region', { name: 'Layer team-config changes' }).waitFor();
      await screenshot(page, '11-profile-diff');

      await page.goto(`${url}/clusters/${cluster}?tab=profile`);
      await page.getByText('1.1.0 is available').waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Upgrade…' }).click();
      const wizard = page.getByRole('dialog');
      await wizard.getByRole('button', { name: 'Show plan' }).click();
      await wizard.getByTestId('plan').waitFor();
      assert.equal(await wizard.getByTestId('plan-repave').textContent(), 'no');
      await wizard.getByRole('region', { name: 'Layer team-config changes' }).waitFor();
      await screenshot(page, '12-upgrade-plan');
      await wizard.getByRole('button', { name: 'Apply upgrade to 1.1.0' }).click();
      await wizard.getByText(/now wants web-base 1\.1\.0/).waitFor();
      await wizard.getByRole('button', { name: 'Close' }).click();
      const c = await getCluster(admin, cluster);
      assert.equal((c?.spec.profiles as { version: string }[])[0]?.version, '1.1.0');
      // The agent applies the new revision: the ConfigMap gets the new key (and the drifted value back).
      await page.getByRole('tab', { name: /^Layers/ }).click();
      await page.waitForFunction(
        (name) => {
          const rows = [
            ...(globalThis as unknown as PageGlobals).document.querySelectorAll(
              `table[aria-label="Layers of cluster ${name}"] tbody tr`,
            ),
          ];
          return rows.length === 5 && rows.every((r) => r.textContent?.includes('Applied'));
        },
        cluster,
        { timeout: 120_000, polling: 500 },
      );
      const kubeconfig = (await admin.call('POST', `${PROJECT}/clusters/${cluster}/kubeconfig`)).text;
      const cm = await clients(kubeconfig).core.readNamespacedConfigMap({
        name: 'team-config',
        namespace: 'default',
      });
      assert.deepEqual(cm.data, { team: 'web', tier: 'gold' });
    },
  );

  step('deletes the cluster after a typed confirmation, and it disappears from the console', async () => {
    await page.goto(`${url}/clusters/${cluster}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete cluster' });
    assert.equal(await confirm.isDisabled(), true, 'disabled until the name is typed');
    await dialog.getByLabel(/Type .* to confirm/).fill(cluster);
    await confirm.click();
    await page.getByText(`Cluster ${cluster} does not exist (any more)`).waitFor({ timeout: 180_000 });
    assert.equal(await getCluster(admin, cluster), undefined);
  });
});
