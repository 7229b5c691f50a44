/**
 * `POST .../clusters/NAME/plan`: what a proposed spec would change — layers, pools, repave, approval — and, for
 * imported clusters, what adopting the cluster's objects would do (asked of its agent). `planClusterUpdate` is the
 * same check for other actions (upgrade).
 */
import { ClusterKind, validationError, type ClusterSpec, type Resource } from '@strata/api';
import {
  IMPORTED_PROVIDER,
  maskJson,
  planClusterChange,
  type ClusterPlan,
  type ResolvedStack,
} from '@strata/core';
import type { FastifyInstance } from 'fastify';
import { authorize, type Target } from '../resources/access.js';
import { isPlainObject } from '../resources/merge-patch.js';
import type { RequestContext } from '../resources/resource-service.js';
import {
  CLUSTER_TAGS,
  CLUSTER_URL,
  clusterTarget,
  type ClusterParams,
  type ClusterRoutesOptions,
} from './cluster-route-options.js';
import { resolveCluster, type ResolvedCluster } from './resolve-cluster.js';
import { revealGivenVariables, revealStoredVariables } from './sealed-variables.js';

const PlanBody = {
  type: 'object',
  description: 'The proposed Cluster (or just its spec under `spec`)',
} as const;
const PlanQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    adoptionWaitSeconds: {
      type: 'string',
      pattern: '^[0-9]{1,2}$',
      description:
        'imported clusters: how long to wait for the agent’s adoption preview (0–60, default 20; 0 skips it)',
    },
  },
} as const;
/** How long a plan waits for an imported cluster's agent to answer an adoption preview, by default. */
export const ADOPTION_WAIT_SECONDS = 20;

export interface PlanResponse {
  plan: ClusterPlan;
  /** The Cluster as it would be stored. */
  proposed: Resource;
}

/**
 * The response, plus the proposed stack, the values of sensitive variables (to mask what is added to it) and the
 * system values the templates of either stack read.
 */
type PlanResult = PlanResponse & { stack?: ResolvedStack; secrets: string[]; systemReads: string[] };

export function registerClusterPlanRoute(app: FastifyInstance, o: ClusterRoutesOptions): void {
  app.post<{
    Params: ClusterParams;
    Body: Record<string, unknown>;
    Querystring: { adoptionWaitSeconds?: string };
  }>(
    `${CLUSTER_URL}/plan`,
    {
      schema: {
        tags: CLUSTER_TAGS,
        summary:
          'What a proposed spec would change (layers, pools, repave, approval; imported clusters: what adoption does)',
        body: PlanBody,
        querystring: PlanQuery,
      },
    },
    async (req, reply): Promise<PlanResponse> => {
      const ctx = o.context(req);
      const current = await o.service.get(ctx, clusterTarget(req), req.params.name);
      authorize(ctx.principal, clusterTarget(req), 'plan');
      const body = req.body;
      const spec = isPlainObject(body.spec) ? body.spec : body;
      if (
        isPlainObject(body.metadata) &&
        body.metadata.name !== undefined &&
        body.metadata.name !== req.params.name
      ) {
        throw validationError([
          { path: '/metadata/name', message: `must match the name in the URL ("${req.params.name}")` },
        ]);
      }
      const {
        stack,
        secrets,
        systemReads: _reads,
        ...result
      } = await planClusterUpdate(o, ctx, clusterTarget(req), current, spec);
      const waitSeconds = Math.min(Number(req.query.adoptionWaitSeconds ?? ADOPTION_WAIT_SECONDS), 60);
      const abort = new AbortController();
      // The client went away: stop waiting for the agent.
      reply.raw.once('close', () => abort.abort());
      const adopted = await adoption(o, current, result.proposed, stack, waitSeconds, abort.signal);
      return { ...result, plan: { ...result.plan, ...maskJson(adopted, secrets) } };
    },
  );
}

