import { readFileSync } from 'node:fs';
import { z } from 'zod';

const verdict = z.enum(['publish', 'review', 'reject']);
const text = z.string().trim().min(1).max(100);

/** A word-list entry: a plain string (Latin: whole word, Hangul: substring), or with its match spelled out. */
const wordEntry = z.union([text, z.strictObject({ word: text, match: z.enum(['word', 'substring']).optional() })]);
const words = z.array(wordEntry).max(100_000);
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*$/, 'a domain such as example.com');
const seconds = z.int().min(1).max(30 * 86_400);

/** Every rule: an on/off switch and a verdict, each with a default. */
const rule = <S extends z.ZodRawShape>(defaultVerdict: z.infer<typeof verdict>, enabled: boolean, shape: S) =>
  z.strictObject({ enabled: z.boolean().default(enabled), verdict: verdict.default(defaultVerdict), ...shape }).prefault({} as never);

export const ruleSchemas = {
  banned_word: rule('reject', true, {}),
  suspect_word: rule('review', true, {}),
  link: rule('review', true, {
    allowDomains: z.array(domain).max(10_000).default([]),
    denyDomains: z.array(domain).max(10_000).default([]),
    denyVerdict: verdict.default('reject'),
  }),
  personal_info: rule('review', true, {
    email: z.boolean().default(true),
    phone: z.boolean().default(true),
    residentNumber: z.boolean().default(true),
    card: z.boolean().default(true),
  }),
  shouting: rule('review', true, {
    minLetters: z.int().min(1).max(10_000).default(16),
    maxCapitalShare: z.number().min(0).max(1).default(0.7),
  }),
  flooding: rule('review', true, {
    /** The longest run of one character or a short repeated pattern ("ㅋㅋㅋ…", "hahaha…"). */
    maxRepeat: z.int().min(2).max(10_000).default(20),
    maxEmoji: z.int().min(1).max(10_000).default(15),
  }),
  duplicate_self: rule('review', true, { windowSeconds: seconds.default(600), minLength: z.int().min(1).max(10_000).default(8) }),
  duplicate_campaign: rule('review', true, {
    windowSeconds: seconds.default(3600),
    minCommenters: z.int().min(1).max(10_000).default(3),
    minLength: z.int().min(1).max(10_000).default(20),
  }),
  new_commenter: rule('review', false, { firstComments: z.int().min(1).max(1000).default(3) }),
  /** For a trusted commenter suspect words get this verdict instead of their own; banned words are not affected. */
  trust: rule('publish', true, { minApproved: z.int().min(1).max(1_000_000).default(10), maxRejected: z.int().min(0).max(1_000_000).default(1) }),
  article_closed: rule('review', true, {}),
  premoderation: rule('review', true, {}),
};

export const RULE_IDS = Object.keys(ruleSchemas) as Array<keyof typeof ruleSchemas>;

export const ruleSetSchema = z
  .strictObject({
    /** Free text for people editing the file ("defaults, edit me"). */
    description: z.string().max(2000).optional(),
    mode: z.enum(['auto', 'pre']).default('auto'),
    bannedWords: words.default([]),
    suspectWords: words.default([]),
    /** Words that contain a listed word but are innocent (Scunthorpe, 시발점); matches inside them are ignored. */
    exceptions: z.array(text).max(100_000).default([]),
    /** Built-in language knowledge, applied whatever the lists: each switch on by default. */
    builtins: z
      .strictObject({ exceptions: z.boolean().default(true), variants: z.boolean().default(true), initials: z.boolean().default(true) })
      .prefault({}),
    /** Version 1 shorthand for rules.link.verdict ('allow' = publish). */
    links: z.enum(['allow', 'review', 'reject']).optional(),
    rules: z.strictObject(ruleSchemas).prefault({}),
  })
  .transform(({ links, ...rest }) => {
    if (links) rest.rules.link.verdict = links === 'allow' ? 'publish' : links;
    return rest;
  });

export type RuleSetInput = z.input<typeof ruleSetSchema>;
export type RuleSet = z.output<typeof ruleSetSchema>;
export type Rules = RuleSet['rules'];
export type WordEntry = z.output<typeof wordEntry>;
export type Builtins = RuleSet['builtins'];

export class RuleSetError extends Error {
  constructor(
    message: string,
    /** Every problem with the path of the field it is about. */
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

export function parseRuleSet(value: unknown, source = 'rule set'): RuleSet {
  const parsed = ruleSetSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
    throw new RuleSetError(`${source}: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
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
