// llama.cpp's CPU speed on a GGUF, measured like llama-bench: pp = N prompt
// tokens evaluated as one batch from an empty cache, tg = N tokens decoded one
// at a time (greedy) from an empty cache; median of REPS runs after a warm-up.
// Uses node-llama-cpp's prebuilt llama.cpp (no build from source).
//
//   node bench.mjs -m MODEL.gguf [-p 512] [-n 128] [-t 2] [-r 3] [--json]
import {getLlama} from "node-llama-cpp";

function option(name, fallback) {
    const i = process.argv.indexOf(name);
    return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const modelPath = option("-m");
if (!modelPath) {
    console.error("usage: node bench.mjs -m MODEL.gguf [-p 512] [-n 128] [-t 2] [-r 3] [--json]");
    process.exit(2);
}
const nPp = Number(option("-p", "512"));
const nTg = Number(option("-n", "128"));
const threads = Number(option("-t", "2"));
const reps = Number(option("-r", "3"));

const median = (v) => {
    const s = [...v].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const llama = await getLlama({gpu: false, build: "never", maxThreads: threads, logLevel: "error"});
const model = await llama.loadModel({modelPath, gpuLayers: 0, useMmap: true});
const context = await model.createContext({
    contextSize: Math.max(nPp, nTg) + 16, batchSize: Math.max(nPp, 1), threads, sequences: 1, flashAttention: false,
});
const sequence = context.getSequence();

// Fixed pseudo-random ids (an LCG), the same every run, like hearth-cli bench's.
const nVocab = model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 256;
let state = 42;
const ids = (n) => Array.from({length: n}, () => (state = (state * 1103515245 + 12345) % 2147483648) % nVocab);

async function timePrompt(tokens) {
    await sequence.clearHistory();
    const t0 = process.hrtime.bigint();
    await sequence.evaluateWithoutGeneratingNewTokens(tokens);
    return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function timeGeneration(n) {
    await sequence.clearHistory();
    let produced = 0;
    const t0 = process.hrtime.bigint();
    // The first token starts generation; every later one is the previous
    // greedy output, so each step decodes exactly one token, as llama-bench's tg.
    for await (const token of sequence.evaluate([ids(1)[0]], {temperature: 0})) {
        void token;
        if (++produced >= n) break;
    }
    return Number(process.hrtime.bigint() - t0) / 1e9;
}

const pp = ids(nPp);
const ppRates = [], tgRates = [];
if (nPp > 0) await timePrompt(pp);
if (nTg > 0) await timeGeneration(nTg);
for (let r = 0; r < reps; ++r) {
    if (nPp > 0) ppRates.push(nPp / await timePrompt(pp));
    if (nTg > 0) tgRates.push(nTg / await timeGeneration(nTg));
}
const result = {
    model: modelPath.split("/").pop(), backend: "llama.cpp (node-llama-cpp, CPU)", threads,
    pp: {n: nPp, tok_s: nPp > 0 ? median(ppRates) : 0}, tg: {n: nTg, tok_s: nTg > 0 ? median(tgRates) : 0},
};
if (process.argv.includes("--json")) console.log(JSON.stringify(result));
else console.log(`${result.model}: pp${nPp} ${result.pp.tok_s.toFixed(2)} tok/s, tg${nTg} ${result.tg.tok_s.toFixed(2)} tok/s (${threads} threads)`);
await context.dispose();
await model.dispose();
await llama.dispose();
