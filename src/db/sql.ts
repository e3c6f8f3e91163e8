import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { Transactions } from './transactions.js';

export interface Statement {
  text: string;
  params: readonly unknown[];
}

export interface SqlResult<T> {
  rows: T[];
  /** Rows changed, for statements without RETURNING. */
  affected: number;
}

/**
 * Hand-written SQL for the hot paths (a comment's submission and its rule decision), where the
 * query builder and entity mapping cost more CPU than the database does. Written once in
 * PostgreSQL's dialect — `$1` placeholders, `$1::type` casts — and translated for SQLite: the
 * placeholders become positional `?`, the casts go, and dates, booleans and objects are stored as
 * TypeORM stores them there (UTC text, 0/1, JSON).
 */
@Injectable()
export class Sql {
  readonly isPostgres: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {
    this.isPostgres = dataSource.options.type === 'postgres';
  }

  /**
   * One statement; inside a transaction when given that transaction's manager. Without one, on
   * SQLite it waits for the transactions in progress (so never call it without the manager from
   * inside a transaction).
   */
  async run<T = Record<string, unknown>>(text: string, params: readonly unknown[] = [], manager?: EntityManager): Promise<SqlResult<T>> {
    const [statement, values] = this.isPostgres ? [text, params as unknown[]] : forSqlite(text, params);
    const run = async (runner: QueryRunner) => {
      const result = await runner.query(statement, values, true);
      const rows = (Array.isArray(result.records) ? result.records : []) as T[];
      return { rows, affected: result.affected ?? rows.length };
    };
    if (manager?.queryRunner) return run(manager.queryRunner);
    return this.transactions.outside(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        return await run(runner);
      } finally {
        await runner.release();
      }
    });
  }

  async rows<T = Record<string, unknown>>(text: string, params: readonly unknown[] = [], manager?: EntityManager): Promise<T[]> {
    return (await this.run<T>(text, params, manager)).rows;
  }

  /**
   * Writes that must land together. PostgreSQL: one statement, the earlier ones as data-modifying
   * CTEs (one round trip, atomic without BEGIN/COMMIT). SQLite: one transaction. Each statement is
   * written with its own placeholders from $1. Given a transaction's manager, they join it.
   */
  async writeAll(statements: ReadonlyArray<Statement>, manager?: EntityManager): Promise<void> {
    if (statements.length === 0) return;
    if (!this.isPostgres) {
      const each = async (inside: EntityManager) => {
        for (const { text, params } of statements) await this.run(text, params, inside);
      };
      await (manager ? each(manager) : this.transactions.run(each));
      return;
    }
    const params: unknown[] = [];
    const texts = statements.map(({ text, params: own }) => {
      const offset = params.length;
      params.push(...own);
      return text.replace(/\$(\d+)/g, (_match, n: string) => `$${Number(n) + offset}`);
    });
    const last = texts.pop()!;
    await this.run(texts.length === 0 ? last : `WITH ${texts.map((text, i) => `w${i} AS (${text})`).join(', ')} ${last}`, params, manager);
  }

  /** A timestamp as a query parameter, as this database stores it (PostgreSQL a timestamp, SQLite UTC text). */
  timeParam(date: Date): Date | string {
    return this.isPostgres ? date : (sqliteValue(date) as string);
  }

  /** A timestamp read back by hand-written SQL or a raw query (PostgreSQL gives a Date, SQLite UTC text). */
  time(value: unknown): Date {
    if (value instanceof Date) return value;
    return new Date(`${String(value).replace(' ', 'T')}Z`);
  }

  /** A boolean read back (SQLite keeps 0/1). */
  bool(value: unknown): boolean {
    return value === true || value === 1 || value === '1';
  }
}

function forSqlite(text: string, params: readonly unknown[]): [string, unknown[]] {
  const values: unknown[] = [];
  const statement = text.replace(/\$(\d+)(?:::[a-z_]+(?:\[\])?)?/g, (_match, n: string) => {
    values.push(sqliteValue(params[Number(n) - 1]));
    return '?';
  });
  return [statement, values];
}

function sqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', ''); // as TypeORM stores it
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

/** `$first, $first+1, …`: the placeholders of an `IN (…)` list. */
export function placeholders(count: number, first = 1): string {
  return Array.from({ length: count }, (_, i) => `$${first + i}`).join(', ');
}

/** `($1, $2, …), ($n, …)`: the placeholders of `rows` rows of `width` values, numbered from `first`. */
export function valuesList(rows: number, width: number, first = 1): string {
  return Array.from({ length: rows }, (_, r) => `(${placeholders(width, first + r * width)})`).join(', ');
}
