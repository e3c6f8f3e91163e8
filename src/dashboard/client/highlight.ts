export interface Span {
  rule: string;
  start: number;
  end: number;
  verdict?: string;
  /** What matched, or an outside classifier's label and score. */
  detail?: string;
}

/**
 * The comment body as text nodes with each rule match [start, end) (UTF-16 offsets) in a <mark>.
 * Spans out of range or overlapping an earlier one are skipped rather than trusted.
 */
export function highlighted(body: string, spans: Span[], label: (rule: string) => string): Node[] {
  const sorted = spans
    .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end > s.start && s.end <= body.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const nodes: Node[] = [];
  let at = 0;
  for (const span of sorted) {
    if (span.start < at) continue;
    if (span.start > at) nodes.push(document.createTextNode(body.slice(at, span.start)));
    const mark = document.createElement('mark');
    mark.className = `finding ${span.verdict ?? ''}`.trim();
    mark.title = label(span.rule);
    mark.dataset.rule = span.rule;
    mark.textContent = body.slice(span.start, span.end);
    nodes.push(mark);
    at = span.end;
  }
  if (at < body.length) nodes.push(document.createTextNode(body.slice(at)));
  return nodes;
}
