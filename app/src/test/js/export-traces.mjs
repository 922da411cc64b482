// Exports one trace per OTLP exporter of the OpenTelemetry JS SDK to a running tta-obs and
// prints {"<protocol>": "<traceId>"} once every export was acknowledged. Run by OtlpJsSdkIT.
// usage: node export-traces.mjs <http base url, e.g. http://127.0.0.1:8765> <grpc port>
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';

const [base, grpcPort] = process.argv.slice(2);
const exporters = {
  grpc: new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}` }),
  'http/protobuf': new ProtoExporter({ url: `${base}/v1/traces` }),
  'http/json': new JsonExporter({ url: `${base}/v1/traces` }),
};

function exportThrough(protocol, exporter) {
  return new Promise((resolve, reject) => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': `js-${protocol}` }),
      spanProcessors: [new SimpleSpanProcessor({
        // surface the export's own result: the SDK otherwise only logs a failure
        export(spans, done) {
          exporter.export(spans, (result) => {
            if (result.code !== 0) reject(new Error(`${protocol} export failed: ${result.error}`));
            done(result);
          });
        },
        shutdown: () => exporter.shutdown(),
        forceFlush: () => exporter.forceFlush(),
      })],
    });
    const tracer = provider.getTracer('tta-obs-js-test', '1.0.0');
    const root = tracer.startSpan('js.workflow');
    const child = tracer.startSpan('js.llm.call', { attributes: { 'gen_ai.request.model': 'gpt-4o', 'retry.attempt': 2 } },
      trace.setSpan(context.active(), root));
    child.end();
    root.end();
    const traceId = root.spanContext().traceId;
    provider.forceFlush().then(() => provider.shutdown()).then(() => resolve([protocol, traceId]), reject);
  });
}

try {
  const results = [];
  for (const [protocol, exporter] of Object.entries(exporters)) {
    results.push(await exportThrough(protocol, exporter));
  }
  console.log(JSON.stringify(Object.fromEntries(results)));
} catch (e) {
  console.error(String(e && e.stack || e));
  process.exit(1);
}
