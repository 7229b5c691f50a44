import type { Command } from '@commander-js/extra-typings';
import { writeConfig, type CliConfig } from '../config.js';
import { createClient, normalizeServer, type CommandContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { readAll } from '../io.js';
import { prompt } from '../prompt.js';
import { ssoBrowserLogin, ssoDeviceLogin } from './login-sso.js';

export function registerLogin(program: Command, ctx: CommandContext): void {
  program
    .command('login')
    .description(
      'Sign in to a Strata server and save the server, credentials and default project to the config file',
    )
    .argument('[server]', 'server URL (default: --server, STRATA_SERVER or the saved server)')
    .option('-u, --username <name>', 'user name (prompted when missing)')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .option('--tenant <name>', 'tenant to sign in to, when the user name exists in several')
    .option(
      '--sso',
      "sign in through the tenant's identity provider (a browser, redirected back to this machine)",
    )
    .option('--device', 'with --sso: sign in on another device with a code (for machines without a browser)')
    .option('--provider <name>', "with --sso: the identity provider (default: the tenant's only one)")
    .addHelpText(
      'after',
      `
Use --api-key-file FILE (or --api-key KEY, STRATA_API_KEY[_FILE]) to save an API key instead of signing in with a
password.
--project P saves P as the default project for project-scoped kinds.

Examples:
  strata login http://127.0.0.1:7080 -u admin
  strata login https://strata.example.com --sso --tenant acme
  strata login https://strata.example.com --sso --device --provider okta
  echo "$PASSWORD" | strata login https://strata.example.com -u ci --password-stdin
  strata login http://127.0.0.1:7080 --api-key-file data/admin.key --project retail`,
    )
    .action(async (serverArg, options) => {
      ctx.authHint = false;
      const flags = ctx.flags();
      const saved = await ctx.configFile();
      const server = serverArg ?? flags.server ?? ctx.io.env.STRATA_SERVER ?? saved.server;
      if (!server) throw new UsageError('give the server URL: strata login URL');
      const client = createClient(server, undefined);
      const files = await ctx.keyFiles();
      const apiKey = flags.apiKey ?? files.flag ?? ctx.io.env.STRATA_API_KEY ?? files.env;
      const project = flags.project ?? (saved.server === client.server ? saved.project : undefined);
      let config: CliConfig;
      if (options.device && !options.sso) throw new UsageError('--device goes with --sso');
      if (options.sso) {
        if (apiKey || options.passwordStdin || options.username)
          throw new UsageError('use --sso without a user name, password or API key');
        const sso = {
          client,
          tenant: options.tenant,
          provider: options.provider,
          say: (text: string) => ctx.err(text),
          signal: ctx.signal,
        };
        const session = options.device ? await ssoDeviceLogin(sso) : await ssoBrowserLogin(sso);
        config = {
          server: client.server,
          token: session.token,
          tokenExpiresAt: session.expiresAt,
          user: session.user,
          tenant: session.tenant,
        };
      } else if (apiKey) {
        if (options.passwordStdin || options.username)
          throw new UsageError('use either --api-key or a user name and password, not both');
        const me = await client.withApiKey(apiKey).whoami({ signal: ctx.signal });
        config = { server: client.server, apiKey, user: me.user, tenant: me.tenant };
      } else {
        const username = options.username ?? (await prompt(ctx.io, 'Username: '));
        const password = options.passwordStdin
          ? (await readAll(ctx.io.stdin)).replace(/\r?\n$/, '')
          : await prompt(ctx.io, 'Password: ', { hidden: true });
        if (!username || !password) throw new UsageError('a user name and a password are required');
        const session = await client.login(
          { username, password, tenant: options.tenant },
          { signal: ctx.signal },
        );
        config = {
          server: client.server,
          token: session.token,
          tokenExpiresAt: session.expiresAt,
          user: session.user,
          tenant: session.tenant,
        };
      }
      if (project) config.project = project;
      await writeConfig(ctx.configPath(), config);
      ctx.out(
        `Logged in to ${normalizeServer(client.server)} as ${config.user} (tenant ${config.tenant})${project ? `, default project ${project}` : ''}.\n`,
      );
      ctx.out(`Saved to ${ctx.configPath()}\n`);
    });
}
