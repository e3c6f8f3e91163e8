import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresTemplateName } from './database-templates.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** Every e2e suite runs on both databases. */
export const DATABASES: DatabaseKind[] = ['sqlite', 'postgres'];

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/9';

export interface TestDatabase {
  kind: DatabaseKind;
  /** Env for the service: DATABASE_URL (PostgreSQL) and DATA_DIR (SQLite file, auth secret). */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A fresh database of the given kind, dropped afterwards. A PostgreSQL one is a copy of a migrated
 * template (see database-templates.ts), unless `empty`; SQLite migrates quickly enough itself.
 */
export async function freshDatabase(kind: DatabaseKind, { empty = false } = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'comments-test-'));
  if (kind === 'sqlite') {
    return { kind, env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `comments_test_${randomBytes(6).toString('hex')}`;
  const template = empty ? undefined : await postgresTemplateName(POSTGRES_ADMIN_URL);
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    env: { DATA_DIR: dataDir, DATABASE_URL: url.href },
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
