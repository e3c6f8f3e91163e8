import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { openDataSource } from '../../src/db/data-source.js';

/*
 * Migrating a new PostgreSQL database costs about 0.5 s, and the suites make over a hundred. So the
 * first suite to need one migrates a template (named after the migrations' source, so any change to
 * them makes a new one), and every fresh database is a copy of it.
 */

const MIGRATIONS_DIR = new URL('../../src/db/migrations/', import.meta.url);
const TEMPLATE_LOCK = 724_017_099;

let version: string | undefined;
/** A hash of every migration's source. */
function migrationsVersion(): string {
  if (!version) {
    const hash = createHash('sha256');
    for (const file of readdirSync(MIGRATIONS_DIR).sort()) hash.update(file).update(readFileSync(new URL(file, MIGRATIONS_DIR)));
    version = hash.digest('hex').slice(0, 12);
  }
  return version;
}

let postgresTemplate: Promise<string> | undefined;

/** The name of a migrated PostgreSQL database to copy (made once, under a lock every Jest worker shares). */
export function postgresTemplateName(adminUrl: string): Promise<string> {
  postgresTemplate ??= makePostgresTemplate(adminUrl).catch((err) => {
    postgresTemplate = undefined;
    throw err;
  });
  return postgresTemplate;
}

async function makePostgresTemplate(adminUrl: string): Promise<string> {
  const name = `comments_template_${migrationsVersion()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      // Built under another name and renamed when complete, so no one copies a half-migrated one.
      const building = `comments_template_building_${randomBytes(4).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${building}`);
      const url = new URL(adminUrl);
      url.pathname = `/${building}`;
      const dataSource = await openDataSource({ databaseUrl: url.href, sqlitePath: '' });
      await dataSource.destroy();
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      // Templates of older migrations are of no more use.
      const old = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'comments\\_template\\_%' AND datname <> $1`, [name]);
      for (const { datname } of old.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
    }
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await admin.end();
  }
}
