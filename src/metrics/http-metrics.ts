import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import type { Registry } from 'prom-client';
import { histogramSamples, registerComputedMetric } from './exposition.js';

/** Seconds: most answers take about a millisecond, a slow database query a few hundred. */
export const HTTP_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request no route matched (a 404 answered by the not-found handler). */
const UNMATCHED = 'unmatched';

/** Method labels of unmatched requests: anything else (Node accepts ~30 methods) is "other". */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Series kept at most. Routes are fixed at start and statuses are the ones the code sends, so this
 * is never expected to be reached; past it, new combinations are counted under "other".
 */
const MAX_SERIES = 2000;

interface Series {
  method: string;
  route: string;
  status: string;
  count: number;
  sum: number;
  /** Per bucket (not cumulative), the last one +Inf. */
  buckets: number[];
}

/**
 * HTTP request counts and latencies by method, route pattern and status, for /metrics. Recorded on
 * every request, so the hot path is three Map lookups and a few additions on a series object made
 * once per combination: prom-client's labelled `inc`/`observe` hash the label object on every call,
 * measured at about 1 µs a request against 0.05 µs here. prom-client still writes the exposition.
 */
@Injectable()
export class HttpMetrics {
  /** route → method → status → series. */
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();
  private readonly all: Series[] = [];
  private overflow?: Series;

  record(route: string, method: string, statusCode: number, elapsedMs: number): void {
    const series = this.series(route, method, statusCode);
    series.count++;
    const seconds = elapsedMs / 1000;
    if (!Number.isFinite(seconds) || seconds < 0) return; // counted, not timed
    series.sum += seconds;
    let bucket = 0;
    while (bucket < HTTP_DURATION_BUCKETS.length && seconds > HTTP_DURATION_BUCKETS[bucket]!) bucket++;
    series.buckets[bucket]!++;
  }

  register(registry: Registry, prefix: string): void {
    registerComputedMetric(registry, {
      name: `${prefix}http_requests_total`,
      help: 'HTTP requests answered by this process, by method, route pattern ("unmatched" when none) and status; server-sent streams excluded',
      type: 'counter',
      values: (name) => this.all.map(({ method, route, status, count }) => ({ metricName: name, labels: { method, route, status }, value: count })),
    });
    registerComputedMetric(registry, {
      name: `${prefix}http_request_duration_seconds`,
      help: 'Time from the request to the end of the answer, in this process, by method, route pattern and status; server-sent streams excluded',
      type: 'histogram',
      values: (name) =>
        this.all.flatMap(({ method, route, status, count, sum, buckets }) => {
          let running = 0;
          const cumulative = HTTP_DURATION_BUCKETS.map((_, i) => (running += buckets[i]!));
          return histogramSamples(name, { method, route, status }, HTTP_DURATION_BUCKETS, cumulative, sum, count);
        }),
    });
  }

  private series(route: string, method: string, statusCode: number): Series {
    let byMethod = this.byRoute.get(route);
    if (!byMethod) this.byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(statusCode);
    if (!series) {
      series = this.all.length < MAX_SERIES ? this.newSeries(method, route, String(statusCode)) : (this.overflow ??= this.newSeries('other', 'other', 'other'));
      byStatus.set(statusCode, series);
    }
    return series;
  }

  private newSeries(method: string, route: string, status: string): Series {
    const series = { method, route, status, count: 0, sum: 0, buckets: new Array<number>(HTTP_DURATION_BUCKETS.length + 1).fill(0) };
    this.all.push(series);
    return series;
  }
}

/** A live stream's "latency" is its lifetime, and one its client leaves never finishes: left out. */
function isEventStream(reply: FastifyReply): boolean {
  const type = reply.raw.getHeader('content-type');
  return typeof type === 'string' && type.startsWith('text/event-stream');
}

/**
 * Records every answer in `metrics`. Each route gets its own onResponse hook, which knows the route
 * pattern without asking Fastify per request (`request.routeOptions` builds an object each time);
 * call this before the routes are registered (before `app.init()`). Requests no route matched are
 * recorded by one root hook, under "unmatched", never by their URL.
 */
export function recordHttpMetrics(fastify: FastifyInstance, metrics: HttpMetrics): void {
  fastify.addHook('onRoute', (route) => {
    const pattern = route.url;
    const recordRoute: onResponseHookHandler = (request, reply, done) => {
      if (!isEventStream(reply)) metrics.record(pattern, request.method, reply.statusCode, reply.elapsedTime);
      done();
    };
    route.onResponse = [...[route.onResponse ?? []].flat(), recordRoute];
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (request.is404) metrics.record(UNMATCHED, KNOWN_METHODS.has(request.method) ? request.method : 'other', reply.statusCode, reply.elapsedTime);
    done();
  });
}
