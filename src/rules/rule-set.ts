import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RuleSet } from './types.js';

const words = z.array(z.string().trim().min(1).max(100)).max(100_000);

export const ruleSetSchema = z
  .object({
    mode: z.enum(['auto', 'pre']).default('auto'),
    bannedWords: words.default([]),
    suspectWords: words.default([]),
    links: z.enum(['allow', 'review', 'reject']).default('review'),
  })
  .strict();

export class RuleSetError extends Error {}

export function parseRuleSet(value: unknown, source = 'rule set'): RuleSet {
  const parsed = ruleSetSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RuleSetError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function loadRuleSetFile(path: string): RuleSet {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RuleSetError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new RuleSetError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseRuleSet(json, path);
}

/** The rule set that ships with the service (RULES_FILE unset). */
export const DEFAULT_RULES_FILE = new URL('./default-rules.json', import.meta.url).pathname;
