import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../../config.js';
import { InjectRedis } from '../../redis/redis.module.js';
import { subscribe } from '../../redis/subscription.js';
import { compileRuleSet, type CompiledRuleSet } from '../../rules/engine.js';
import { loadRuleSetFile, parseRuleSet, type RuleSet } from '../../rules/rule-set.js';
import { RuleSetVersion } from './rule-set-version.entity.js';

/** How often every process checks the active version, in case it missed a message. */
export const RULES_POLL_MS = 5000;

/** Reads a stored version: JSON first, then the schema (a set stored under older code may no longer pass). */
export function storedRuleSet(row: Pick<RuleSetVersion, 'version' | 'ruleSet'>): RuleSet {
  return parseRuleSet(JSON.parse(row.ruleSet), `rule set version ${row.version}`);
}

/**
 * The active rule set of this process, compiled once per version. The versions live in the
 * database (`rule_sets`); RULES_FILE only seeds version 1 into an empty table. A save is announced
 * on Redis (`<QUEUE_PREFIX>:rules-changed`) and every process reloads; each also polls the active
 * version every few seconds, for messages missed while Redis was away. A new version is compiled
 * before it replaces the old one, so a version that does not load leaves the old one working.
 */
@Injectable()
export class RulesService implements OnModuleInit, OnModuleDestroy {
  private compiled: CompiledRuleSet;
  /** The version in use; 0 = RULES_FILE (before the database was read, or when no version loads). */
  private version = 0;
  /** Versions that failed to load, so the poll does not log them every few seconds. */
  private readonly broken = new Set<number>();
  private reloading: Promise<void> = Promise.resolve();
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  readonly channel: string;
  private readonly log = new Logger(RulesService.name);

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRedis() private readonly redis: Redis,
  ) {
    this.channel = `${config.queuePrefix}:rules-changed`;
    this.compiled = compileRuleSet(loadRuleSetFile(config.rulesFile));
  }

  current(): CompiledRuleSet {
    return this.compiled;
  }

  currentVersion(): number {
    return this.version;
  }

  async onModuleInit(): Promise<void> {
    await this.seed();
    await this.reload();
    this.subscriber = subscribe(this.config.redisUrl, 'comments-rules', this.channel, {
      onSubscribed: () => void this.reload(), // after an outage a message may have been missed
      onError: (err) => this.log.warn({ err }, 'could not subscribe to rule changes'),
      onMessage: () => void this.reload(),
    });
    this.timer = setInterval(() => void this.reload(), RULES_POLL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.subscriber?.disconnect();
  }

  /** Tells every process (this one at once) that a new version was saved. */
  async announce(version: number): Promise<void> {
    await this.reload();
    try {
      await this.redis.publish(this.channel, JSON.stringify({ version }));
    } catch (err) {
      this.log.warn({ err, version }, 'rule change not announced (Redis unavailable); other processes pick it up by polling');
    }
  }

  /** Loads the active version if it is newer than the one in use. Never throws. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.loadLatest()).catch((err: Error) => this.log.warn({ err }, 'could not read the rule sets'));
    return this.reloading;
  }

  private async loadLatest(): Promise<void> {
    const repo = this.dataSource.getRepository(RuleSetVersion);
    const [head] = await repo.find({ select: { version: true }, order: { version: 'DESC' }, take: 1 });
    if (!head || head.version <= this.version || this.broken.has(head.version)) return;
    const row = await repo.findOneByOrFail({ version: head.version });
    let compiled: CompiledRuleSet;
    try {
      compiled = compileRuleSet(storedRuleSet(row));
    } catch (err) {
      this.broken.add(row.version);
      this.log.error({ err, version: row.version, inUse: this.version }, 'rule set version does not load; keeping the one in use');
      return;
    }
    this.compiled = compiled;
    this.version = row.version;
    this.log.log({ version: row.version, banned: compiled.ruleSet.bannedWords.length, suspect: compiled.ruleSet.suspectWords.length }, 'rule set loaded');
  }

  /** Version 1 from RULES_FILE when the table is empty; processes starting at once insert it once. */
  async seed(): Promise<void> {
    const repo = this.dataSource.getRepository(RuleSetVersion);
    if ((await repo.count({ take: 1 })) > 0) return;
    await repo
      .createQueryBuilder()
      .insert()
      .values({ version: 1, ruleSet: JSON.stringify(this.compiled.ruleSet), createdAt: new Date(), createdBy: null, source: 'file' })
      .orIgnore()
      .execute();
    this.log.log({ file: this.config.rulesFile }, 'no stored rule set: version 1 seeded from the rules file');
  }
}
