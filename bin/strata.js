#!/usr/bin/env node
// The `strata` command. Runs the TypeScript sources as they are (Node strips the types; no build step needed), with the
// "development" export condition so workspace packages resolve to their sources (./conditions-hook.js).
// `strata server ...` starts the management server, `strata agent ...` runs strata-agent for one cluster,
// `strata sandbox ...` drives local sandbox clusters, `strata admin ...` backs up and restores the server's database,
// everything else is the API client CLI (packages/cli), which only talks to a server over HTTP.
import './conditions-hook.js';

const root = new URL('../', import.meta.url);
const [command] = process.argv.slice(2);
const args = process.argv.slice(2);
let code;
if (command === 'server') {
  const { runServer } = await import(new URL('packages/server/src/main.ts', root).href);
  code = await runServer(args.slice(1));
} else if (command === 'admin') {
  const { runAdminCli } = await import(new URL('packages/server/src/admin/admin-cli.ts', root).href);
  code = await runAdminCli(args.slice(1));
} else if (command === 'agent') {
  const { runAgentCli } = await import(new URL('packages/agent/src/index.ts', root).href);
  code = await runAgentCli(args.slice(1));
} else if (command === 'sandbox') {
  const { runSandboxCli } = await import(new URL('packages/sandbox/src/index.ts', root).href);
  code = await runSandboxCli(args.slice(1));
} else {
  // Ctrl-C ends watches and waits cleanly instead of killing the process mid-write.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const { runCli } = await import(new URL('packages/cli/src/index.ts', root).href);
  code = await runCli(args, { signal: controller.signal });
}
if (typeof code === 'number') process.exitCode = code;
