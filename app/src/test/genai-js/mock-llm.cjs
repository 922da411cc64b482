// A local stand-in for the OpenAI chat completions API and the Anthropic messages API: just
// enough of each for one tool-use conversation. The first call (no tool result yet) answers with
// a tool call, the second (after the tool result) with text; either may be streamed. Token usage
// is fixed per call, with cached (and for OpenAI reasoning) tokens, so a test can compute the
// list-price cost by hand. The same conversation costs the same tokens on both: Anthropic counts
// the 1024 cache-read tokens apart from input_tokens, OpenAI inside prompt_tokens.
'use strict';
const http = require('node:http');

const MODEL = 'o4-mini-2025-04-16';
const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929';
const ANTHROPIC_USAGE = {
  toolCall: { input_tokens: 176, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0, output_tokens: 300 },
  answer: { input_tokens: 326, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0, output_tokens: 20 },
};
const USAGE = {
  toolCall: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500,
    prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 256 } },
  answer: { prompt_tokens: 1350, completion_tokens: 20, total_tokens: 1370,
    prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } },
};
const TOOL_CALL = { id: 'call_weather_1', type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
const ANSWER = 'It is rainy in Paris, 12C.';

function chat(body, res) {
  const afterTool = (body.messages || []).some((m) => m.role === 'tool');
  const usage = afterTool ? USAGE.answer : USAGE.toolCall;
  const message = afterTool
    ? { role: 'assistant', content: ANSWER }
    : { role: 'assistant', content: null, tool_calls: [TOOL_CALL] };
  const finish = afterTool ? 'stop' : 'tool_calls';
  const id = afterTool ? 'chatcmpl-answer' : 'chatcmpl-tool';
  const created = 1767225600;
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'chat.completion', created, model: MODEL,
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }], usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (choices, extra = {}) => res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk',
    created, model: MODEL, choices, ...extra })}\n\n`);
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  if (afterTool) {
    for (const piece of ANSWER.match(/.{1,8}/g)) {
      chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]);
    }
  } else {
    chunk([{ index: 0, delta: { tool_calls: [{ index: 0, ...TOOL_CALL }] }, finish_reason: null }]);
  }
  chunk([{ index: 0, delta: {}, finish_reason: finish }]);
  if (body.stream_options && body.stream_options.include_usage) {
    chunk([], { usage });
  }
  res.end('data: [DONE]\n\n');
}

function anthropicMessages(body, res) {
  const afterTool = (body.messages || []).some((m) => Array.isArray(m.content)
    && m.content.some((c) => c.type === 'tool_result'));
  const usage = afterTool ? ANTHROPIC_USAGE.answer : ANTHROPIC_USAGE.toolCall;
  const content = afterTool
    ? [{ type: 'text', text: ANSWER }]
    : [{ type: 'tool_use', id: TOOL_CALL.id, name: 'get_weather', input: { city: 'Paris' } }];
  const stop = afterTool ? 'end_turn' : 'tool_use';
  const id = afterTool ? 'msg_answer' : 'msg_tool';
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model: ANTHROPIC_MODEL, content,
      stop_reason: stop, stop_sequence: null, usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', { message: { id, type: 'message', role: 'assistant', model: ANTHROPIC_MODEL, content: [],
    stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
  if (afterTool) {
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    for (const piece of ANSWER.match(/.{1,8}/g)) {
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
    }
  } else {
    event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: TOOL_CALL.id,
      name: 'get_weather', input: {} } });
    event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' } });
  }
  event('content_block_stop', { index: 0 });
  event('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  event('message_stop', {});
  res.end();
}

/** Starts the mock on a free port; resolves to {url, close}. */
function start() {
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (d) => { data += d; });
    req.on('end', () => {
      let body = {};
      try { body = data ? JSON.parse(data) : {}; } catch (e) { body = {}; }
      if (req.method === 'POST' && req.url.endsWith('/chat/completions')) {
        chat(body, res);
      } else if (req.method === 'POST' && req.url.endsWith('/messages')) {
        anthropicMessages(body, res);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `mock has no ${req.method} ${req.url}` } }));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/v1`,
    close: () => new Promise((r) => server.close(r)),
  })));
}

module.exports = { start, MODEL, USAGE, ANTHROPIC_MODEL, ANTHROPIC_USAGE, TOOL_CALL, ANSWER };
