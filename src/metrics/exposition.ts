import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

export interface Sample {
  metricName: string;
  labels: Labels;
  value: number;
}

/**
 * A metric whose samples are computed at scrape time from figures kept elsewhere (Redis, or plain
 * counters on a hot path): prom-client writes the text, and there is nothing of its own to reset.
 */
export function registerComputedMetric(
  registry: Registry,
  metric: { name: string; help: string; type: 'counter' | 'histogram'; values: (name: string) => Sample[] | Promise<Sample[]> },
): void {
  const { name, help, type } = metric;
  registry.registerMetric({
    name,
    help,
    type,
    aggregator: 'sum',
    reset: () => undefined,
    get: async () => ({ name, help, type, aggregator: 'sum', values: await metric.values(name) }),
  } as never);
}

/** One histogram series: `cumulative[i]` requests took at most `bounds[i]`; +Inf is `count`. */
export function histogramSamples(name: string, labels: Labels, bounds: number[], cumulative: number[], sum: number, count: number): Sample[] {
  return [
    ...bounds.map((le, i) => ({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative[i]! })),
    { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count },
    { metricName: `${name}_sum`, labels, value: sum },
    { metricName: `${name}_count`, labels, value: count },
  ];
}
