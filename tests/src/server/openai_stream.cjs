// Drives the server with the official `openai` npm client: a streaming chat
// completion (content gathered from the deltas), the same request without
// streaming, and the raw SSE body to check that it ends with `data: [DONE]`.
// Usage: node openai_stream.cjs BASE_URL MODEL; prints one JSON line.
const OpenAI = require('openai');

async function main() {
  const [baseURL, model] = process.argv.slice(2);
  const client = new OpenAI({ baseURL: baseURL + '/v1', apiKey: 'sk-local-test' });
  const request = {
    model,
    messages: [{ role: 'user', content: 'Tell me a story about Lily.' }],
    max_tokens: 24,
    temperature: 0,
  };

  const stream = await client.chat.completions.create({ ...request, stream: true });
  let content = '';
  let chunks = 0;
  let finishReason = null;
  let role = null;
  for await (const chunk of stream) {
    chunks++;
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.delta.role) role = choice.delta.role;
    if (choice.delta.content) content += choice.delta.content;
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }

  const whole = await client.chat.completions.create(request);
  const models = await client.models.list();

  const raw = await fetch(baseURL + '/v1/chat/completions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-local-test' },
    body: JSON.stringify({ ...request, stream: true }),
  });
  const text = await raw.text();
  const dataLines = text.split('\n').filter((l) => l.startsWith('data: '));

  console.log(JSON.stringify({
    content,
    chunks,
    role,
    finishReason,
    wholeContent: whole.choices[0].message.content,
    wholeFinish: whole.choices[0].finish_reason,
    usage: whole.usage,
    modelIds: models.data.map((m) => m.id),
    lastData: dataLines[dataLines.length - 1],
  }));
}

main().catch((e) => {
  console.error('openai client failed:', e && e.stack ? e.stack : e);
  process.exit(1);
});
