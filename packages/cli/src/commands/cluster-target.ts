import { ClusterKind } from '@strata/api';
import type { StrataClient } from '@strata/client';
import type { CommandContext } from '../context.js';
import { InputError } from '../exit-codes.js';
import { projectFor } from '../project.js';

/**
 * The client and the project a cluster command addresses: --project / STRATA_PROJECT / the config default, or a
 * file's own metadata.project (which must not contradict --project, as in `apply`).
 */
export async function clusterTarget(
  ctx: CommandContext,
  own?: string,
): Promise<{ client: StrataClient; project: string }> {
  const settings = await ctx.settings();
  if (own && settings.projectSource === 'flag' && settings.project !== own)
    throw new InputError(`the file's metadata.project is "${own}" but --project is "${settings.project}"`);
  const project = projectFor(ClusterKind, settings, own) as string;
  return { client: await ctx.client(), project };
}
