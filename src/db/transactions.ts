import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs a unit of work in a transaction. TypeORM shares one better-sqlite3 connection across the
 * process, so two overlapping transactions would interleave on it (the second silently nested in
 * the first): on SQLite they take turns. PostgreSQL gives each its own pooled connection.
 */
@Injectable()
export class Transactions {
  private readonly serial: boolean;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.serial = dataSource.options.type !== 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.outside(() => this.dataSource.transaction(work));
  }

  /**
   * Work that must not land inside another's open transaction: on SQLite, queued behind the
   * transactions in progress (a statement sent meanwhile would join, or read, the open one).
   */
  outside<T>(work: () => Promise<T>): Promise<T> {
    if (!this.serial) return work();
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  get isPostgres(): boolean {
    return !this.serial;
  }
}
