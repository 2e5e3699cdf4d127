'use strict';
// OpenTelemetry setup for the Loadlens Node.js evidence app (docs/server-evidence.md, "Node.js (Express + pg)").
// Load it before the app: `node --require ./tracing.js app.js`.
//   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  where spans go (Loadlens --otlp: http://127.0.0.1:4318/v1/traces)
//   OTEL_EXPORTER_OTLP_PROTOCOL         http/protobuf (default) or http/json
//   OTEL_BSP_SCHEDULE_DELAY             export every N ms (default here 200, the SDK's own default is 5000)
// The default sampler (parentbased_always_on) follows the sampled traceparent Loadlens sends on every request.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg');

const protocol = process.env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
const url = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || 'http://127.0.0.1:4318/v1/traces';
let OTLPTraceExporter;
if (protocol === 'http/protobuf') {
  ({ OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto'));
} else if (protocol === 'http/json') {
  ({ OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http'));
} else {
  console.error(`tracing.js: OTEL_EXPORTER_OTLP_PROTOCOL '${protocol}' is not http/protobuf or http/json`);
  process.exit(2);
}

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME || 'loadlens-node-evidence-app',
  spanProcessors: [
    new BatchSpanProcessor(new OTLPTraceExporter({ url }), {
      scheduledDelayMillis: Number(process.env.OTEL_BSP_SCHEDULE_DELAY || 200),
      maxQueueSize: 65536,
      maxExportBatchSize: 2048,
    }),
  ],
  instrumentations: [
    new HttpInstrumentation(),
    new ExpressInstrumentation(),
    // Without ignoreConnectSpans every pool.query() adds a `pg-pool.connect` client span that carries db.system:
    // 21 queries would show as 21 "statements" more, one of them a fake N+1 of connects.
    new PgInstrumentation({ ignoreConnectSpans: true }),
  ],
});
sdk.start();

// Called by app.js on SIGTERM/SIGINT after the server has closed: exports the spans still in the batch.
module.exports.shutdownTracing = () => sdk.shutdown();
