/** The phases of a PackSource pass: read the repository index, then summarise what was read into status. */
import { Result, type Phase } from '../../controller-runtime/index.js';
import { readHelmIndex, type ReadHelmIndexOptions } from '../../packs/helm-index.js';
import { revealSecret } from '../../resources/secret-fields.js';
import type { PackSourceControllerOptions } from './pack-source-controller.js';
import type { PackSourceScope } from './pack-source-scope.js';
import { summarisePackSource } from './pack-source-status.js';

/** Reads the index (Helm repositories only); an unreachable or malformed index is a condition, never an error. */
export function readIndexPhase(o: PackSourceControllerOptions): Phase<PackSourceScope> {
  return {
    name: 'read index',
    run: async (ctx, scope) => {
      const { spec } = scope.source;
      if (spec.type !== 'helm') {
        const message = `${String(spec.type)} sources are not supported yet; use a Helm repository`;
        scope.read = { condition: { type: 'Ready', status: 'False', reason: 'Unsupported', message } };
        return Result.done();
      }
      const credentials = revealSecret(o.cipher, spec.credentials) as ReadHelmIndexOptions['credentials'];
      const result = await readHelmIndex({
        url: String(spec.url),
        timeoutMs: o.timeoutMs ?? 15_000,
        ...(credentials ? { credentials } : {}),
        ...(spec.insecureSkipTlsVerify === true ? { insecureSkipTlsVerify: true } : {}),
        ...(o.egress ? { egress: o.egress } : {}),
        ...(o.resolver ? { resolver: o.resolver } : {}),
      });
      if (ctx.signal.aborted) return Result.done();
      scope.read = result.ok
        ? { condition: result.condition, charts: result.charts }
        : { condition: result.condition };
      return Result.done();
    },
  };
}

export function summarisePhase(): Phase<PackSourceScope> {
  return {
    name: 'summarise',
    run: async (_ctx, scope) => {
      scope.status = summarisePackSource(scope);
      return Result.done();
    },
  };
}
