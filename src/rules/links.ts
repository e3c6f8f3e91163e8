import type { Finding, LinkPolicy } from './types.js';

// Linear-time pattern: every repetition is over a character class that cannot overlap its neighbour.
const LINK =
  /\b(?:https?:\/\/|www\.)[^\s<>"']+|\b[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9][a-z0-9-]{0,62})*\.(?:com|net|org|kr|io|co|me|ly|info|biz|xyz|app|dev|site|online|shop|top|gg|tv|us|uk|jp|cn|ru|de|fr|link|click)\b(?:\/[^\s<>"']*)?/giu;

/** Links in the original text (the stored body), judged by the site's link policy. */
export function findLinks(body: string, policy: LinkPolicy): Finding[] {
  if (policy === 'allow') return [];
  const findings: Finding[] = [];
  for (const match of body.matchAll(LINK)) {
    const start = match.index;
    findings.push({ rule: 'link', verdict: policy, start, end: start + match[0].length, excerpt: match[0].slice(0, 100) });
  }
  return findings;
}
