import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BinaryInstaller, estimatePercent, type InstallStatus } from './installer.js';
import { REQUIRED_BINARIES } from './binaries.js';

/** A stand-in for setup-local-k8s.sh that prints the same progress lines and "builds" empty binaries. */
async function fakeSetupScript(dir: string, fail: boolean): Promise<string> {
  const script = join(dir, fail ? 'fail.sh' : 'ok.sh');
  const bin = '"$STRATA_CACHE_DIR/localk8s/bin/abc"';
  const body = fail
    ? [
        'echo "==> [1/6 +0s] downloading Go modules"',
        'echo "error: module example.com/x@v1.0.0 not served" >&2',
        'exit 1',
      ]
    : [
        'echo "==> [1/6 +0s] downloading Go modules"',
        'echo "==> [2/6 +1s] building kube-apiserver"',
        `mkdir -p ${bin}`,
        ...REQUIRED_BINARIES.map((b) => `printf '#!/bin/sh\\n' > ${bin}/${b}; chmod +x ${bin}/${b}`),
        `touch ${bin}/kwok-stages.yaml`,
        `echo '{"stamp":"abc","kubernetesVersion":"v1.36.3","etcdVersion":"v3.6.16","kwokVersion":"v0.8.0","helmVersion":"v3.22.0","buildDate":"2026-01-01T00:00:00Z"}' > ${bin}/manifest.json`,
        'ln -sfn abc "$STRATA_CACHE_DIR/localk8s/bin/current"',
        'echo "==> [6/6 +2s] done: local Kubernetes binaries in somewhere"',
      ];
  await writeFile(script, `#!/usr/bin/env bash\nset -e\n${body.join('\n')}\n`, { mode: 0o755 });
  return script;
}

describe('BinaryInstaller', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-installer-'));
  after(() => rm(dir, { recursive: true, force: true }));

  it('reports missing, then installing with steps and percent, then installed', async () => {
    const cacheRoot = join(dir, 'cache-ok');
    await mkdir(cacheRoot);
    const seen: InstallStatus[] = [];
    const installer = new BinaryInstaller({
      scriptPath: await fakeSetupScript(dir, false),
      cacheRoot,
      onProgress: (s) => seen.push(s),
    });
    assert.equal(await installer.isInstalled(), false);
    assert.equal(installer.status().state, 'missing');
    const running = installer.start();
    assert.equal(installer.status().state, 'installing');
    assert.equal(installer.start(), running, 'a second start() joins the running install');
    const final = await running;
    assert.equal(final.state, 'installed');
    assert.equal(final.percent, 100);
    assert.match(final.binDir ?? '', /localk8s\/bin\/abc$/);
    const steps = seen.filter((s) => s.state === 'installing').map((s) => s.step);
    assert.ok(steps.includes(1) && steps.includes(2), `steps seen: ${steps.join(',')}`);
    assert.ok(seen.some((s) => s.state === 'installing' && s.percent > 0 && s.percent < 100));
    assert.equal(await installer.isInstalled(), true);
  });

  it('reports failure with the script output tail', async () => {
    const cacheRoot = join(dir, 'cache-fail');
    await mkdir(cacheRoot);
    const installer = new BinaryInstaller({ scriptPath: await fakeSetupScript(dir, true), cacheRoot });
    const final = await installer.start();
    assert.equal(final.state, 'failed');
    assert.match(final.message, /exited with code 1/);
    assert.match(final.errorTail ?? '', /example.com\/x@v1.0.0 not served/);
  });
});

describe('estimatePercent', () => {
  it('moves through a long step and never reaches 100 before the end', () => {
    assert.equal(estimatePercent(0, 0), 0);
    assert.equal(estimatePercent(1, 0), 0);
    const startK8s = estimatePercent(2, 0);
    const midK8s = estimatePercent(2, 365);
    const lateK8s = estimatePercent(2, 10_000);
    assert.ok(startK8s < midK8s && midK8s < lateK8s, `${startK8s} < ${midK8s} < ${lateK8s}`);
    assert.ok(lateK8s < estimatePercent(3, 0) + 1);
    assert.ok(estimatePercent(6, 1_000) <= 99);
  });
});
