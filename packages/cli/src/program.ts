import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { KINDS } from '@strata/api';
import { registerApply } from './commands/apply.js';
import { registerAudit } from './commands/audit.js';
import { registerCluster } from './commands/cluster.js';
import { registerDelete } from './commands/delete.js';
import { registerDescribe } from './commands/describe.js';
import { registerGet } from './commands/get.js';
import { registerGroup, registerRollout } from './commands/fleet.js';
import { registerGateway } from './commands/gateway.js';
import { registerImport } from './commands/import.js';
import { registerLogin } from './commands/login.js';
import { registerPack } from './commands/pack.js';
import { registerProfile } from './commands/profile.js';
import { registerWait } from './commands/wait.js';
import { CommandContext } from './context.js';
import type { CliIO } from './io.js';

export const CLI_VERSION = '0.1.0';

/** Builds a fresh commander program (no state shared between runs) bound to the given I/O. */
export function buildProgram(io: CliIO): { program: Command; context: CommandContext } {
  const program = new Command('strata')
    .description('Strata: manage fleets of Kubernetes clusters from versioned, layered cluster profiles')
    .version(CLI_VERSION, '--cli-version', 'print the CLI version')
    .option('--server <url>', 'Strata server URL [env STRATA_SERVER]')
    .option('--api-key <key>', 'API key or login token [env STRATA_API_KEY] (visible to other users in ps)')
    .option('--api-key-file <path>', 'file holding the API key [env STRATA_API_KEY_FILE]')
    .option('-p, --project <name>', 'project for project-scoped kinds [env STRATA_PROJECT]')
    .option('--config <path>', 'config file [env STRATA_CONFIG] (default ~/.config/strata/config.json)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run "strata --help" for usage)')
    .addHelpText(
      'after',
      `
Also (run by the same "strata" binary):
  server          run the Strata server (see strata server --help)
  sandbox         local Kubernetes sandbox tools (see strata sandbox --help)
  admin           backup, restore and finish-restore of the server's database (see strata admin --help)

Kinds: ${KINDS.map((k) => k.plural).join(', ')}

Environment: STRATA_SERVER, STRATA_API_KEY(_FILE), STRATA_PROJECT, STRATA_CONFIG (flags win over environment,
environment wins over the config file). Exit codes: 0 ok, 1 error, 2 usage, 3 server unreachable, 4 timeout.`,
    );

  const context = new CommandContext(io, () => program.opts());
  registerLogin(program, context);
  registerApply(program, context);
  registerGet(program, context);
  registerDescribe(program, context);
  registerDelete(program, context);
  registerWait(program, context);
  registerProfile(program, context);
  registerPack(program, context);
  registerCluster(program, context);
  registerImport(program, context);
  registerAudit(program, context);
  registerGroup(program, context);
  registerRollout(program, context);
  registerGateway(program, context);
  configureSubcommands(program, io, 'strata');
  return { program, context };
}

/** Every command, nested ones included, throws instead of exiting and writes to the given I/O. */
function configureSubcommands(parent: CommandUnknownOpts, io: CliIO, path: string): void {
  for (const command of parent.commands) {
    const full = `${path} ${command.name()}`;
    command
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    command.showHelpAfterError(`(run "${full} --help" for usage)`);
    configureSubcommands(command, io, full);
  }
}
