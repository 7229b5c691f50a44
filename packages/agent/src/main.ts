// Entry point of the strata-agent container image (packages/agent/Dockerfile): `node dist/main.js --server ...`.
// Locally the same code runs as `strata agent ...` through bin/strata.js.
import { runAgentCli } from './cli/run-agent-cli.js';

process.exitCode = await runAgentCli(process.argv.slice(2));
