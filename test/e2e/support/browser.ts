/** Browser pieces of the console e2e suites: Debian's Chromium through playwright-core, axe-core, screenshots. */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = new URL('../../../', import.meta.url).pathname;
export const DIST_DIR = join(ROOT, 'packages/web/dist');
export const SCREENSHOT_DIR = join(ROOT, 'artifacts/console-screenshots');
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

export interface ConsoleEndpoint {
  url: string;
}

/** The console as the strata server serves it at `/`; fails when the server does not serve it. */
export async function consoleFor(serverUrl: string): Promise<ConsoleEndpoint> {
  await stat(join(DIST_DIR, 'index.html')).catch(() => {
    throw new Error('the console is not built: run `npm run build -w packages/web` (scripts/test.sh does)');
  });
  const res = await fetch(`${serverUrl}/clusters`);
  if (!res.ok || !(await res.text()).includes('id="root"'))
    throw new Error(`${serverUrl} does not serve the console at / (HTTP ${res.status})`);
  return { url: serverUrl };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page; returns the serious and critical violations (WCAG 2.1 A/AA and best practices). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the console's Content-Security-Policy (no inline scripts) stays in force.
  axeSource ??= await readFile(AXE_PATH, 'utf8');
  await page.evaluate(`${axeSource}\n;void 0`);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as {
      axe: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }> };
      document: unknown;
    };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .slice(0, 4)
          .map((n) => `    ${n.target.join(' ')} ${n.failureSummary ?? ''}`)
          .join('\n')}`,
    )
    .join('\n');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Picks an option of a Mantine Select (a combobox) by its label and the option text. */
export async function choose(page: Page, label: string | RegExp, option: string): Promise<void> {
  await page
    .getByRole('textbox', { name: label })
    .or(page.getByRole('combobox', { name: label }))
    .first()
    .click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/**
 * axe-core in the current theme and in the other one, switched with the header's theme button (the page keeps its
 * state, e.g. a wizard's step), then switched back. Returns one description per theme with serious violations.
 */
export async function violationsInBothThemes(page: Page, where: string): Promise<string[]> {
  const failures: string[] = [];
  const scheme = async () =>
    (await page.locator('html').getAttribute('data-mantine-color-scheme')) ?? 'light';
  const toggle = async () => {
    const before = await scheme();
    await page.getByRole('button', { name: /^Switch to the (dark|light) theme$/ }).click();
    await page.waitForFunction(
      (b) =>
        (
          globalThis as unknown as {
            document: { documentElement: { getAttribute(n: string): string | null } };
          }
        ).document.documentElement.getAttribute('data-mantine-color-scheme') !== b,
      before,
    );
    // Away from the button (its tooltip would cover the page), then let colour transitions finish.
    await page.mouse.move(1, 1);
    await page.waitForTimeout(300);
  };
  for (let i = 0; i < 2; i++) {
    const violations = await seriousViolations(page);
    if (violations.length > 0)
      failures.push(`${where} (${await scheme()}):\n${describeViolations(violations)}`);
    await toggle();
  }
  return failures;
}

/** Signs in on the console's sign-in screen and waits for the dashboard. */
export async function signIn(page: Page, url: string, user: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User name').fill(user);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Fleet dashboard' }).waitFor();
}
