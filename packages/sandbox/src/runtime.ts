/**
 * Starting and stopping one cluster's processes in order: etcd → kube-apiserver → (kcm, scheduler,
 * kwok). Each start is recorded in state.json at once, so a parent killed mid-way leaves PIDs that a
 * later process can find and end.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '@strata/api';
import type { BinarySet } from './binaries.js';
import {
  apiserverCommand,
  controllerManagerCommand,
  etcdCommand,
  kwokCommand,
  schedulerCommand,
  type ComponentCommand,
  type StateLayout,
} from './components.js';
import { probe, waitUntil, type TlsMaterial } from './health.js';
import { PKI_FILES } from './pki.js';
import { isOurs, startProcess, stopProcess, type OwnedProcess } from './process.js';
import { tailFile, writeState, type StoredState } from './state.js';
import type { ComponentName, CostOptions } from './types.js';

export interface RuntimeContext {
  layout: StateLayout;
  bins: BinarySet;
  state: StoredState;
  startTimeoutMs: number;
}

/** The admin client TLS material (for /readyz probes). */
export async function adminTls(layout: StateLayout): Promise<TlsMaterial> {
  const read = (f: string): Promise<string> => readFile(join(layout.pki, f), 'utf8');
  const [ca, cert, key] = await Promise.all([
    read(PKI_FILES.caCert),
    read(PKI_FILES.adminCert),
    read(PKI_FILES.adminKey),
  ]);
  return { ca, cert, key };
}

/** The client certificate etcd requires (health probes use the apiserver's). */
export async function etcdClientTls(layout: StateLayout): Promise<TlsMaterial> {
  const read = (f: string): Promise<string> => readFile(join(layout.pki, f), 'utf8');
  const [ca, cert, key] = await Promise.all([
    read(PKI_FILES.caCert),
    read(PKI_FILES.etcdClientCert),
    read(PKI_FILES.etcdClientKey),
  ]);
  return { ca, cert, key };
}

/** Error for a component that failed to start, carrying the last lines of its log. */
export async function componentFailure(
  layout: StateLayout,
  component: ComponentName,
  reason: string,
): Promise<StrataError> {
  const tail = await tailFile(layout.log(component), 20);
  const detail = `${component} failed to start: ${reason}${tail ? `\n--- last lines of ${layout.log(component)} ---\n${tail}` : ''}`;
  return new StrataError('STRATA_INTERNAL', detail);
}

function goEnv(cost: CostOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (cost.goGC !== undefined) env['GOGC'] = String(cost.goGC);
  if (cost.goMemLimit !== undefined) env['GOMEMLIMIT'] = cost.goMemLimit;
  return env;
}

async function launch(ctx: RuntimeContext, command: ComponentCommand): Promise<OwnedProcess> {
  const record = await startProcess({
    component: command.component,
    binary: command.binary,
    args: command.args,
    logFile: ctx.layout.log(command.component),
    cwd: ctx.layout.root,
    env: goEnv(ctx.state.spec.cost ?? {}),
  });
  ctx.state.processes = [...ctx.state.processes.filter((p) => p.component !== command.component), record];
  await writeState(ctx.layout.stateFile, ctx.state);
  return record;
}

function aliveCheck(ctx: RuntimeContext, record: OwnedProcess): () => Promise<void> {
  return async () => {
    if (!(await isOurs(record)))
      throw await componentFailure(ctx.layout, record.component, `process ${record.pid} exited`);
  };
}

/** Starts every component that is not already running (as ours) and waits for etcd and kube-apiserver health. */
export async function startComponents(ctx: RuntimeContext): Promise<void> {
  const { layout, bins, state } = ctx;
  const cost = state.spec.cost ?? {};
  const running = async (component: ComponentName): Promise<boolean> => {
    const rec = state.processes.find((p) => p.component === component);
    return rec !== undefined && (await isOurs(rec));
  };

  // etcd and kube-apiserver are launched back to back (the apiserver retries its etcd connection),
  // then both are awaited: this saves the etcd start-up time on every create.
  const etcd = (await running('etcd'))
    ? undefined
    : await launch(ctx, etcdCommand(bins, layout, state.ports));
  const apiserver = (await running('kube-apiserver'))
    ? undefined
    : await launch(ctx, apiserverCommand(bins, layout, state.ports, cost));
  if (etcd) {
    const etcdTls = await etcdClientTls(layout);
    await waitUntil(
      async () => {
        const res = await probe(`https://127.0.0.1:${state.ports.etcdClient}/health`, etcdTls);
        return res.status === 200 && res.body.includes('"true"')
          ? true
          : `${res.status} ${res.body.slice(0, 200)}`;
      },
      { what: 'etcd', timeoutMs: ctx.startTimeoutMs, intervalMs: 100, check: aliveCheck(ctx, etcd) },
    ).catch(async (err: unknown) => {
      throw err instanceof StrataError ? err : await componentFailure(layout, 'etcd', String(err));
    });
  }
  if (apiserver) {
    const tls = await adminTls(layout);
    await waitUntil(
      async () => {
        const res = await probe(`https://127.0.0.1:${state.ports.apiserver}/readyz`, tls);
        return res.status === 200 ? true : `${res.status} ${res.body.slice(0, 300)}`;
      },
      {
        what: 'kube-apiserver /readyz',
        timeoutMs: ctx.startTimeoutMs,
        intervalMs: 100,
        check: aliveCheck(ctx, apiserver),
      },
    ).catch(async (err: unknown) => {
      throw err instanceof StrataError ? err : await componentFailure(layout, 'kube-apiserver', String(err));
    });
  }

  const rest: ComponentCommand[] = [];
  if (cost.controllerManager !== false) rest.push(controllerManagerCommand(bins, layout, state.ports, cost));
  if (cost.scheduler !== false) rest.push(schedulerCommand(bins, layout, state.ports));
  rest.push(kwokCommand(bins, layout, state.ports));
  for (const command of rest) {
    if (!(await running(command.component))) await launch(ctx, command);
  }
}

/** Fails with the component's log tail if any started process has exited. */
export async function assertAllAlive(ctx: RuntimeContext): Promise<void> {
  for (const record of ctx.state.processes) await aliveCheck(ctx, record)();
}

/** Stops the recorded processes in reverse start order (only PIDs that are still ours). */
export async function stopComponents(ctx: Pick<RuntimeContext, 'layout' | 'state'>): Promise<void> {
  const order: ComponentName[] = [
    'kwok',
    'kube-scheduler',
    'kube-controller-manager',
    'kube-apiserver',
    'etcd',
  ];
  const byOrder = [...ctx.state.processes].sort(
    (a, b) => order.indexOf(a.component) - order.indexOf(b.component),
  );
  // The three clients can go together; then the apiserver; etcd last.
  await Promise.all(byOrder.filter((p) => order.indexOf(p.component) < 3).map((p) => stopProcess(p)));
  for (const p of byOrder.filter((q) => order.indexOf(q.component) >= 3)) await stopProcess(p, 10_000);
  ctx.state.processes = [];
  await writeState(ctx.layout.stateFile, ctx.state);
}
