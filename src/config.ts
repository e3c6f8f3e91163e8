import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_RULES_FILE, RuleSetError, loadRuleSetFile } from './rules/rule-set.js';
import { estimateSecretBits } from './common/secret-strength.js';
import { EMULATOR_FACEBOOK, EMULATOR_TWITTER, emulatorEndpoints } from './auth/emulator/emulator.credentials.js';
import { PURGE_METHODS, parseCdnConfig, type CdnConfig } from './integrations/cdn/purge-config.js';

/** A configuration problem found at start: printed as one line, then the process exits 1. */
export class ConfigError extends Error {}

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const DEFAULT_TWITTER = {
  requestTokenUrl: 'https://api.twitter.com/oauth/request_token',
  accessTokenUrl: 'https://api.twitter.com/oauth/access_token',
  authorizeUrl: 'https://api.twitter.com/oauth/authenticate',
  profileUrl: 'https://api.twitter.com/1.1/account/verify_credentials.json',
};
const DEFAULT_FACEBOOK = {
  authorizeUrl: 'https://www.facebook.com/v21.0/dialog/oauth',
  tokenUrl: 'https://graph.facebook.com/v21.0/oauth/access_token',
  profileUrl: 'https://graph.facebook.com/v21.0/me',
};

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), 'an absolute http(s) URL');
const optionalHttpUrl = optionalText.pipe(httpUrl.optional());
const positiveInt = (fallback: number) =>
  optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'a whole number')
      .transform(Number)
      .refine((n) => n > 0, 'a number greater than 0')
      .optional()
      .transform((n) => n ?? fallback),
  );
/** Like positiveInt, 0 allowed (a grace period of none, a retention of "keep"). */
const wholeNumber = (fallback: number) =>
  optionalText.pipe(z.string().regex(/^\d{1,6}$/, 'a whole number (0 or more)').transform(Number).optional().transform((n) => n ?? fallback));
/** A switch: undefined when unset, for defaults that depend on NODE_ENV. */
const optionalBool = optionalText.pipe(
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'true or false' })
    .optional()
    .transform((v) => (v === undefined ? undefined : ['true', '1', 'yes'].includes(v))),
);
const bool = (fallback: boolean) => optionalBool.transform((v) => v ?? fallback);

