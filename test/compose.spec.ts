import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '../src/config.js';

// docker-compose.yml read as Compose reads it, without a Docker engine: YAML with merge keys, checked
// against the Compose Specification's schema (test/support/compose-spec.md names its source), then
// interpolated the way compose-go does, then handed to the service's own configuration check.

type Env = Record<string, string | undefined>;
type Service = {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  build?: { dockerfile_inline?: string };
  image?: string;
};
type ComposeFile = { services: Record<string, Service> };

const root = process.cwd();
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** compose-go's interpolation: $$, $NAME, ${NAME}, ${NAME:-default} (nested), ${NAME:+alt}, ${NAME:?error}. */
function interpolate(text: string, vars: Env): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '$') {
      out += text[i++];
    } else if (text[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (text[i + 1] === '{') {
      let depth = 0;
      let end = i + 1;
      for (; end < text.length; end++) {
        if (text[end] === '{') depth++;
        else if (text[end] === '}' && --depth === 0) break;
      }
      const inner = text.slice(i + 2, end);
      const match = /^([A-Za-z_]\w*)(?:(:?)([-+?])([\s\S]*))?$/.exec(inner);
      if (!match) throw new Error(`invalid interpolation \${${inner}}`);
      const [, name, colon, operator, rest] = match;
      const value = vars[name];
      const absent = value === undefined || (colon === ':' && value === '');
      if (!operator) out += value ?? '';
      else if (operator === '-') out += absent ? interpolate(rest, vars) : value;
      else if (operator === '+') out += absent ? '' : interpolate(rest, vars);
      else if (absent) throw new Error(`required variable ${name} is missing a value: ${rest}`);
      else out += value;
      i = end + 1;
    } else {
      const name = /^[A-Za-z_]\w*/.exec(text.slice(i + 1))?.[0];
      out += name ? (vars[name] ?? '') : '$';
      i += 1 + (name?.length ?? 0);
    }
  }
  return out;
}

function interpolateAll<T>(value: T, vars: Env): T {
  if (typeof value === 'string') return interpolate(value, vars) as T;
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, vars)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, vars)])) as T;
  }
  return value;
}

/**
 * What a container of `service` gets: .env's variables (env_file), overridden by the service's
 * `environment`, which is interpolated from the shell and the same .env.
 */
function containerEnv(service: string, dotEnv: string, shell: Env = {}): Env {
  const fromFile = parseEnv(dotEnv);
  const resolved = interpolateAll(compose, { ...fromFile, ...shell });
  return { ...fromFile, ...resolved.services[service].environment };
}

const setup = join(root, 'scripts/setup.mjs');
function runSetup(dir: string): string {
  const result = spawnSync(process.execPath, [setup], { cwd: dir, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

function setupEnvFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'comments-setup-'));
  runSetup(dir);
  return readFileSync(join(dir, '.env'), 'utf8');
}

// A .env copied from .env.example, then edited as a developer would: none of it may move the containers.
const developerEnv = readFileSync(join(root, '.env.example'), 'utf8') + '\nPORT=8080\nHOST=127.0.0.1\n';

