/**
 * The agent surviving its environment on a real sandbox cluster: the server going away (enforcement continues,
 * status queues and catches up), restarts without re-applying anything, SIGKILL in the middle of an apply, and the
 * `strata agent` process itself (JSON logs without secrets, /healthz, /metrics, clean exit on SIGTERM).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { JsonObject } from '@strata/core';
import {
  desiredMessage,
  kubectl,
  kubectlGet,
  kubectlJson,
  meta,
  run,
  stackLayer,
  waitFor,
} from './test/cluster-helpers.js';
import { driftOf, layerState, repoRoot, TOKEN, useAgentWorld } from './test/agent-world.js';
import { ProtocolServer } from './test/protocol-server.js';

describe('strata-agent resilience', () => {
  const w = useAgentWorld();
  before(async () => {
    await w.install();
  });

  it('keeps enforcing while the server is unreachable and delivers the queued status when it returns', async () => {
    await w.server.stop();
    const offlineAt = new Date().toISOString();
    await kubectl(w.fx, 'delete', 'configmap', 'shop-config', '-n', 'shop');
    await waitFor(
      () => kubectlGet(w.fx, 'configmap', 'shop-config', '-n', 'shop'),
      'the agent to re-create shop-config offline',
      15_000,
    );
    await waitFor(() => w.agent!.queuedReports > 0, 'queued reports');
    const mark = w.server.reports.length;
    await w.server.start();
    await waitFor(() => w.agent!.queuedReports === 0, 'the queue to drain', 30_000);
    const caughtUp = w.server.reports.slice(mark);
    const drifted = caughtUp.find(
      (r) =>
        r.observedAt > offlineAt &&
        driftOf(r, 'base.shop').some((d) => d.object.name === 'shop-config' && d.path === ''),
    );
    assert.ok(drifted, 'the Drifted report made while offline arrived');
    assert.ok(
      caughtUp.some(
        (r) => r.observedAt > drifted.observedAt && layerState(r, 'base.shop')?.state === 'Applied',
      ),
      'and the Applied one after it',
    );
  });

  it('restarts (even with the server down) without re-applying unchanged layers, and keeps enforcing', async () => {
    await w.agent!.stop();
    const rvs = async (): Promise<unknown[]> =>
      Promise.all(
        [
          ['widget', 'w1', '-n', 'demo'],
          ['deployment', 'shop-web', '-n', 'shop'],
          ['configmap', 'shop-config', '-n', 'shop'],
          ['deployment', 'hello', '-n', 'hello'],
          ['crd', 'widgets.demo.strata.dev'],
        ].map(async (args) => meta(await kubectlJson(w.fx, 'get', ...args)).resourceVersion),
      );
    const helmRevision = async (): Promise<unknown> =>
      (
        JSON.parse(
          await run(w.fx.bin('helm'), [
            '--kubeconfig',
            w.fx.kubeconfigPath,
            'status',
            'hello',
            '-n',
            'hello',
            '-o',
            'json',
          ]),
        ) as JsonObject
      ).version;
    const before = await rvs();
    const revisionBefore = await helmRevision();
    await w.server.stop();

    w.agent = await w.startAgent({ layerTimeoutMs: 10_000 });
    const revision = w.server.revision;
    await waitFor(
      () => {
        const r = w.agent!.currentReport();
        return (
          r.revision === revision &&
          r.layers.length === w.stack.length &&
          r.layers.every((l) => l.state === 'Applied')
        );
      },
      'the persisted desired state to be enforced offline',
      30_000,
    );
    assert.deepEqual(await rvs(), before);
    assert.equal(await helmRevision(), revisionBefore);

    await kubectl(w.fx, 'scale', 'deployment', 'shop-web', '-n', 'shop', '--replicas=6');
    await waitFor(
      async () =>
        ((await kubectlJson(w.fx, 'get', 'deployment', 'shop-web', '-n', 'shop')).spec as JsonObject)
          .replicas === 2,
      'offline remediation',
      15_000,
    );

    const polls = w.server.polls.length;
    await w.server.start();
    await w.server.waitForReport(
      (r) => r.revision === revision && r.layers.every((l) => l.state === 'Applied'),
      15_000,
    );
    await waitFor(() => w.server.polls.length > polls, 'a poll');
    assert.equal(w.server.polls[polls]!.after, revision, 'the long poll resumes from the persisted revision');
  });

  it('killed with SIGKILL mid-apply, a restarted agent finishes the layer without a second release', async () => {
    // One agent per cluster: the in-process one steps aside for the process under test.
    await w.agent?.stop();
    w.agent = undefined;
    // The chart's pods may only run on a node labelled later, so the agent is still waiting for readiness when killed.
    const gated = stackLayer('base', 'gated', {
      helm: {
        releaseName: 'gated',
        namespace: 'gated',
        chart: { name: 'hello', version: '0.1.0', repository: w.repo.url },
        values: { replicaCount: 1, greeting: 'hi', nodeSelector: { 'strata.dev/gate': 'open' } },
      },
    });
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'bin', 'strata.js'),
        'agent',
        '--server',
        w.server.url,
        '--token-file',
        w.tokenFile,
        '--kubeconfig',
        w.fx.kubeconfigPath,
        '--helm',
        w.fx.bin('helm'),
        '--layer-timeout',
        '60s',
      ],
      { cwd: repoRoot, stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const layers = [...w.stack, gated];
    const mark = w.server.mark();
    const revision = w.server.publish(desiredMessage(layers));
    const helm = (...args: string[]): Promise<string> =>
      run(w.fx.bin('helm'), ['--kubeconfig', w.fx.kubeconfigPath, ...args]);
    try {
      await w.server.waitForReport(
        (r) => r.revision === revision && layerState(r, 'base.gated')?.state === 'Applying',
        30_000,
        mark,
      );
      await waitFor(
        async () => (await helm('list', '-n', 'gated', '-q')).trim() === 'gated',
        'the release to exist',
        30_000,
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    await kubectl(w.fx, 'label', 'node', 'workers-0', 'strata.dev/gate=open');

    w.agent = await w.startAgent();
    w.stack = layers;
    await w.server.waitForReport(
      (r) =>
        r.revision === revision &&
        r.layers.length === layers.length &&
        r.layers.every((l) => l.state === 'Applied'),
      60_000,
      mark,
    );
    assert.equal((await helm('list', '-A', '-q')).split('\n').filter((n) => n === 'gated').length, 1);
    const history = JSON.parse(await helm('history', 'gated', '-n', 'gated', '-o', 'json')) as JsonObject[];
    assert.ok(history.length <= 2, `${history.length} revisions`);
    assert.equal(history[history.length - 1]!.status, 'deployed');
    const inventory = await kubectlJson(
      w.fx,
      'get',
      'configmap',
      'strata-layer.base.gated',
      '-n',
      'strata-system',
    );
    assert.match(
      (inventory.data as Record<string, string>)['inventory.json'] ?? '',
      /"appliedHash":"sha256:/,
    );
  });

  it('runs as `strata agent`: JSON logs without secrets, /healthz, /metrics, masked Secret drift, exit 0 on SIGTERM', async () => {
    const cliServer = new ProtocolServer({ token: TOKEN });
    await cliServer.start();
    const password = 'hunter2-never-in-logs';
    cliServer.publish(
      desiredMessage([
        stackLayer('cli', 'secret', {
          manifests: [
            { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cli' } },
            {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name: 'db', namespace: 'cli' },
              stringData: { password },
            },
          ],
        }),
      ]),
    );
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'bin', 'strata.js'),
        'agent',
        '--server',
        cliServer.url,
        '--token-file',
        w.tokenFile,
        '--kubeconfig',
        w.fx.kubeconfigPath,
        '--helm',
        w.fx.bin('helm'),
        '--namespace',
        'strata-cli',
        '--listen',
        '127.0.0.1:0',
        '--layer-timeout',
        '60s',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const listen = await waitFor(
        () => /"msg":"agent started".*"listen":"([^"]+)"/.exec(stdout)?.[1],
        'the agent to start',
        30_000,
      );
      await cliServer.waitForReport((r) => r.layers.length === 1 && r.layers[0]!.state === 'Applied', 30_000);
      const health = await fetch(`http://${listen}/healthz`);
      assert.equal(health.status, 200);
      const metrics = await (await fetch(`http://${listen}/metrics`)).text();
      assert.match(metrics, /^strata_agent_layers\{state="Applied"\} 1$/m);
      assert.match(metrics, /^strata_agent_info\{version="[^"]+"\} 1$/m);
      assert.match(metrics, /^strata_agent_desired_revision 1$/m);

      const mark = cliServer.mark();
      const changed = Buffer.from('changed', 'utf8').toString('base64');
      await kubectl(
        w.fx,
        'patch',
        'secret',
        'db',
        '-n',
        'cli',
        '--type=merge',
        '-p',
        JSON.stringify({ data: { password: changed } }),
      );
      const drifted = await cliServer.waitForReport((r) => r.layers[0]!.state === 'Drifted', 10_000, mark);
      assert.deepEqual(drifted.layers[0]!.drift, [
        {
          object: { apiVersion: 'v1', kind: 'Secret', namespace: 'cli', name: 'db' },
          path: '/data/password',
          desired: '(redacted)',
          live: '(redacted)',
        },
      ]);
      await waitFor(
        async () =>
          ((await kubectlJson(w.fx, 'get', 'secret', 'db', '-n', 'cli')).data as JsonObject).password ===
          Buffer.from(password).toString('base64'),
        'the Secret restored',
        15_000,
      );
    } finally {
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
      await cliServer.stop();
      assert.equal(code, 0, `exit code (stderr: ${stderr.slice(-2000)})`);
    }
    const lines = stdout.trim().split('\n');
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
    assert.ok(lines.some((l) => l.includes('"msg":"agent stopped"')));
    for (const secret of [TOKEN, password, Buffer.from(password).toString('base64')])
      assert.ok(!stdout.includes(secret) && !stderr.includes(secret), 'a secret appeared in the output');
  });
});
