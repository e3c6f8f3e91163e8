import type { QueryRunner } from 'typeorm';

/** The timestamp column type TypeORM itself picks for a `Date` property on this driver. */
export function timestampType(queryRunner: QueryRunner): string {
  return queryRunner.connection.driver.normalizeType({ type: Date });
}
