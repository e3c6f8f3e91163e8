import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The rule sets, one row per version, append-only. The highest version is the active one: saving
 * (or going back to an old set) adds a version. The primary key on `version` is what makes two
 * saves at once, or two processes seeding an empty table, end with one winner.
 */
@Entity('rule_sets')
export class RuleSetVersion {
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  /** The parsed rule set as JSON (every default spelled out), read back with parseRuleSet. */
  @Column({ name: 'rule_set', type: 'text' })
  ruleSet!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  /** The admin who saved it; null for the seed from RULES_FILE. */
  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  /** Where it came from: `file` (the seed) or `api`. */
  @Column({ type: 'varchar', length: 16 })
  source!: 'file' | 'api';
}
