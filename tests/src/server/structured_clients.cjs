// Structured output through real clients against `hearth-cli serve` on a
// random-weight model: the openai SDK's chat.completions.parse with
// zodResponseFormat, the Vercel AI SDK's generateObject (through
// @ai-sdk/openai-compatible with structured outputs on), and LangChain's
// withStructuredOutput, by its default method, by function calling (a tool
// call forced with a named tool_choice) and by JSON schema. Each client validates with zod and throws on a mismatch; only the
// grammar can make a random model's reply pass.
// Usage: node structured_clients.cjs BASE_URL MODEL; prints one JSON line:
// {"schema": <the JSON schema>, "results": {"<client> seed <n>": object, ...},
//  "via": {"langchain <method> seed <n>": "tool_calls" | "content"}}.
const z = require('zod');
const OpenAI = require('openai');
const { zodResponseFormat } = require('openai/helpers/zod');
const { generateObject } = require('ai');
const { createOpenAICompatible } = require('@ai-sdk/openai-compatible');
const { ChatOpenAI } = require('@langchain/openai');

const Person = z.object({
  name: z.string().max(24),
  age: z.number().int().min(0).max(120),
  email: z.string().email(),
  tags: z.array(z.enum(['red', 'green', 'blue'])).max(3),
  address: z.object({ city: z.string().max(30), zip: z.string().regex(/^\d{5}$/) }),
  active: z.boolean(),
  nickname: z.string().max(12).nullable(),
});

const prompt = 'Invent a person and describe them.';
const apiKey = 'sk-local-test';

async function openaiParse(baseURL, model, seed) {
  const client = new OpenAI({ baseURL: baseURL + '/v1', apiKey });
  const completion = await client.chat.completions.parse({
    model,
    messages: [{ role: 'user', content: prompt }],
    response_format: zodResponseFormat(Person, 'person'),
    temperature: 1,
    seed,
  });
  const message = completion.choices[0].message;
  if (!message.parsed) throw new Error('openai: no parsed object: ' + JSON.stringify(message));
  return message.parsed;
}

async function vercelGenerateObject(baseURL, model, seed) {
  const provider = createOpenAICompatible({
    name: 'hearth',
    baseURL: baseURL + '/v1',
    apiKey,
    supportsStructuredOutputs: true,
  });
  const { object } = await generateObject({ model: provider(model), schema: Person, prompt, temperature: 1, seed });
  return object;
}

async function langchain(baseURL, model, seed, method) {
  const llm = new ChatOpenAI({
    model,
    apiKey,
    configuration: { baseURL: baseURL + '/v1' },
    temperature: 1,
    modelKwargs: { seed },
    maxRetries: 0,
  });
  const options = { name: 'person', includeRaw: true };
  if (method !== 'default') options.method = method;
  const { raw, parsed } = await llm.withStructuredOutput(Person, options).invoke(prompt);
  if (!parsed) throw new Error(`langchain ${method}: nothing parsed from ` + JSON.stringify(raw));
  // How the object came: a forced tool call, or the message content.
  return { parsed, via: raw.tool_calls && raw.tool_calls.length ? 'tool_calls' : 'content' };
}

async function main() {
  const [baseURL, model] = process.argv.slice(2);
  const results = {};
  const via = {};
  for (const seed of [1, 2, 3]) {
    results[`openai.parse seed ${seed}`] = await openaiParse(baseURL, model, seed);
    results[`ai.generateObject seed ${seed}`] = await vercelGenerateObject(baseURL, model, seed);
    for (const method of ['default', 'functionCalling', 'jsonSchema']) {
      const name = `langchain ${method} seed ${seed}`;
      ({ parsed: results[name], via: via[name] } = await langchain(baseURL, model, seed, method));
    }
  }
  for (const value of Object.values(results)) Person.parse(value);  // every client already did; once more
  console.log(JSON.stringify({ schema: z.toJSONSchema(Person), results, via }));
}

main().catch((e) => {
  console.error('structured output client failed:', e && e.stack ? e.stack : e);
  if (e && e.cause) console.error('cause:', e.cause);
  process.exit(1);
});
