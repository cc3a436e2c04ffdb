import type { AccessLogEntry, WebhookStats } from '@s3kit/gateway';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics (one registry per server, never the global one). */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Counts one answered request; `upstream` is the upstream its identity uses (`none` before authentication). */
  record(entry: AccessLogEntry, upstream: string): void;
}

/** Latency bucket bounds (seconds) below the longest a request may take. */
const LADDER = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * The latency histogram's buckets: the ladder up to the request timeout, then the timeout itself
 * (so slow requests are told apart up to where the server cuts them); `0` (no timeout): the whole ladder.
 */
export function latencyBuckets(requestTimeoutMs: number): number[] {
  if (requestTimeoutMs <= 0) return LADDER;
  const top = requestTimeoutMs / 1000;
  return [...LADDER.filter((b) => b < top), top];
}

/** One webhook target's stats in one local upstream. */
export type UpstreamWebhookStats = WebhookStats & { readonly upstream: string };

/**
 * The metrics; `inFlight` reads the requests in flight (holding a concurrency slot) and
 * `webhooks` the local stores' webhook backlogs and counters, when scraped.
 */
export function createMetrics(inFlight: () => number, webhooks: () => UpstreamWebhookStats[] = () => [], requestTimeoutMs = 0): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 's3kit_gateway_' });
  const requests = new Counter({
    name: 's3kit_gateway_requests_total',
    help: 'Requests by S3 operation, HTTP status and upstream.',
    labelNames: ['operation', 'status', 'upstream'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 's3kit_gateway_request_duration_seconds',
    help: 'Time from request to the end of the response, by operation and upstream.',
    labelNames: ['operation', 'upstream'],
    buckets: latencyBuckets(requestTimeoutMs),
    registers: [registry],
  });
  const bytesIn = new Counter({ name: 's3kit_gateway_bytes_in_total', help: 'Request body bytes received from clients.', labelNames: ['operation'], registers: [registry] });
  const bytesOut = new Counter({ name: 's3kit_gateway_bytes_out_total', help: 'Response body bytes sent to clients.', labelNames: ['operation'], registers: [registry] });
  const authFailures = new Counter({ name: 's3kit_gateway_auth_failures_total', help: 'Authentication failures by S3 error code.', labelNames: ['code'], registers: [registry] });
  const upstreamErrors = new Counter({
    name: 's3kit_gateway_upstream_errors_total',
    help: 'Upstream failures (5xx answers and transport errors) by code and upstream.',
    labelNames: ['code', 'upstream'],
    registers: [registry],
  });
  new Gauge({
    name: 's3kit_gateway_requests_in_flight',
    help: 'Requests being handled (holding a concurrency slot).',
    registers: [registry],
    collect() {
      this.set(inFlight());
    },
  });
  webhookMetrics(registry, webhooks);
  return {
    registry,
    record(e, upstream) {
      const operation = e.operation ?? 'unknown';
      requests.inc({ operation, status: String(e.status), upstream });
      duration.observe({ operation, upstream }, e.durationMs / 1000);
      if (e.bytesIn > 0) bytesIn.inc({ operation }, e.bytesIn);
      if (e.bytesOut > 0) bytesOut.inc({ operation }, e.bytesOut);
      if (e.authFailure !== undefined) authFailures.inc({ code: e.authFailure });
      if (e.upstreamError !== undefined) upstreamErrors.inc({ code: e.upstreamError, upstream });
    },
  };
}

const WEBHOOK_SERIES = [
  ['queued', 'gauge', 's3kit_gateway_webhook_queued', 'Webhook deliveries queued and not delivered, by upstream and target ARN.'],
  ['oldestAgeMs', 'gauge', 's3kit_gateway_webhook_oldest_age_seconds', 'Age of the oldest queued webhook delivery.'],
  ['delivered', 'counter', 's3kit_gateway_webhook_delivered_total', 'Webhook deliveries accepted (2xx) by the target.'],
  ['failed', 'counter', 's3kit_gateway_webhook_failed_total', 'Webhook POSTs that failed (transport error, timeout, non-2xx); each is retried.'],
  ['retried', 'counter', 's3kit_gateway_webhook_retried_total', 'Webhook POSTs that were retries.'],
  ['dropped', 'counter', 's3kit_gateway_webhook_dropped_total', 'Webhook deliveries not queued because the queue was full.'],
] as const;

/** Webhook series read from the stores when scraped (counters are the stores' own, set as they are). */
function webhookMetrics(registry: Registry, webhooks: () => UpstreamWebhookStats[]): void {
  for (const [field, kind, name, help] of WEBHOOK_SERIES) {
    const scale = field === 'oldestAgeMs' ? 1 / 1000 : 1;
    const labelNames = ['upstream', 'target'] as const;
    if (kind === 'gauge') {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const t of webhooks()) this.set({ upstream: t.upstream, target: t.arn }, t[field] * scale);
        },
      });
    } else {
      new Counter({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const t of webhooks()) this.inc({ upstream: t.upstream, target: t.arn }, t[field]);
        },
      });
    }
  }
}
