import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface AgentCommand {
  binary: string;
  args: string[];
  /** `bundle`: packages/agent/dist/strata-agent.mjs; `sources`: `bin/strata.js agent` through tsx. */
  source: 'bundle' | 'sources';
  /** Why the sources are used (no bundle, or one older than the sources). */
  reason?: string;
}

/**
 * Node flags for the bundled agent: V8 favours a small heap over throughput (about 10 MiB less resident memory for an
 * idle agent with 1,000 objects, same idle CPU; docs/benchmarks.md). The container image uses the same flags.
 */
export const AGENT_NODE_FLAGS = ['--optimize-for-size'];

/** The sources the agent bundle is built from: a change in any of them makes the bundle stale. */
const BUNDLED_SOURCES = ['packages/agent/src', 'packages/api/src', 'packages/core/src'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * How the server starts `strata-agent` for the clusters whose provider runs it (sandbox, imported): the bundle
 * (`npm run build -w packages/agent`; starts in well under a second, half the memory) when it is at least as new as
 * the sources it was built from, else the sources through bin/strata.js — never a stale agent.
 */
export function agentCommand(root: string, node = process.execPath): AgentCommand {
  const bundle = join(root, 'packages/agent/dist/strata-agent.mjs');
  const sources: AgentCommand = {
    binary: node,
    args: [join(root, 'bin/strata.js'), 'agent'],
    source: 'sources',
  };
  let built: number;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return { ...sources, reason: 'the agent bundle is not built (npm run build -w packages/agent)' };
  }
  const dirs = BUNDLED_SOURCES.map((d) => join(root, d)).filter((d) =>
    statSync(d, { throwIfNoEntry: false }),
  );
  const newest = Math.max(0, ...dirs.map(newestMtime));
  if (newest > built) {
    return {
      ...sources,
      reason: 'the agent bundle is older than its sources (npm run build -w packages/agent)',
    };
  }
  return { binary: node, args: [...AGENT_NODE_FLAGS, bundle], source: 'bundle' };
}
