import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config.js';
import { entities } from './entities.js';
import { migrations } from './migrations/index.js';

// Timestamps are stored as UTC whatever the server's time zone.
pg.defaults.parseInputDatesAsUTC = true;
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (value) => new Date(value.replace(' ', 'T') + 'Z'));

const MIGRATION_LOCK = 724_017_001;

/**
 * `asyncCommit`: for the worker process, whose writes are rule decisions and outbox bookkeeping —
 * both made again if a database crash loses them (the comment is still pending and is requeued),
 * so they need not wait for the disk flush. The API, which answers readers and moderators, waits.
 */
export function dataSourceOptions(config: Pick<AppConfig, 'databaseUrl' | 'sqlitePath'>, options: { asyncCommit?: boolean } = {}): DataSourceOptions {
  const common = { entities, migrations, migrationsTableName: 'migrations', synchronize: false, logging: false } as const;
  if (config.databaseUrl) {
    const extra = { max: 20, ...(options.asyncCommit ? { options: '-c synchronous_commit=off' } : {}) };
    return { type: 'postgres', url: config.databaseUrl, extra, ...common };
  }
  ownerOnly(config.sqlitePath);
  return {
    type: 'better-sqlite3',
    database: config.sqlitePath,
    enableWAL: true,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
    ...common,
  };
}

/**
 * The SQLite file holds every comment and reader: its directory is created 0700 and the file 0600
 * (SQLite gives its -wal and -shm files the database file's mode). A file from before that is
 * readable by others is tightened, when this process may.
 */
function ownerOnly(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    } catch {
      // absent, or not ours to change: left as it is
    }
  }
}

/** Runs pending migrations; on PostgreSQL under an advisory lock so replicas starting together don't race. */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

export async function openDataSource(config: Pick<AppConfig, 'databaseUrl' | 'sqlitePath'>): Promise<DataSource> {
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  await runMigrations(dataSource);
  return dataSource;
}
