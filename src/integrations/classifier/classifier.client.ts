import { Injectable } from '@nestjs/common';
import { AppConfig, type ExternalModerationConfig } from '../../config.js';
import { BodyNotText, BodyTooLarge, readBoundedText } from '../../common/bounded-body.js';
import { SIGNATURE_HEADER, signatureHeader } from '../signature.js';
import { MAX_ANSWER_BYTES, parseAnswer, type ClassifierRequest, type ClassifierResult, type Unavailable } from './answer.js';
import { ClassifierStats } from './classifier-stats.js';

/**
 * The outside classifier (EXTERNAL_MODERATION_URL). Node's fetch keeps connections alive and opens
 * as many as there are calls in flight, so a worker batch's calls run side by side, each with its
 * own timeout covering the answer's body too. Never throws: every failure is a result.
 */
@Injectable()
export class ExternalModeration {
  private readonly settings: ExternalModerationConfig | null;

  constructor(
    config: AppConfig,
    private readonly stats: ClassifierStats,
  ) {
    this.settings = config.externalModeration;
  }

  get enabled(): boolean {
    return this.settings !== null;
  }

  /** EXTERNAL_MODERATION_REQUIRED: an unavailable classifier holds the comment for review. */
  get required(): boolean {
    return this.settings?.required ?? false;
  }

  async classify(request: ClassifierRequest): Promise<ClassifierResult> {
    const started = performance.now();
    const result = await this.call(this.settings!, request);
    this.stats.record(result.outcome, (performance.now() - started) / 1000);
    return result;
  }

  private async call({ url, secret, timeoutMs }: ExternalModerationConfig, request: ClassifierRequest): Promise<ClassifierResult> {
    const body = JSON.stringify(request);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (secret) headers[SIGNATURE_HEADER] = signatureHeader(body, [secret]);
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'error' });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { outcome: 'error', detail: `HTTP ${response.status}` };
      }
      let text: string;
      try {
        text = await readBoundedText(response, MAX_ANSWER_BYTES, { fatal: true });
      } catch (err) {
        if (err instanceof BodyTooLarge) return { outcome: 'malformed', detail: `answer over ${MAX_ANSWER_BYTES / 1024} KB` };
        if (err instanceof BodyNotText) return { outcome: 'malformed', detail: 'not UTF-8' };
        throw err;
      }
      return parseAnswer(text);
    } catch (err) {
      return failure(err, signal, timeoutMs);
    }
  }
}

function failure(err: unknown, signal: AbortSignal, timeoutMs: number): Unavailable {
  if (signal.aborted) return { outcome: 'timeout', detail: `no answer within ${timeoutMs} ms` };
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return { outcome: 'error', detail: cause?.code ?? cause?.message ?? (err as Error).message ?? 'request failed' };
}
