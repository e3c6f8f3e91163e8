import { z } from 'zod';

/** What the worker sends the classifier (docs/integration.md, "Your own classifier"). */
export interface ClassifierRequest {
  id: string;
  /** The text judged: the comment's, or a published comment's edit waiting for moderation. */
  body: string;
  /** Guessed from the text's script (guessLanguage): the service does not know a comment's language. */
  language: 'ko' | 'en';
  article: { id: string; url?: string; title?: string };
  author: { id: string; history: { total: number; published: number; rejected: number } };
  /** The thread's top comment, for a reply. */
  parentId?: string;
}

/** Hangul anywhere (syllables, jamo, compatibility jamo) says Korean; anything else is sent as English. */
export function guessLanguage(body: string): 'ko' | 'en' {
  return /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/.test(body) ? 'ko' : 'en';
}

/** Bigger answers are not read (a classifier's verdict takes a few hundred bytes). */
export const MAX_ANSWER_BYTES = 64 * 1024;

const verdict = z.enum(['publish', 'review', 'reject']);

// Strings are cut to size in the merge, not refused: a long label is no reason to drop a verdict.
const answerSchema = z.object({
  verdict,
  reason: z.string().nullish(),
  score: z.number().nullish(),
  findings: z
    .array(
      z.object({
        label: z.string(),
        start: z.number().int().nonnegative().nullish(),
        end: z.number().int().nonnegative().nullish(),
        score: z.number().nullish(),
      }),
    )
    .nullish(),
});

export type ClassifierAnswer = z.infer<typeof answerSchema>;

/** Why the step was skipped: the metric's outcome label and the finding's detail. */
export type Unavailable = { outcome: 'timeout' | 'error' | 'malformed'; detail: string };

export type ClassifierResult = { outcome: 'ok'; answer: ClassifierAnswer } | Unavailable;

/** The answer's text, validated; anything else is `malformed`, with a short reason for the moderator. */
export function parseAnswer(text: string): ClassifierResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { outcome: 'malformed', detail: 'not JSON' };
  }
  const parsed = answerSchema.safeParse(json);
  if (parsed.success) return { outcome: 'ok', answer: parsed.data };
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'answer';
  return { outcome: 'malformed', detail: `${where}: ${issue.message}`.slice(0, 100) };
}