/** Runs every check of an update without storing it, and classifies the change. */
export async function planClusterUpdate(
  o: ClusterRoutesOptions,
  ctx: RequestContext,
  t: Target,
  current: Resource,
  spec: unknown,
): Promise<PlanResult> {
  const body = {
    metadata: {
      name: current.metadata.name,
      labels: current.metadata.labels,
      annotations: current.metadata.annotations,
    },
    spec,
  };
  const proposed = await o.service.update(ctx, t, current.metadata.name, body, undefined, { dryRun: true });
  const { currentSpec, proposedSpec, from, to } = await planStacks(o, current, proposed.spec, spec);
  const result = planClusterChange({
    current: { spec: currentSpec, ...(from.stack ? { stack: from.stack } : {}) },
    proposed: { spec: proposedSpec, ...(to.stack ? { stack: to.stack } : {}) },
  });
  // Values diffs show resolved values: the values of sensitive variables (either side) never leave masked.
  const secrets = [...from.secrets, ...to.secrets];
  return {
    plan: maskJson(result, secrets),
    proposed,
    secrets,
    systemReads: [...new Set([...from.systemReads, ...to.systemReads])],
    ...(to.stack ? { stack: to.stack } : {}),
  };
}

/**
 * The two stacks a plan compares: the cluster's now and the proposal's (`proposedSpec` as it would be stored,
 * `given` as asked for). They resolve with the real values of sensitive variables: the stored ones (sealed), and
 * those the proposal gives (`********` keeps a stored one). Only masked output may leave the caller.
 */
export async function planStacks(
  o: ClusterRoutesOptions,
  current: Resource,
  proposedSpec: Record<string, unknown>,
  given: unknown,
): Promise<{
  currentSpec: ClusterSpec;
  proposedSpec: ClusterSpec;
  from: ResolvedCluster;
  to: ResolvedCluster;
}> {
  const stored = await o.store.get(
    { tenant: current.metadata.tenant, projects: '*' },
    {
      kind: ClusterKind.kind,
      tenant: current.metadata.tenant,
      project: current.metadata.project ?? '',
      name: current.metadata.name,
    },
  );
  const storedSpec = stored?.spec ?? current.spec;
  const currentSpec = revealStoredVariables(storedSpec as unknown as ClusterSpec, o.cipher);
  // The proposal as stored shows sealed values as `********`: take the attachments as given.
  const input = isPlainObject(given) && Array.isArray(given.profiles) ? { profiles: given.profiles } : {};
  const revealed = revealGivenVariables(
    { ...(proposedSpec as unknown as ClusterSpec), ...input },
    storedSpec,
    o.cipher,
  ).spec;
  const resolve = (s: ClusterSpec) =>
    resolveCluster({
      store: o.store,
      catalogs: o.catalogs,
      cipher: o.cipher,
      cluster: {
        tenant: current.metadata.tenant,
        project: current.metadata.project ?? '',
        name: current.metadata.name,
        uid: current.metadata.uid,
      },
      spec: withStoredSecrets(s),
      providers: o.providers.names(),
    });
  const [from, to] = await Promise.all([resolve(currentSpec), resolve(revealed)]);
  return { currentSpec, proposedSpec: revealed, from, to };
}

/**
 * Imported clusters with profiles: what the first apply of the proposed stack would do to what already exists,
 * from the cluster's agent (which computes it without writing anything).
 */
async function adoption(
  o: ClusterRoutesOptions,
  current: Resource,
  proposed: Resource,
  stack: ResolvedStack | undefined,
  waitSeconds: number,
  signal: AbortSignal,
): Promise<Pick<ClusterPlan, 'adoption' | 'adoptionUnavailable'>> {
  const spec = proposed.spec as unknown as ClusterSpec;
  if (spec.provider !== IMPORTED_PROVIDER || (spec.profiles ?? []).length === 0 || !stack) return {};
  if (waitSeconds === 0) return { adoptionUnavailable: 'not asked for (adoptionWaitSeconds=0)' };
  const outcome = await o.agents.preview(current.metadata.uid, stack, {
    timeoutMs: waitSeconds * 1000,
    signal,
  });
  return 'preview' in outcome ? { adoption: outcome.preview } : { adoptionUnavailable: outcome.unavailable };
}

/**
 * A spec as read back (write-only fields left out) made fit for resolving: an imported cluster's kubeconfig is
 * stored, so it counts as given (its content plays no part in the stack).
 */
function withStoredSecrets(spec: ClusterSpec): ClusterSpec {
  return spec.provider === IMPORTED_PROVIDER && spec.kubeconfig === undefined
    ? { ...spec, kubeconfig: '(stored)' }
    : spec;
}
