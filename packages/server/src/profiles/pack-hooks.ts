import { StrataError } from '@strata/api';
import { packDigest, packFromResource, validatePack, type Pack } from '@strata/core';
import { BUILTIN_LABEL } from '../catalog/builtin-packs.js';
import type { HookInput, KindHooks } from '../resources/kind-hooks.js';

function toPack(input: HookInput): Pack {
  return packFromResource(input as unknown as Parameters<typeof packFromResource>[0]);
}

/** Packs are content-addressed and immutable per name+version; built-in packs cannot be deleted. */
export function packHooks(): KindHooks {
  return {
    invalidCode: 'STRATA_PACK_INVALID',
    async validate(_ctx, input) {
      return validatePack(toPack(input));
    },
    normalizeSpec: (input) => ({ ...input.spec, digest: packDigest(toPack(input)) }),
    guardUpdate(previous, input) {
      const incoming = packDigest(toPack(input));
      if (previous.spec.digest !== incoming) {
        throw new StrataError(
          'STRATA_IMMUTABLE',
          `pack ${previous.metadata.name} ${String(previous.spec.version)} already exists with other content (digest ${String(previous.spec.digest)}); publish a new version instead`,
        );
      }
    },
    async guardDelete(_ctx, previous) {
      if (previous.metadata.labels[BUILTIN_LABEL] === 'true') {
        throw new StrataError(
          'STRATA_IMMUTABLE',
          `${previous.metadata.name} ${String(previous.spec.version)} is part of the built-in catalog`,
        );
      }
    },
  };
}