const envSchema = z.object({
  NODE_ENV: optionalText.pipe(
    z.enum(['development', 'production', 'test'], { message: 'development, production or test' }).default('development'),
  ),
  PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'a port number')
      .transform(Number)
      .refine((n) => n >= 0 && n < 65536, 'a port number 0-65535')
      .default(3000),
  ),
  HOST: optionalText,
  PUBLIC_URL: optionalHttpUrl,
  TRUST_PROXY: optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v): TrustProxy | null => parseTrustProxy(v))
      .refine((v) => v !== null, 'false, a number of proxy hops (1 for one proxy in front), or a comma-separated list of proxy addresses or CIDRs (e.g. 10.0.0.0/8,127.0.0.1; also loopback, linklocal, uniquelocal)'),
  ),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'a postgres:// URL (unset it for embedded SQLite)')
      .optional(),
  ),
  DATA_DIR: optionalText.transform((v) => v ?? './data'),
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .refine((v) => v === 'embedded' || (/^rediss?:\/\//.test(v) && URL.canParse(v)), 'a redis:// or rediss:// URL, or embedded')
      .optional(),
  ),
  AUTH_SECRET: optionalText,
  AUTH_TOKEN_TTL: positiveInt(3600),
  SESSION_TTL: positiveInt(30 * 24 * 3600),
  ALLOWED_ORIGINS: optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean))
      .refine((list) => list.every((o) => URL.canParse(o) && new URL(o).origin === o.replace(/\/$/, '')), 'a comma-separated list of origins such as https://news.example.com'),
  ),
  WORKER_HEARTBEAT_FILE: optionalText,
  RUN_WORKER: optionalBool,
  WORKER_CONCURRENCY: positiveInt(50),
  WORKER_LOCK_DURATION: positiveInt(15_000),
  PENDING_RETRY_AFTER: positiveInt(60),
  QUEUE_PREFIX: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,50}$/, 'letters, digits, "_", "." or "-" (at most 50)')
      .default('comments'),
  ),
  RULES_FILE: optionalText,
  COMMENT_RATE_LIMIT: positiveInt(5),
  COMMENT_RATE_WINDOW: positiveInt(60),
  COMMENT_POLICY_URL: optionalHttpUrl,
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'at least 16 characters').optional()),
  METRICS_PUBLIC: bool(false),
  API_DOCS: optionalBool,
  DEMO_PAGE: optionalBool,
  LOG_LEVEL: optionalText.pipe(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'fatal, error, warn, info, debug, trace or silent' }).default('info'),
  ),
  LOG_REQUEST_CONTEXT: bool(false),
  SIGNIN_RATE_LIMIT: positiveInt(20),
  PROVIDER_TIMEOUT: positiveInt(10_000),
  SIGNIN_EMULATOR: optionalText.pipe(z.enum(['auto', 'on', 'off'], { message: 'auto, on or off' }).default('auto')),
  TWITTER_CONSUMER_KEY: optionalText,
  TWITTER_CONSUMER_SECRET: optionalText,
  TWITTER_REQUEST_TOKEN_URL: optionalHttpUrl,
  TWITTER_ACCESS_TOKEN_URL: optionalHttpUrl,
  TWITTER_AUTHORIZE_URL: optionalHttpUrl,
  TWITTER_PROFILE_URL: optionalHttpUrl,
  FACEBOOK_APP_ID: optionalText,
  FACEBOOK_APP_SECRET: optionalText,
  FACEBOOK_AUTHORIZE_URL: optionalHttpUrl,
  FACEBOOK_TOKEN_URL: optionalHttpUrl,
  FACEBOOK_PROFILE_URL: optionalHttpUrl,
  SSO_SECRET: optionalText,
  SSO_JWKS_URL: optionalHttpUrl,
  SSO_JWKS_MAX_AGE: positiveInt(600),
  SSO_JWKS_COOLDOWN: wholeNumber(1),
  SSO_NAME: optionalText.pipe(z.string().max(40, 'at most 40 characters').optional()),
  SSO_LOGIN_URL: optionalHttpUrl,
  MODERATOR_ADMIN_EMAIL: optionalText.pipe(z.email({ message: 'an email address' }).optional()),
  MODERATOR_ADMIN_PASSWORD: optionalText.pipe(z.string().min(12, 'at least 12 characters').optional()),
  MODERATOR_SESSION_TTL: positiveInt(12 * 3600),
  MODERATOR_LOCKOUT_ATTEMPTS: positiveInt(5),
  MODERATOR_LOCKOUT_IP_ATTEMPTS: positiveInt(20),
  MODERATOR_LOCKOUT_SECONDS: positiveInt(15 * 60),
  REPORT_THRESHOLD: positiveInt(3),
  HIDE_REPORTED: bool(false),
  LIST_CACHE_MAX_BYTES: positiveInt(64 * 1024 * 1024),
  LIST_CACHE_TTL: positiveInt(10_000),
  REQUEST_TIMEOUT: positiveInt(30_000),
  HEADERS_TIMEOUT: positiveInt(10_000),
  CONNECTION_TIMEOUT: positiveInt(60_000),
  KEEP_ALIVE_TIMEOUT: positiveInt(72_000),
  SSE_MAX_PER_CLIENT: positiveInt(20),
  REPORT_RATE_LIMIT: positiveInt(20),
  REACTION_RATE_LIMIT: positiveInt(60),
  MUTE_RATE_LIMIT: positiveInt(30),
  BEST_COMMENTS_COUNT: positiveInt(3),
  BEST_MIN_LIKES: positiveInt(10),
  EDIT_WINDOW_SECONDS: positiveInt(300),
  ACCOUNT_DELETION_GRACE_HOURS: wholeNumber(24),
  ACCOUNT_DELETION_COMMENTS: optionalText.pipe(z.enum(['anonymise', 'remove'], { message: 'anonymise or remove' }).default('anonymise')),
  RETENTION_REJECTED_DAYS: wholeNumber(90),
  RETENTION_ADDRESS_DAYS: wholeNumber(30),
  EXPORT_RATE_LIMIT: positiveInt(5),
  EXTERNAL_MODERATION_URL: optionalHttpUrl,
  EXTERNAL_MODERATION_SECRET: optionalText,
  EXTERNAL_MODERATION_TIMEOUT_MS: positiveInt(500),
  EXTERNAL_MODERATION_REQUIRED: bool(false),
  SMTP_URL: optionalText.pipe(
    z
      .string()
      .refine((v) => /^smtps?:\/\/[^\s/]+/i.test(v) && URL.canParse(v) && new URL(v).hostname !== '', 'an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.com:587')
      .optional(),
  ),
  MAIL_FROM: optionalText.pipe(
    z
      .string()
      .max(300)
      .refine((v) => mailboxAddress(v) !== null, 'an address, or "Name" <address>')
      .optional(),
  ),
  EMAIL_CONFIRM_HOURS: positiveInt(24),
  MAIL_DIGEST_PATTERN: optionalText.pipe(
    z
      .string()
      .regex(/^[\d*/,?LW#A-Za-z-]+( [\d*/,?LW#A-Za-z-]+){4,5}$/, 'a cron pattern of 5 or 6 fields, e.g. "0 8 * * *"')
      .default('0 8 * * *'),
  ),
  MAIL_TIMEZONE: optionalText.pipe(z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Seoul').default('Asia/Seoul')),
  MAIL_THREAD_WINDOW_MINUTES: positiveInt(10),
  MAIL_SCAN_INTERVAL: positiveInt(5000),
  CDN_PURGE_URL: optionalText,
  CDN_PURGE_METHOD: optionalText.transform((v) => v?.toUpperCase()).pipe(z.enum(PURGE_METHODS, { message: PURGE_METHODS.join(', ') }).default('POST')),
  CDN_PURGE_HEADERS: optionalText,
  CDN_PURGE_BODY: optionalText,
  CDN_MAX_AGE: positiveInt(86_400),
  EMAIL_RATE_LIMIT: positiveInt(5),
  WEBHOOK_ALLOW_PRIVATE: bool(false),
  REVIEW_BACKLOG_ALERT: optionalText.pipe(
    z.string().regex(/^\d{1,9}$/, 'a whole number greater than 0 (unset: no alert)').transform(Number).refine((n) => n > 0, 'a whole number greater than 0 (unset: no alert)').optional(),
  ),
  REVIEW_BACKLOG_CHECK_INTERVAL: positiveInt(60_000),
  WEBHOOK_BACKOFF_MS: optionalText.pipe(z.string().regex(/^\d{1,9}$/, 'a whole number of milliseconds').transform(Number).optional()),
});

/** The address in `a@b` or `"Name" <a@b>`, or null. */
function mailboxAddress(value: string): string | null {
  const address = /<([^<>\s]+)>\s*$/.exec(value)?.[1] ?? value.trim();
  return /^[^\s@<>"]+@[^\s@<>"]+$/.test(address) && !/[\r\n]/.test(value) ? address : null;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

type Env = z.infer<typeof envSchema>;

/** Which hops' X-Forwarded-For to believe: none, the nearest N, or those from these addresses (Fastify's trustProxy). */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY. `true` used to trust every hop, which let any client choose its own address with
 * X-Forwarded-For; it now means one proxy in front (the hop that appends the client's address).
 */
function parseTrustProxy(raw: string | undefined): TrustProxy | null {
  const value = (raw ?? '').trim().toLowerCase();
  if (['', 'false', '0', 'no'].includes(value)) return false;
  if (['true', 'yes'].includes(value)) return 1;
  if (/^\d+$/.test(value)) return Number(value) <= 10 ? Number(value) : null;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  const valid = list.every((entry) => {
    if (PROXY_NAMES.has(entry)) return true;
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  return valid && list.length > 0 ? list : null;
}

export interface TwitterConfig {
  consumerKey: string;
  consumerSecret: string;
  requestTokenUrl: string;
  accessTokenUrl: string;
  authorizeUrl: string;
  profileUrl: string;
}

export interface ExternalModerationConfig {
  url: string;
  /** Signs each request (X-Comments-Signature); unset, requests go unsigned (refused in production). */
  secret?: string;
  timeoutMs: number;
  /** An unavailable classifier holds the comment for review instead of letting the rules decide alone. */
  required: boolean;
}

export interface FacebookConfig {
  appId: string;
  appSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  profileUrl: string;
}

/** Sign-in with the publisher's own accounts (POST /auth/sso): HS256 with `secret`, RS256/ES256 with the keys at `jwksUrl`, or both. */
export interface SsoConfig {
  secret?: string;
  jwksUrl?: string;
  /** Seconds fetched keys are used before they are fetched again. */
  jwksMaxAgeSeconds: number;
  /** Seconds at least between two fetches caused by a token whose `kid` is not among the keys. */
  jwksCooldownSeconds: number;
  /** The widget's button: "Log in with {name}". */
  name: string;
  /** The site's own sign-in page, opened by the widget's button in a popup. */
  loginUrl?: string;
}

/** The validated, typed configuration. Also the DI token services inject. */
export class AppConfig {
  nodeEnv!: Env['NODE_ENV'];
  port!: number;
  host!: string;
  /** HOST was unset in development: only this machine can connect (said at start). */
  localOnly!: boolean;
  publicUrl!: string;
  publicOrigin!: string;
  secureCookies!: boolean;
  /** Whose X-Forwarded-For to believe (see TrustProxy); false: the socket's address is the client's. */
  trustProxy!: TrustProxy;
  databaseUrl?: string;
  dataDir!: string;
  sqlitePath!: string;
  /** Where Redis is. With REDIS_URL=embedded, empty until the entrypoint has started the private one. */
  redisUrl!: string;
  /**
   * REDIS_URL as given: a URL; `embedded`, a private redis-server (never in production); or unset, the
   * default address, in development a private redis-server when nothing answers there.
   */
  redisSetting!: 'url' | 'embedded' | 'unset';
  authSecret!: string;
  authTokenTtlSeconds!: number;
  sessionTtlSeconds!: number;
  allowedOrigins!: string[];
  logLevel!: Env['LOG_LEVEL'];
  /** Services' log lines carry the request id (AsyncLocalStorage: about 25 µs of CPU per request on Node 20). */
  logRequestContext!: boolean;
  workerHeartbeatFile?: string;
  /** Run the queue worker inside the API process (development default; production runs `worker`). */
  runWorkerInProcess!: boolean;
  workerConcurrency!: number;
  /** How long a job stays locked to a worker that stopped answering (ms) before another takes it. */
  workerLockDurationMs!: number;
  /** A comment still pending after this many seconds is queued again (e.g. Redis lost its data). */
  pendingRetryAfterSeconds!: number;
  queuePrefix!: string;
  rulesFile!: string;
  commentRateLimit!: number;
  commentRateWindowSeconds!: number;
  /** The site's comment standards, linked from the widget ("Standards Board Policy"). */
  commentPolicyUrl!: string;
  /** Sign-in starts (GET /auth/<provider>) one client address may make a minute. */
  signInRateLimit!: number;
  /** ms one call to Twitter or Facebook may take (request token, access token, profile). */
  providerTimeoutMs!: number;
  emulator!: boolean;
  /** When set, GET /metrics needs it as a bearer token. */
  metricsToken?: string;
  /** The OpenAPI document and its page at /api/docs (off in production unless API_DOCS=true). */
  apiDocs!: boolean;
  /** The demo article at / (off in production unless DEMO_PAGE=true). */
  demoPage!: boolean;
  twitter!: TwitterConfig | null;
  facebook!: FacebookConfig | null;
  /** SSO_SECRET and/or SSO_JWKS_URL set: the `sso` provider; null: off. */
  sso!: SsoConfig | null;
  /** The first admin, created at start when there is no admin yet (a generated password otherwise). */
  moderatorAdminEmail?: string;
  moderatorAdminPassword?: string;
  /** Lifetime of a moderator's dashboard session and bearer token. */
  moderatorSessionTtlSeconds!: number;
  /** Failed sign-ins per account (and per IP) before sign-in is refused for moderatorLockoutSeconds. */
  moderatorLockoutAttempts!: number;
  moderatorLockoutIpAttempts!: number;
  moderatorLockoutSeconds!: number;
  /** Distinct readers' reports that put a comment in the `reported` queue. */
  reportThreshold!: number;
  /** Keep reported comments out of the public list until a moderator decides. */
  hideReported!: boolean;
  /** Memory the public list cache may take in each API process (bodies and their gzip forms). */
  listCacheMaxBytes!: number;
  /** How long (ms) a cached page is served if the message that should drop it is missed. */
  listCacheTtlMs!: number;
  /** ms for a whole request (headers and body) to arrive. */
  requestTimeoutMs!: number;
  /** ms for the request headers to arrive (at most requestTimeoutMs). */
  headersTimeoutMs!: number;
  /** ms a connection may sit silent mid-request or mid-response (live streams excepted). */
  connectionTimeoutMs!: number;
  /** ms an idle keep-alive connection is kept: longer than the proxy's, so the proxy closes first. */
  keepAliveTimeoutMs!: number;
  /** Live event streams one client address may hold open, across processes. */
  sseMaxPerClient!: number;
  /** Reports one reader may file per hour. */
  reportRateLimit!: number;
  /** Reactions (PUT/DELETE) per reader per minute, counted in Redis across processes. */
  reactionRateLimit!: number;
  /** Mutes and unmutes (POST/DELETE /api/me/muted/{id}) per reader per minute. */
  muteRateLimit!: number;
  /** Best comments shown in the highlights, and the likes a comment needs to be one. */
  bestCommentsCount!: number;
  bestMinLikes!: number;
  /** Seconds after posting in which the author may edit a comment. */
  editWindowSeconds!: number;
  /** Hours between a reader's DELETE /api/me and the deletion (cancellable meanwhile); 0: at once. */
  accountDeletionGraceHours!: number;
  /** What a deleted account's comments become: kept under "Deleted account", or removed like an author's deletion. */
  accountDeletionComments!: 'anonymise' | 'remove';
  /** Days after its decision a rejected comment's text is blanked (its metadata stays); 0: kept. */
  retentionRejectedDays!: number;
  /** Days client addresses kept for abuse handling may live; 0: no limit (see docs/privacy.md). */
  retentionAddressDays!: number;
  /** Data exports (GET /api/me/export) one reader may download an hour. */
  exportRateLimit!: number;
  /** The outside classifier the worker asks after the rules; null: the step is off. */
  externalModeration!: ExternalModerationConfig | null;
  /** Where mail goes out (nodemailer URL); unset: e-mail notifications are off. */
  smtpUrl?: string;
  /** The From header of every mail. */
  mailFrom!: string;
  /** Hours a confirmation link stays valid. */
  emailConfirmHours!: number;
  /** Cron pattern of the daily digest, in mailTimeZone. */
  mailDigestPattern!: string;
  mailTimeZone!: string;
  /** At most one immediate mail per reader per thread within this many minutes. */
  mailThreadWindowMinutes!: number;
  /** ms between two looks for new notifications to mail. */
  mailScanIntervalMs!: number;
  /** Address changes and confirmation resends per reader per hour. */
  emailRateLimit!: number;
  /** A CDN in front of the public lists (CDN_PURGE_URL): long shared lifetimes and purges by tag; unset: none. */
  cdn?: CdnConfig;
  /** Webhooks may reach private, loopback and link-local addresses (tests, a receiver on the same network). */
  webhookAllowPrivate!: boolean;
  /** Review queue size above which `queue.backlog` webhooks go out (at most hourly); unset: never. */
  reviewBacklogAlert?: number;
  /** ms between two looks at the review queue's size (only with reviewBacklogAlert). */
  reviewBacklogCheckMs!: number;
  /** Tests only (NODE_ENV=test): the webhooks' first retry delay instead of 42 s. */
  webhookBackoffMs?: number;

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}

/** A URL fit for a log line: no password. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? 'environment');
  const got = env[name];
  const secret = /SECRET|PASSWORD|TOKEN/.test(name);
  const shown = got === undefined ? 'unset' : secret ? 'a value' : `"${redactUrl(got.length > 60 ? got.slice(0, 60) + '…' : got)}"`;
  const expects = issue.message.replace(/^Invalid (option|input): expected /, '');
  return `${name} must be ${expects} (got ${shown})`;
}

function requirePair(a: string, av: string | undefined, b: string, bv: string | undefined): void {
  if (av && !bv) throw new ConfigError(`Invalid configuration: ${b} is required when ${a} is set`);
  if (bv && !av) throw new ConfigError(`Invalid configuration: ${a} is required when ${b} is set`);
}

/** Resolves AUTH_SECRET: required in production; in development kept under DATA_DIR so restarts keep sessions. */
function resolveAuthSecret(env: Env, dataDir: string): string {
  if (env.AUTH_SECRET) {
    if (Buffer.byteLength(env.AUTH_SECRET) < 32) {
      throw new ConfigError('Invalid configuration: AUTH_SECRET must be at least 32 bytes (try: openssl rand -base64 48)');
    }
    const bits = Math.floor(estimateSecretBits(env.AUTH_SECRET));
    // Production only: a development or test secret guards nothing worth guessing.
    if (env.NODE_ENV === 'production' && bits < 256) {
      throw new ConfigError(
        `Invalid configuration: AUTH_SECRET is guessable (about ${bits} bits of entropy, at least 256 needed: a repeated character or pattern, a sequence, or too few kinds of characters); generate one: openssl rand -base64 48`,
      );
    }
    return env.AUTH_SECRET;
  }
  if (env.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: AUTH_SECRET is required in production: at least 32 bytes (try: openssl rand -base64 48)');
  }
  const file = join(dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** EXTERNAL_MODERATION_*: off without a URL; a URL without a secret is refused in production (anyone could feed the classifier). */
function resolveExternalModeration(env: Env): ExternalModerationConfig | null {
  if (!env.EXTERNAL_MODERATION_URL) {
    if (env.EXTERNAL_MODERATION_REQUIRED) {
      throw new ConfigError('Invalid configuration: EXTERNAL_MODERATION_REQUIRED=true needs EXTERNAL_MODERATION_URL (the classifier to require)');
    }
    return null;
  }
  if (env.NODE_ENV === 'production' && (env.EXTERNAL_MODERATION_SECRET?.length ?? 0) < 16) {
    throw new ConfigError(
      'Invalid configuration: EXTERNAL_MODERATION_SECRET of at least 16 characters is required in production when EXTERNAL_MODERATION_URL is set (try: openssl rand -hex 32)',
    );
  }
  if (env.EXTERNAL_MODERATION_TIMEOUT_MS > 60_000) {
    throw new ConfigError(`Invalid configuration: EXTERNAL_MODERATION_TIMEOUT_MS must be at most 60000 (got ${env.EXTERNAL_MODERATION_TIMEOUT_MS}): every comment waits for it`);
  }
  return {
    url: env.EXTERNAL_MODERATION_URL,
    ...(env.EXTERNAL_MODERATION_SECRET ? { secret: env.EXTERNAL_MODERATION_SECRET } : {}),
    timeoutMs: env.EXTERNAL_MODERATION_TIMEOUT_MS,
    required: env.EXTERNAL_MODERATION_REQUIRED,
  };
}

/**
 * SSO_SECRET signs HS256 tokens, so in production it is held to AUTH_SECRET's rule (at least 32
 * bytes, RFC 7518 §3.2, and at least 256 bits as far as can be told; a development or test secret
 * guards nothing worth guessing) and must never be AUTH_SECRET itself.
 */
function resolveSso(env: Env, authSecret: string): SsoConfig | null {
  const secret = env.SSO_SECRET;
  if (!secret && !env.SSO_JWKS_URL) {
    if (env.SSO_NAME || env.SSO_LOGIN_URL) throw new ConfigError('Invalid configuration: SSO_NAME and SSO_LOGIN_URL need SSO_SECRET or SSO_JWKS_URL');
    return null;
  }
  if (secret !== undefined) {
    const production = env.NODE_ENV === 'production';
    if (production && Buffer.byteLength(secret) < 32) throw new ConfigError('Invalid configuration: SSO_SECRET must be at least 32 bytes in production (try: openssl rand -base64 48)');
    const bits = Math.floor(estimateSecretBits(secret));
    if (production && bits < 256) {
      throw new ConfigError(`Invalid configuration: SSO_SECRET is guessable (about ${bits} bits of entropy, at least 256 needed); generate one: openssl rand -base64 48`);
    }
    if (secret === authSecret) throw new ConfigError('Invalid configuration: SSO_SECRET must not be AUTH_SECRET (the site would hold the service\'s own key)');
  }
  const site = env.SSO_LOGIN_URL ?? env.ALLOWED_ORIGINS[0];
  return {
    secret,
    jwksUrl: env.SSO_JWKS_URL,
    jwksMaxAgeSeconds: env.SSO_JWKS_MAX_AGE,
    jwksCooldownSeconds: env.SSO_JWKS_COOLDOWN,
    name: env.SSO_NAME ?? (site ? new URL(site).hostname.replace(/^www\./, '') : 'SSO'),
    loginUrl: env.SSO_LOGIN_URL,
  };
}

export interface LoadOptions {
  /** The HTTP API (the default) rather than the worker or the command line: /metrics is served. */
  servesHttp?: boolean;
}

export function loadConfig(raw: Record<string, string | undefined> = process.env, options: LoadOptions = {}): AppConfig {
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration: ${parsed.error.issues.map((i) => describeIssue(i, raw)).join('; ')}`);
  }
  const env = parsed.data;
  requirePair('TWITTER_CONSUMER_KEY', env.TWITTER_CONSUMER_KEY, 'TWITTER_CONSUMER_SECRET', env.TWITTER_CONSUMER_SECRET);
  requirePair('FACEBOOK_APP_ID', env.FACEBOOK_APP_ID, 'FACEBOOK_APP_SECRET', env.FACEBOOK_APP_SECRET);

  if (env.REDIS_URL === 'embedded' && env.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: REDIS_URL=embedded is refused when NODE_ENV=production (a private Redis is for development): set a redis:// URL');
  }

  const hasRealCredentials = Boolean(env.TWITTER_CONSUMER_KEY || env.FACEBOOK_APP_ID);
  if (env.SIGNIN_EMULATOR === 'on' && env.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: SIGNIN_EMULATOR=on is refused when NODE_ENV=production (the emulator signs anyone in)');
  }
  const emulator =
    env.SIGNIN_EMULATOR === 'on' || (env.SIGNIN_EMULATOR === 'auto' && env.NODE_ENV !== 'production' && !hasRealCredentials);

  if (env.NODE_ENV === 'production' && !env.PUBLIC_URL) {
    throw new ConfigError('Invalid configuration: PUBLIC_URL is required in production: the https address readers reach the service at (sign-in callbacks and cookies depend on it)');
  }
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');
  const emulated = emulatorEndpoints(publicUrl);
  const dataDir = resolve(env.DATA_DIR);
  const authSecret = resolveAuthSecret(env, dataDir);
  if (env.NODE_ENV === 'production' && options.servesHttp !== false && !env.METRICS_TOKEN && !env.METRICS_PUBLIC) {
    throw new ConfigError('Invalid configuration: METRICS_TOKEN is required in production (at least 16 characters; try: openssl rand -hex 24), or set METRICS_PUBLIC=true to serve /metrics without one');
  }

  const externalModeration = resolveExternalModeration(env);

  const twitter: TwitterConfig | null = env.TWITTER_CONSUMER_KEY
    ? {
        consumerKey: env.TWITTER_CONSUMER_KEY,
        consumerSecret: env.TWITTER_CONSUMER_SECRET!,
        requestTokenUrl: env.TWITTER_REQUEST_TOKEN_URL ?? DEFAULT_TWITTER.requestTokenUrl,
        accessTokenUrl: env.TWITTER_ACCESS_TOKEN_URL ?? DEFAULT_TWITTER.accessTokenUrl,
        authorizeUrl: env.TWITTER_AUTHORIZE_URL ?? DEFAULT_TWITTER.authorizeUrl,
        profileUrl: env.TWITTER_PROFILE_URL ?? DEFAULT_TWITTER.profileUrl,
      }
    : emulator
      ? {
          ...EMULATOR_TWITTER,
          requestTokenUrl: emulated.twitter.requestTokenUrl,
          accessTokenUrl: emulated.twitter.accessTokenUrl,
          authorizeUrl: emulated.twitter.authorizeUrl,
          profileUrl: env.TWITTER_PROFILE_URL ?? emulated.twitter.profileUrl,
        }
      : null;

  const facebook: FacebookConfig | null = env.FACEBOOK_APP_ID
    ? {
        appId: env.FACEBOOK_APP_ID,
        appSecret: env.FACEBOOK_APP_SECRET!,
        authorizeUrl: env.FACEBOOK_AUTHORIZE_URL ?? DEFAULT_FACEBOOK.authorizeUrl,
        tokenUrl: env.FACEBOOK_TOKEN_URL ?? DEFAULT_FACEBOOK.tokenUrl,
        profileUrl: env.FACEBOOK_PROFILE_URL ?? DEFAULT_FACEBOOK.profileUrl,
      }
    : emulator
      ? { ...EMULATOR_FACEBOOK, ...emulated.facebook }
      : null;

  if (env.WEBHOOK_BACKOFF_MS !== undefined && env.NODE_ENV !== 'test') {
    throw new ConfigError('Invalid configuration: WEBHOOK_BACKOFF_MS is for tests only (NODE_ENV=test); unset it');
  }

  let cdn: CdnConfig | undefined;
  try {
    cdn = parseCdnConfig({ url: env.CDN_PURGE_URL, method: env.CDN_PURGE_METHOD, headers: env.CDN_PURGE_HEADERS, body: env.CDN_PURGE_BODY, maxAgeSeconds: env.CDN_MAX_AGE });
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${(err as Error).message}`);
  }

  const sso = resolveSso(env, authSecret);

  const rulesFile = env.RULES_FILE ? resolve(env.RULES_FILE) : DEFAULT_RULES_FILE;
  try {
    loadRuleSetFile(rulesFile);
  } catch (err) {
    if (err instanceof RuleSetError) throw new ConfigError(`Invalid configuration: RULES_FILE ${err.message}`);
    throw err;
  }

  return Object.assign(new AppConfig(), {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (env.NODE_ENV === 'development' ? '127.0.0.1' : '0.0.0.0'),
    localOnly: env.HOST === undefined && env.NODE_ENV === 'development',
    publicUrl,
    publicOrigin: new URL(publicUrl).origin,
    secureCookies: publicUrl.startsWith('https://'),
    trustProxy: env.TRUST_PROXY as TrustProxy,
    databaseUrl: env.DATABASE_URL,
    dataDir,
    sqlitePath: join(dataDir, 'comments.sqlite'),
    redisUrl: env.REDIS_URL === 'embedded' ? '' : (env.REDIS_URL ?? DEFAULT_REDIS_URL),
    redisSetting: env.REDIS_URL === undefined ? 'unset' : env.REDIS_URL === 'embedded' ? 'embedded' : 'url',
    authSecret,
    authTokenTtlSeconds: env.AUTH_TOKEN_TTL,
    sessionTtlSeconds: env.SESSION_TTL,
    allowedOrigins: env.ALLOWED_ORIGINS.map((o) => o.replace(/\/$/, '')),
    logLevel: env.LOG_LEVEL,
    logRequestContext: env.LOG_REQUEST_CONTEXT,
    workerHeartbeatFile: env.WORKER_HEARTBEAT_FILE,
    runWorkerInProcess: env.RUN_WORKER ?? env.NODE_ENV !== 'production',
    workerConcurrency: env.WORKER_CONCURRENCY,
    workerLockDurationMs: env.WORKER_LOCK_DURATION,
    pendingRetryAfterSeconds: env.PENDING_RETRY_AFTER,
    queuePrefix: env.QUEUE_PREFIX,
    rulesFile,
    commentRateLimit: env.COMMENT_RATE_LIMIT,
    commentRateWindowSeconds: env.COMMENT_RATE_WINDOW,
    commentPolicyUrl: env.COMMENT_POLICY_URL ?? `${publicUrl}/standards`,
    signInRateLimit: env.SIGNIN_RATE_LIMIT,
    providerTimeoutMs: env.PROVIDER_TIMEOUT,
    emulator,
    metricsToken: env.METRICS_TOKEN,
    apiDocs: env.API_DOCS ?? env.NODE_ENV !== 'production',
    demoPage: env.DEMO_PAGE ?? env.NODE_ENV !== 'production',
    twitter,
    facebook,
    sso,
    moderatorAdminEmail: env.MODERATOR_ADMIN_EMAIL?.toLowerCase(),
    moderatorAdminPassword: env.MODERATOR_ADMIN_PASSWORD,
    moderatorSessionTtlSeconds: env.MODERATOR_SESSION_TTL,
    moderatorLockoutAttempts: env.MODERATOR_LOCKOUT_ATTEMPTS,
    moderatorLockoutIpAttempts: env.MODERATOR_LOCKOUT_IP_ATTEMPTS,
    moderatorLockoutSeconds: env.MODERATOR_LOCKOUT_SECONDS,
    reportThreshold: env.REPORT_THRESHOLD,
    hideReported: env.HIDE_REPORTED,
    listCacheMaxBytes: env.LIST_CACHE_MAX_BYTES,
    listCacheTtlMs: env.LIST_CACHE_TTL,
    requestTimeoutMs: env.REQUEST_TIMEOUT,
    headersTimeoutMs: Math.min(env.HEADERS_TIMEOUT, env.REQUEST_TIMEOUT),
    connectionTimeoutMs: env.CONNECTION_TIMEOUT,
    keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT,
    sseMaxPerClient: env.SSE_MAX_PER_CLIENT,
    reportRateLimit: env.REPORT_RATE_LIMIT,
    reactionRateLimit: env.REACTION_RATE_LIMIT,
    muteRateLimit: env.MUTE_RATE_LIMIT,
    bestCommentsCount: env.BEST_COMMENTS_COUNT,
    bestMinLikes: env.BEST_MIN_LIKES,
    editWindowSeconds: env.EDIT_WINDOW_SECONDS,
    accountDeletionGraceHours: env.ACCOUNT_DELETION_GRACE_HOURS,
    accountDeletionComments: env.ACCOUNT_DELETION_COMMENTS,
    retentionRejectedDays: env.RETENTION_REJECTED_DAYS,
    retentionAddressDays: env.RETENTION_ADDRESS_DAYS,
    exportRateLimit: env.EXPORT_RATE_LIMIT,
    externalModeration,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM ?? `"Comments" <no-reply@${new URL(publicUrl).hostname.replace(/^\[|\]$/g, '')}>`,
    emailConfirmHours: env.EMAIL_CONFIRM_HOURS,
    mailDigestPattern: env.MAIL_DIGEST_PATTERN,
    mailTimeZone: env.MAIL_TIMEZONE,
    mailThreadWindowMinutes: env.MAIL_THREAD_WINDOW_MINUTES,
    mailScanIntervalMs: env.MAIL_SCAN_INTERVAL,
    emailRateLimit: env.EMAIL_RATE_LIMIT,
    cdn,
    webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
    reviewBacklogAlert: env.REVIEW_BACKLOG_ALERT,
    reviewBacklogCheckMs: env.REVIEW_BACKLOG_CHECK_INTERVAL,
    webhookBackoffMs: env.WEBHOOK_BACKOFF_MS,
  });
}
