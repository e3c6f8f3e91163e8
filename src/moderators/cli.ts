import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { configOrExit, exitWith } from '../bootstrap.js';
import { openDataSource } from '../db/data-source.js';
import { AppError } from '../errors.js';
import { ModeratorAccounts, type ChangedBy } from './moderator-accounts.js';
import { MODERATOR_ROLES, type ModeratorRole } from './moderator.entity.js';

const USAGE = `Usage: npm run moderators -- <command>

  add <email> [--role moderator|admin] [--password <password>]
                              add an account (a password is generated and printed when none is given)
  list                        all accounts
  disable <email|id>          stop an account from signing in (its sessions end at once)
  enable <email|id>           allow a disabled account again
  reset-password <email|id> [--password <password>]
                              set a new password (generated and printed when none is given)
  role <email|id> <moderator|admin>

Uses the same DATABASE_URL / DATA_DIR as the service (.env is read when present).`;

const BY: ChangedBy = { moderatorId: null, via: 'cli' };

function role(value: string | undefined): ModeratorRole {
  const chosen = value ?? 'moderator';
  if (!MODERATOR_ROLES.includes(chosen as ModeratorRole)) exitWith(`role must be moderator or admin (got "${chosen}")`);
  return chosen as ModeratorRole;
}

async function run(accounts: ModeratorAccounts, command: string | undefined, args: string[], options: { role?: string; password?: string }): Promise<void> {
  const target = args[0];
  const needTarget = () => target ?? exitWith(`${command} needs an email or id\n\n${USAGE}`);
  switch (command) {
    case 'add': {
      const { moderator, password } = await accounts.add({ email: needTarget(), role: role(options.role), password: options.password }, BY);
      console.log(`added ${moderator.role} ${moderator.email} (${moderator.id})`);
      if (!options.password) console.log(`password: ${password}\n(shown only now; change it with: npm run moderators -- reset-password ${moderator.email})`);
      return;
    }
    case 'list': {
      const all = await accounts.list();
      if (all.length === 0) console.log('no moderators yet');
      for (const m of all) {
        console.log([m.id, m.email, m.role, m.status, `last sign-in ${m.lastLoginAt?.toISOString() ?? 'never'}`].join('\t'));
      }
      return;
    }
    case 'disable':
    case 'enable': {
      const found = await accounts.find(needTarget());
      if (!found) exitWith(`no moderator ${target}`);
      const moderator = await accounts.setStatus(found.id, command === 'disable' ? 'disabled' : 'active', BY);
      console.log(`${moderator.email} is now ${moderator.status}`);
      return;
    }
    case 'reset-password': {
      const found = await accounts.find(needTarget());
      if (!found) exitWith(`no moderator ${target}`);
      const { moderator, password } = await accounts.resetPassword(found.id, options.password, BY);
      console.log(`password of ${moderator.email} changed`);
      if (!options.password) console.log(`new password: ${password}\n(shown only now)`);
      return;
    }
    case 'role': {
      const found = await accounts.find(needTarget());
      if (!found) exitWith(`no moderator ${target}`);
      const moderator = await accounts.setRole(found.id, role(args[1]), BY);
      console.log(`${moderator.email} is now ${moderator.role}`);
      return;
    }
    default:
      exitWith(command ? `unknown command "${command}"\n\n${USAGE}` : USAGE);
  }
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { role: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    exitWith(`${(err as Error).message}\n\n${USAGE}`);
  }
  const [command, ...args] = parsed.positionals;
  if (parsed.values.help || !command || command === 'help') {
    console.log(USAGE);
    return;
  }
  const config = configOrExit();
  const dataSource = await openDataSource(config).catch((err: Error) => exitWith(`Could not open the database: ${err.message}`));
  try {
    await run(new ModeratorAccounts(dataSource), command, args, parsed.values);
  } catch (err) {
    if (err instanceof AppError) exitWith(err.message);
    throw err;
  } finally {
    await dataSource.destroy();
  }
}

await main();
