// One tool-use conversation (a non-streamed call that asks for a tool, then a streamed call that
// answers after the tool result) through one instrumentation library, against the mock LLM,
// exporting spans and log records over OTLP/HTTP protobuf to a running tta-obs. Prints
// {"traceId": "..."} once every export was acknowledged. Run by GenAiConformanceIT.
// usage: node converse.cjs <library: a key of `libraries` below> <tta-obs base url | console>
'use strict';
const { context, trace } = require('@opentelemetry/api');
const { logs } = require('@opentelemetry/api-logs');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const mock = require('./mock-llm.cjs');

const [library, base] = process.argv.slice(2);
const failures = [];

/** An exporter whose failures fail the run: the SDK otherwise only logs them. */
function checked(exporter, what) {
  return {
    export(items, done) {
      exporter.export(items, (result) => {
        if (result.code !== 0) failures.push(`${what} export failed: ${result.error}`);
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush ? exporter.forceFlush() : Promise.resolve(),
  };
}

// "console" instead of a url prints what the library emitted, to see which facts it sends
const toConsole = base === 'console';
const { ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');
const { ConsoleLogRecordExporter } = require('@opentelemetry/sdk-logs');
const resource = resourceFromAttributes({ 'service.name': `conformance-${library}` });
const tracerProvider = new BasicTracerProvider({ resource,
  spanProcessors: [new SimpleSpanProcessor(checked(toConsole ? new ConsoleSpanExporter()
    : new OTLPTraceExporter({ url: `${base}/v1/traces` }), 'span'))] });
const loggerProvider = new LoggerProvider({ resource,
  // batched, as applications export them: message records written in the same millisecond keep
  // their order only within one export (one export each could arrive in any order)
  processors: [new BatchLogRecordProcessor({ exporter: checked(toConsole ? new ConsoleLogRecordExporter()
    : new OTLPLogExporter({ url: `${base}/v1/logs` }), 'log'), scheduledDelayMillis: 200 })] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(tracerProvider);
logs.setGlobalLoggerProvider(loggerProvider);

const USER = 'What is the weather in Paris?';
const TOOL_RESULT = 'rainy, 12C';
const WEATHER_TOOL = { type: 'function', function: { name: 'get_weather', description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

/** The conversation through the openai client, however it was instrumented. */
async function withOpenAiClient(OpenAI, url) {
  const client = new OpenAI({ apiKey: 'test-key', baseURL: url });
  const messages = [{ role: 'user', content: USER }];
  const first = await client.chat.completions.create({ model: 'o4-mini', messages, tools: [WEATHER_TOOL] });
  const call = first.choices[0].message.tool_calls[0];
  messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: TOOL_RESULT });
  const stream = await client.chat.completions.create({ model: 'o4-mini', messages, tools: [WEATHER_TOOL],
    stream: true, stream_options: { include_usage: true } });
  let text = '';
  for await (const chunk of stream) {
    text += (chunk.choices[0] && chunk.choices[0].delta && chunk.choices[0].delta.content) || '';
  }
  if (text !== mock.ANSWER) throw new Error(`streamed answer was '${text}'`);
}

const ANTHROPIC_WEATHER_TOOL = { name: 'get_weather', description: 'Current weather in a city',
  input_schema: WEATHER_TOOL.function.parameters };

/** The conversation through the Anthropic client; {@code openTelemetry} is its own tracing option. */
async function withAnthropicClient(Anthropic, url, openTelemetry) {
  // the SDK adds /v1/messages to its base url
  const client = new Anthropic({ apiKey: 'test-key', baseURL: url.replace(/\/v1$/, ''), openTelemetry });
  const messages = [{ role: 'user', content: USER }];
  const request = { model: 'claude-sonnet-4-5', max_tokens: 1024, tools: [ANTHROPIC_WEATHER_TOOL] };
  const first = await client.messages.create({ ...request, messages });
  const call = first.content.find((c) => c.type === 'tool_use');
  messages.push({ role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: TOOL_RESULT }] });
  // the SDK's stream helper: with a bare create({stream: true}) the SDK's span records no answer
  const stream = client.messages.stream({ ...request, messages });
  let text = '';
  stream.on('text', (piece) => { text += piece; });
  await stream.finalMessage();
  if (text !== mock.ANSWER) throw new Error(`streamed answer was '${text}'`);
}

/** The conversation through a LangChain chat model on the OpenAI API. */
async function withLangChain(url) {
  const { ChatOpenAI } = require('@langchain/openai');
  const { HumanMessage, ToolMessage } = require('@langchain/core/messages');
  const model = new ChatOpenAI({ model: 'o4-mini', apiKey: 'test-key', configuration: { baseURL: url } })
    .bindTools([WEATHER_TOOL]);
  const messages = [new HumanMessage(USER)];
  const first = await model.invoke(messages);
  const call = first.tool_calls[0];
  messages.push(first, new ToolMessage({ content: TOOL_RESULT, tool_call_id: call.id }));
  let text = '';
  for await (const chunk of await model.stream(messages)) text += chunk.content;
  if (text !== mock.ANSWER) throw new Error(`streamed answer was '${text}'`);
}

/** The conversation through the Vercel AI SDK, with its own telemetry on. */
async function withVercelAi(model) {
  const { generateText, streamText, tool, jsonSchema } = require('ai');
  const telemetry = { isEnabled: true, recordInputs: true, recordOutputs: true };
  const tools = { get_weather: tool({ description: 'Current weather in a city',
    inputSchema: jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) }) };
  const messages = [{ role: 'user', content: USER }];
  const first = await generateText({ model, messages, tools, experimental_telemetry: telemetry });
  const call = first.toolCalls[0];
  messages.push(...first.response.messages, { role: 'tool', content: [{ type: 'tool-result',
    toolCallId: call.toolCallId, toolName: call.toolName, output: { type: 'text', value: TOOL_RESULT } }] });
  const second = streamText({ model, messages, tools, experimental_telemetry: telemetry });
  let text = '';
  for await (const piece of second.textStream) text += piece;
  if (text !== mock.ANSWER) throw new Error(`streamed answer was '${text}'`);
  await second.usage;
}

/**
 * The conversation through the Vercel AI SDK 7, whose telemetry is the @ai-sdk/otel integration.
 * AI SDK 7 is ESM only and lives in its own npm project (ai7/) beside AI SDK 6.
 */
async function withVercelAi7(url) {
  const load = (name) => import(require('node:url').pathToFileURL(
    require.resolve(name, { paths: [require('node:path').join(__dirname, 'ai7')] })).href);
  const { generateText, streamText, tool, jsonSchema, registerTelemetry } = await load('ai');
  const { OpenTelemetry } = await load('@ai-sdk/otel');
  const { createOpenAI } = await load('@ai-sdk/openai');
  registerTelemetry(new OpenTelemetry({ tracer: tracerProvider.getTracer('ai') }));
  const model = createOpenAI({ apiKey: 'test-key', baseURL: url }).chat('o4-mini');
  const tools = { get_weather: tool({ description: 'Current weather in a city',
    inputSchema: jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) }) };
  const messages = [{ role: 'user', content: USER }];
  const first = await generateText({ model, messages, tools });
  const call = first.toolCalls[0];
  messages.push(...first.response.messages, { role: 'tool', content: [{ type: 'tool-result',
    toolCallId: call.toolCallId, toolName: call.toolName, output: { type: 'text', value: TOOL_RESULT } }] });
  const second = streamText({ model, messages, tools });
  let text = '';
  for await (const piece of second.textStream) text += piece;
  if (text !== mock.ANSWER) throw new Error(`streamed answer was '${text}'`);
  await second.usage;
}

const libraries = {
  'vercel-ai-7': withVercelAi7,
  'otel-openai': async (url) => {
    // registered before openai is loaded: it patches the module as it is required
    const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
    const instrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.setLoggerProvider(loggerProvider);
    // 0.21 records token metrics on streamed calls; its instruments exist once a meter provider is set
    instrumentation.setMeterProvider(require('@opentelemetry/api').metrics.getMeterProvider());
    instrumentation.enable();
    await withOpenAiClient(require('openai').OpenAI, url);
  },
  'openinference-openai': async (url) => {
    const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
    const openai = require('openai');
    const instrumentation = new OpenAIInstrumentation();
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.manuallyInstrument(openai);
    await withOpenAiClient(openai.OpenAI, url);
  },
  'traceloop-openai': async (url) => {
    // registered before openai is loaded: it patches the module as it is required
    const { OpenAIInstrumentation } = require('@traceloop/instrumentation-openai');
    const instrumentation = new OpenAIInstrumentation({ traceContent: true });
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.enable();
    await withOpenAiClient(require('openai').OpenAI, url);
  },
  'anthropic-sdk': async (url) => {
    const Anthropic = require('@anthropic-ai/sdk').default;
    await withAnthropicClient(Anthropic, url, { tracerProvider, traces: { contentMode: 'content' } });
  },
  'openinference-anthropic': async (url) => {
    const { AnthropicInstrumentation } = require('@arizeai/openinference-instrumentation-anthropic');
    const sdk = require('@anthropic-ai/sdk');
    const instrumentation = new AnthropicInstrumentation();
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.manuallyInstrument(sdk);
    // the SDK's own spans are on by default too, on the global tracer provider: both arrive
    await withAnthropicClient(sdk.default, url, undefined);
  },
  'openinference-langchain': async (url) => {
    const { LangChainInstrumentation } = require('@arizeai/openinference-instrumentation-langchain');
    const instrumentation = new LangChainInstrumentation();
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.manuallyInstrument(require('@langchain/core/callbacks/manager'));
    await withLangChain(url);
  },
  'vercel-ai': async (url) => {
    const { createOpenAI } = require('@ai-sdk/openai');
    await withVercelAi(createOpenAI({ apiKey: 'test-key', baseURL: url }).chat('o4-mini'));
  },
  'vercel-ai-anthropic': async (url) => {
    const { createAnthropic } = require('@ai-sdk/anthropic');
    await withVercelAi(createAnthropic({ apiKey: 'test-key', baseURL: url })('claude-sonnet-4-5'));
  },
};

(async () => {
  if (!libraries[library]) throw new Error(`unknown library '${library}'`);
  const server = await mock.start();
  const tracer = trace.getTracer('conformance');
  let traceId;
  try {
    await tracer.startActiveSpan(`conversation ${library}`, async (root) => {
      traceId = root.spanContext().traceId;
      try {
        await libraries[library](server.url);
      } finally {
        root.end();
      }
    });
  } finally {
    await server.close();
  }
  await tracerProvider.forceFlush();
  await loggerProvider.forceFlush();
  await tracerProvider.shutdown();
  await loggerProvider.shutdown();
  if (failures.length) throw new Error(failures.join('; '));
  console.log(JSON.stringify({ traceId }));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
