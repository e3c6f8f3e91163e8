import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { chooseRedis, configOrExit, exitWith } from '../bootstrap.js';
import { redactUrl, type AppConfig } from '../config.js';
import { openDataSource } from '../db/data-source.js';
import { AppError } from '../errors.js';
import { ModeratorAccounts, type ChangedBy } from './moderator-accounts.js';
import { MODERATOR_ROLES, type ModeratorRole } from './moderator.entity.js';
import { SignInThrottle } from './sign-in-throttle.js';

const USAGE = `Usage: npm run moderators -- <command>

  add <email> [--role moderator|admin] [--password <password>]
                              add an account (a password is generated and printed when none is given)
  list                        all accounts
  disable <email|id>          stop an account from signing in (its sessions end at once)
  enable <email|id>           allow a disabled account again
  reset-password <email|id> [--password <password>]
                              set a new password (generated and printed when none is given);
                              also ends a sign-in lock
  unlock <email|id>           end a sign-in lock (after too many failed sign-ins) at once
  role <email|id> <moderator|admin>

Uses the same DATABASE_URL / DATA_DIR, REDIS_URL and QUEUE_PREFIX as the service (.env is read when present).`;

/** Commands that reach the sign-in locks, which live in Redis. */
const NEEDS_REDIS = new Set(['unlock', 'reset-password']);

/** A connection for the sign-in locks, or null when Redis does not answer (account changes still work). */
async function openRedis(config: AppConfig): Promise<Redis | null> {
  // REDIS_URL unset or `embedded`: the service's private Redis, if it runs one (failures: "not reachable" below).
  if (config.redisSetting !== 'url') await chooseRedis(config, { startPrivate: false }).catch(() => undefined);
  if (!config.redisUrl) return null;
  const redis = new Redis(config.redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch {
    redis.disconnect();
    return null;
  }
}

const BY: ChangedBy = { moderatorId: null, via: 'cli' };

function role(value: string | undefined): ModeratorRole {
  const chosen = value ?? 'moderator';
  if (!MODERATOR_ROLES.includes(chosen as ModeratorRole)) exitWith(`role must be moderator or admin (got "${chosen}")`);
  return chosen as ModeratorRole;
}

async function run(
  accounts: ModeratorAccounts,
  command: string | undefined,
  args: string[],
  options: { role?: string; password?: string },
  redisMissing: string | null,
): Promise<void> {
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
      if (redisMissing) console.log(`note: ${redisMissing}; a sign-in lock, if any, lasts until it expires (or run: npm run moderators -- unlock ${moderator.email})`);
      return;
    }
    case 'unlock': {
      const found = await accounts.find(needTarget());
      if (!found) exitWith(`no moderator ${target}`);
      if (redisMissing) exitWith(`${redisMissing}: sign-in locks are kept there`);
      const { moderator, wasLocked } = await accounts.unlock(found.id, BY);
      console.log(`${moderator.email} is unlocked${wasLocked ? '' : ' (it was not locked)'}`);
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
  const config = configOrExit({ servesHttp: false });
  const dataSource = await openDataSource(config).catch((err: Error) => exitWith(`Could not open the database: ${err.message}`));
  const redis = NEEDS_REDIS.has(command) ? await openRedis(config) : null;
  const unreachable = config.redisUrl ? `Redis is not reachable at ${redactUrl(config.redisUrl)}` : 'No private Redis is running (REDIS_URL=embedded; start the service first)';
  const redisMissing = NEEDS_REDIS.has(command) && !redis ? unreachable : null;
  try {
    const locks = redis ? new SignInThrottle(config, redis) : undefined;
    await run(new ModeratorAccounts(dataSource, undefined, locks), command, args, parsed.values, redisMissing);
  } catch (err) {
    if (err instanceof AppError) exitWith(err.message);
    throw err;
  } finally {
    redis?.disconnect();
    await dataSource.destroy();
  }
}

await main();