describe('docker-compose.yml', () => {
  test('is valid against the Compose Specification schema', () => {
    const schema = JSON.parse(readFileSync(join(root, 'test/support/compose-spec.json'), 'utf8'));
    // The schema is compose-go's, not ours: its authoring is not ours to be strict about, and
    // formats such as "duration" have no validator in ajv alone.
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(interpolateAll(compose, {}));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('interpolates with no variables set at all, so `docker compose up -d redis` needs no secret', () => {
    expect(() => interpolateAll(compose, {})).not.toThrow();
    expect(composeText).not.toMatch(/\$\{\w+:?\?/);
  });

  test.each([
    ['api', { servesHttp: true }],
    ['worker', { servesHttp: false }],
  ])('%s refuses to start without AUTH_SECRET, with the one line that names it', (service, options) => {
    const env = containerEnv(service, developerEnv);
    expect(env.AUTH_SECRET).toBe('');
    expect(() => loadConfig(env, options)).toThrow(ConfigError);
    expect(() => loadConfig(env, options)).toThrow(/^Invalid configuration: AUTH_SECRET is required in production/);
  });

  test.each([
    ['api', { servesHttp: true }],
    ['worker', { servesHttp: false }],
  ])('%s starts with the .env from npm run setup; PORT, HOST and the rest of a developer .env cannot move it', (service, options) => {
    const config = loadConfig(containerEnv(service, developerEnv + setupEnvFile()), options);
    expect(config.nodeEnv).toBe('production');
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.redisUrl).toBe('redis://redis:6379');
    expect(config.databaseUrl).toBe('postgres://comments:comments@postgres:5432/comments');
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  test('the API listens, is mapped and is health-checked on one fixed container port; the host port is its own setting', () => {
    const env = containerEnv('api', developerEnv + setupEnvFile(), { API_HOST_PORT: '8081' });
    const api = interpolateAll(compose, { API_HOST_PORT: '8081' }).services.api;
    expect(env.PORT).toBe('3000');
    expect(api.ports).toEqual(['8081:3000']);
    expect(api.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:3000/');
    expect(loadConfig(env).publicUrl).toBe('http://localhost:8081');
    expect(composeText).not.toMatch(/\$\{?PORT\b/);
  });

  test('Redis and PostgreSQL are published on 127.0.0.1 only', () => {
    const services = interpolateAll(compose, {}).services;
    expect(services.redis.ports).toEqual(['127.0.0.1:6379:6379']);
    expect(services.postgres.ports).toEqual(['127.0.0.1:5432:5432']);
    const hostPorts = interpolateAll(compose, { REDIS_HOST_PORT: '16379', POSTGRES_HOST_PORT: '15432' }).services;
    expect(hostPorts.redis.ports).toEqual(['127.0.0.1:16379:6379']);
    expect(hostPorts.postgres.ports).toEqual(['127.0.0.1:15432:5432']);
  });

  test('every command runs a file the build produces, and the worker is checked by the heartbeat file it is told to touch', () => {
    const entrypoints = Object.values(compose.services).flatMap((s) => s.command ?? []).filter((arg) => arg.startsWith('dist/'));
    expect(entrypoints.filter((arg) => !existsSync(join(root, arg.replace(/^dist\/(.+)\.js$/, 'src/$1.ts'))))).toEqual([]);
    expect(compose.services.api.command).toContain('dist/main.js');
    expect(compose.services.worker.command).toContain('dist/worker.js');
    const heartbeat = compose.services.worker.environment!.WORKER_HEARTBEAT_FILE;
    expect(heartbeat).toBeTruthy();
    expect(compose.services.worker.healthcheck!.test.join(' ')).toContain(heartbeat);
  });

  test('the image is Node 24 and copies only what exists and .dockerignore lets through', () => {
    const dockerfile = compose.services.api.build!.dockerfile_inline!;
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'data', 'dist', '.git', '.env']));
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
    expect(copied).toEqual(['package.json', 'package-lock.json', 'tsconfig.json', 'nest-cli.json', 'src']);
    for (const path of copied) {
      expect(existsSync(join(root, path))).toBe(true);
      expect(ignored).not.toContain(path);
    }
  });

  test('every npm script the README, the docs, the compose file and CI name exists in package.json', () => {
    const files = ['README.md', 'docker-compose.yml', '.ci/run', '.env.example', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const named = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/\bnpm (?:run ([\w:-]+)|(start|test)\b)/g)) named.add(m[1] ?? m[2]);
    }
    expect(named).toContain('setup');
    expect([...named].filter((name) => !(name in packageJson.scripts))).toEqual([]);
    expect(packageJson.scripts.setup).toBe('node scripts/setup.mjs');
  });

  const docker = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  const withDocker = docker.status === 0 ? test : test.skip;
  withDocker('docker compose config accepts the file, and the redis service alone, with no secret set', () => {
    const emptyEnvFile = join(mkdtempSync(join(tmpdir(), 'comments-compose-')), 'empty.env');
    writeFileSync(emptyEnvFile, '');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['AUTH_SECRET', 'METRICS_TOKEN'].includes(k)));
    for (const args of [['config', '--quiet'], ['config', 'redis']]) {
      const result = spawnSync('docker', ['compose', '--env-file', emptyEnvFile, '-f', 'docker-compose.yml', ...args], { cwd: root, env, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
  });
});

describe('npm run setup', () => {
  const fresh = () => mkdtempSync(join(tmpdir(), 'comments-setup-'));

  test('writes .env, readable by its owner only, with an AUTH_SECRET production accepts and a METRICS_TOKEN', () => {
    const dir = fresh();
    expect(runSetup(dir)).toContain('AUTH_SECRET generated');
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    const values = parseEnv(readFileSync(join(dir, '.env'), 'utf8'));
    expect(values.AUTH_SECRET).toMatch(/^[\w-]{64}$/);
    expect(values.METRICS_TOKEN).toMatch(/^[0-9a-f]{48}$/);
    const config = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://comments.example.com', DATA_DIR: dir, ...values });
    expect(config.authSecret).toBe(values.AUTH_SECRET);
  });

  test('never replaces a value: a second run leaves .env as it was', () => {
    const dir = fresh();
    runSetup(dir);
    const first = readFileSync(join(dir, '.env'), 'utf8');
    expect(runSetup(dir)).toContain('AUTH_SECRET kept (already set)');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(first);
  });

  test('keeps what an existing .env says, fills empty assignments in place, and makes the file private', () => {
    const dir = fresh();
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=8080\nMETRICS_TOKEN=my-own-token-of-24-chars\nAUTH_SECRET=\n# AUTH_SECRET=commented\nLOG_LEVEL=warn');
    chmodSync(file, 0o644);
    runSetup(dir);
    const text = readFileSync(file, 'utf8');
    const values = parseEnv(text);
    expect(values.METRICS_TOKEN).toBe('my-own-token-of-24-chars');
    expect(values.PORT).toBe('8080');
    expect(values.LOG_LEVEL).toBe('warn');
    expect(values.AUTH_SECRET).toMatch(/^[\w-]{64}$/);
    expect(text.split('\n').filter((line) => line.startsWith('AUTH_SECRET='))).toHaveLength(1);
    expect(text).toContain('# AUTH_SECRET=commented');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
