import type { Finding, Rules } from './types.js';

// Linear-time pattern: every repetition is over a character class that cannot overlap its neighbour.
const LINK =
  /\b(?:https?:\/\/|www\.)[^\s<>"']+|\b[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9][a-z0-9-]{0,62}){0,8}\.(?:com|net|org|kr|io|co|me|ly|info|biz|xyz|app|dev|site|online|shop|top|gg|tv|us|uk|jp|cn|ru|de|fr|link|click)\b(?:\/[^\s<>"']*)?/giu;

/** A cheap first look: a link needs a scheme, www. or a dot followed by letters. */
const MAYBE_LINK = /:\/\/|www\.|\.[a-z]{2}/i;

/** The host of a link as written (scheme, credentials, port and path dropped), lower case, without "www.". */
export function hostOf(link: string): string {
  let host = link.replace(/^https?:\/\//i, '');
  host = host.split(/[/?#]/, 1)[0]!;
  host = host.slice(host.lastIndexOf('@') + 1).replace(/:\d*$/, '').toLowerCase();
  return host.startsWith('www.') ? host.slice(4) : host;
}

const onList = (host: string, list: string[]) =>
  list.some((d) => {
    const domain = d.startsWith('*.') ? d.slice(2) : d;
    return host === domain || host.endsWith(`.${domain}`);
  });

/** Links in the original text, judged by the link rule: allow list, deny list, then its verdict. */
export function findLinks(body: string, rule: Rules['link'], out: Finding[]): void {
  if (rule.verdict === 'publish' && rule.denyDomains.length === 0) return;
  if (!MAYBE_LINK.test(body)) return;
  for (const match of body.matchAll(LINK)) {
    const host = hostOf(match[0]);
    if (onList(host, rule.allowDomains)) continue;
    const verdict = onList(host, rule.denyDomains) ? rule.denyVerdict : rule.verdict;
    if (verdict === 'publish') continue;
    const start = match.index;
    out.push({ rule: 'link', verdict, start, end: start + match[0].length, excerpt: match[0].slice(0, 100), detail: host });
  }
}
