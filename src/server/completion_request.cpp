#include "server/completion_request.h"

#include <algorithm>
#include <random>

#include "hearth/chat_setup.h"
#include "hearth/error.h"
#include "hearth/json_depth.h"
#include "server/api_error.h"
#include "server/chat_messages.h"
#include "server/json_fields.h"
#include "server/structured_output.h"

namespace Hearth::Server {

namespace {

constexpr size_t kMaxStops = 16;           // OpenAI allows 4; llama.cpp clients send more
constexpr long long kMaxTopLogprobs = 20;  // OpenAI's bound for top_logprobs

void checkModel(const nlohmann::json & body, const ServedModel & model) {
    // A request without "model" gets the one model served, as llama-server does.
    const std::optional<std::string> name = optString(body, "model");
    if (name && name->find('\0') != std::string::npos)
        throw ApiError::invalid("model", "'model' holds a NUL character.");
    if (name && !name->empty() && !model.matches(*name))
        throw ApiError(404, "The model '" + *name + "' does not exist; this server serves '" + model.id + "'.",
                       "invalid_request_error", "model", "model_not_found");
}

// A token id written as a JSON key: decimal digits only; -1 otherwise (or too long to be one).
long long tokenIdKey(const std::string & key) {
    if (key.empty() || key.size() > 10 ||
        !std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return -1;
    return std::stoll(key);
}

int32_t vocabSize(const ServedModel & model) {
    return model.tokenizer ? model.tokenizer->vocab().n_tokens() : INT32_MAX;
}

void readCommon(const nlohmann::json & body, CompletionRequest & req, int32_t nVocab) {
    if (const auto n = optInteger(body, "n", 1, 128); n && *n != 1)
        throw ApiError::invalid("n", "'n' must be 1: this server generates one choice per request.");
    if (const auto b = optInteger(body, "best_of", 1, 128); b && *b != 1)
        throw ApiError::invalid("best_of", "'best_of' must be 1.");
    req.stream = optBool(body, "stream").value_or(false);
    if (auto it = body.find("stream_options"); it != body.end() && !it->is_null()) {
        if (!it->is_object()) throw ApiError::invalid("stream_options", "'stream_options' must be an object.");
        req.includeUsage = optBool(*it, "include_usage").value_or(false);
    }

    hearth::SamplerParams & s = req.generate.sampling;
    if (auto v = optNumber(body, "temperature", 0.0, 2.0)) s.temperature = float(*v);
    if (auto v = optNumber(body, "top_p", 0.0, 1.0)) s.top_p = float(*v);
    if (auto v = optInteger(body, "top_k", 0, 1 << 20)) s.top_k = int32_t(*v);
    if (auto v = optNumber(body, "min_p", 0.0, 1.0)) s.min_p = float(*v);
    if (auto v = optNumber(body, "presence_penalty", -2.0, 2.0)) s.presence_penalty = float(*v);
    if (auto v = optNumber(body, "frequency_penalty", -2.0, 2.0)) s.frequency_penalty = float(*v);
    if (auto v = optNumber(body, "repeat_penalty", 0.0, 10.0)) s.repeat_penalty = float(*v);
    const auto seed =
        optInteger(body, "seed", std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max());
    s.seed = seed ? uint64_t(*seed) : std::random_device{}();

    req.generate.stop = optStringList(body, "stop", kMaxStops);
    // max_completion_tokens is the newer name; it wins when both are given.
    std::optional<long long> maxTokens = optInteger(body, "max_completion_tokens", 1, 1 << 30);
    if (!maxTokens) maxTokens = optInteger(body, "max_tokens", 1, 1 << 30);
    req.generate.n_predict = maxTokens ? int32_t(*maxTokens) : -1;

    if (auto it = body.find("logit_bias"); it != body.end() && !it->is_null()) {
        if (!it->is_object()) throw ApiError::invalid("logit_bias", "'logit_bias' must be an object.");
        for (const auto & [key, value] : it->items()) {
            const long long id = tokenIdKey(key);
            if (id < 0 || id >= nVocab)
                throw ApiError::invalid("logit_bias", "'logit_bias' names the token \"" + key +
                                                          "\", which is not in the vocabulary of " +
                                                          std::to_string(nVocab) + " tokens.");
            if (!value.is_number() || !(value.get<double>() >= -100) || !(value.get<double>() <= 100))
                throw ApiError::invalid("logit_bias", "'logit_bias' maps token ids to numbers from -100 to 100.");
            s.logit_bias.emplace_back(int32_t(id), float(value.get<double>()));
        }
    }
}

// Json mode: {"type": "text" | "json_object" | "json_schema", "json_schema": {"schema": {...}}}.
nlohmann::json readResponseFormat(const nlohmann::json & body, bool & jsonMode) {
    jsonMode = false;
    auto it = body.find("response_format");
    if (it == body.end() || it->is_null()) return nullptr;
    if (!it->is_object() || !it->contains("type") || !(*it)["type"].is_string())
        throw ApiError::invalid("response_format", "'response_format' must be an object with a 'type'.");
    const std::string type = (*it)["type"].get<std::string>();
    if (type == "text") return nullptr;
    jsonMode = true;
    if (type == "json_object") return nullptr;
    if (type == "json_schema") {
        const nlohmann::json js = it->value("json_schema", nlohmann::json());
        if (!js.is_object() || !js.contains("schema") || !js["schema"].is_object())
            throw ApiError::invalid("response_format.json_schema",
                                    "'response_format.json_schema.schema' must be a JSON schema object.");
        return js["schema"];
    }
    throw ApiError::invalid("response_format.type",
                            "'response_format.type' must be \"text\", \"json_object\" "
                            "or \"json_schema\", not \"" +
                                type + "\".");
}

// Counts the prompt and fits the token budget into what the context has left.
// Tokenizing megabytes costs seconds: a prompt of B bytes is at least
// B / maxTokenBytes tokens, so one far too long is refused without it.
void checkPromptBytes(size_t bytes, const ServedModel & model, const char * param) {
    if (!model.tokenizer || model.maxTokenBytes == 0) return;
    const size_t atLeast = bytes / model.maxTokenBytes;
    if (atLeast < size_t(model.nCtx)) return;
    throw ApiError(400,
                   "This model's maximum context length is " + std::to_string(model.nCtx) +
                       " tokens. However, your prompt of " + std::to_string(bytes) + " bytes is at least " +
                       std::to_string(atLeast) +
                       " tokens. Shorten the prompt, or restart the server with a larger --ctx.",
                   "invalid_request_error", param, "context_length_exceeded");
}

// Counts the prompt and fits the token budget into what the context has left.
void fitContext(CompletionRequest & req, const ServedModel & model, const char * param) {
    if (!model.tokenizer) return;
    if (req.generate.prompt_ids.empty()) checkPromptBytes(req.prompt.size(), model, param);
    if (req.generate.prompt_ids.empty()) req.generate.prompt_ids = model.tokenizer->tokenize(req.prompt, true, true);
    const auto n = int32_t(req.generate.prompt_ids.size());
    req.promptTokens = n;
    if (n >= model.nCtx)
        throw ApiError(400,
                       "This model's maximum context length is " + std::to_string(model.nCtx) +
                           " tokens. However, your prompt is " + std::to_string(n) +
                           " tokens, which leaves no room for a reply. Shorten the prompt, or restart the "
                           "server with a larger --ctx.",
                       "invalid_request_error", param, "context_length_exceeded");
    const int32_t room = model.nCtx - n;
    req.generate.n_predict = req.generate.n_predict > 0 ? std::min(req.generate.n_predict, room) : room;
}

}  // namespace

nlohmann::json parseJsonBody(const std::string & body) {
    if (body.find('\0') != std::string::npos)
        throw ApiError(400, "The request body holds a NUL byte.", "invalid_request_error", {}, "invalid_json");
    // Before parsing: every later copy, dump or walk of the value recurses per level.
    if (!hearth::json_depth_within(body, kMaxRequestDepth))
        throw ApiError(400, "The request body nests JSON deeper than " + std::to_string(kMaxRequestDepth) + " levels.",
                       "invalid_request_error", {}, "invalid_json");
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded())
        throw ApiError(400, "The request body is not valid JSON.", "invalid_request_error", {}, "invalid_json");
    if (!j.is_object())
        throw ApiError(400, "The request body must be a JSON object, not " + jsonTypeName(j) + ".",
                       "invalid_request_error", {}, "invalid_json");
    return j;
}

CompletionRequest parseChatCompletion(const nlohmann::json & body, const ServedModel & model,
                                      std::string_view rawBody) {
    CompletionRequest req;
    req.kind = CompletionKind_chat;
    checkModel(body, model);
    readCommon(body, req, vocabSize(model));
    const bool logprobs = optBool(body, "logprobs").value_or(false);
    const std::optional<long long> top = optInteger(body, "top_logprobs", 0, kMaxTopLogprobs);
    if (top && !logprobs) throw ApiError::invalid("top_logprobs", "'top_logprobs' needs 'logprobs': true.");
    req.generate.sampling.n_probs = logprobs ? int32_t(top.value_or(0)) : -1;
    ChatInput input = readChatInput(body);
    // Before rendering too (copies of a huge prompt cost seconds): what the
    // user, system and tool messages say reaches the prompt whole in every
    // template (assistant turns may be trimmed, so they are not counted).
    size_t contentBytes = 0;
    for (const nlohmann::json & m : input.messages)
        if (m["role"] != "assistant") contentBytes += m["content"].get_ref<const std::string &>().size();
    checkPromptBytes(contentBytes, model, "messages");
    const nlohmann::json schema = readResponseFormat(body, req.jsonMode);
    if (req.jsonMode) addJsonInstruction(input.messages, schema);

    try {
        req.prompt = model.chatTemplate->apply_json(
            input.messages.dump(), input.tools.is_null() ? "" : input.tools.dump(), true, model.special, {},
            input.templateKwargs.is_null() ? "" : input.templateKwargs.dump());
    } catch (const hearth::Error & e) {
        throw ApiError(400, std::string("The chat template cannot format these messages: ") + e.what(),
                       "invalid_request_error", "messages");
    }
    hearth::strip_template_bos(req.prompt, model.special, model.stripBos);  // as the chat session renders

    req.parser.tool_call_format = input.toolCalls ? model.toolFormat : hearth::ToolCallFormat_none;
    if (input.toolCalls)  // calls to anything else stay text
        for (const nlohmann::json & t : input.tools) req.parser.tool_names.push_back(t["function"]["name"]);
    // gpt-oss writes harmony channels whether or not tools are offered.
    req.parser.harmony = model.toolFormat == hearth::ToolCallFormat_harmony;
    if (input.toolCalls && !input.tools.is_null()) req.parser.tools_json = input.tools.dump();  // types XML arguments
    req.parser.reasoning_open = hearth::prompt_opens_reasoning(req.prompt);
    req.generate.grammar = structuredOutputGrammar(body, input.tools, input.toolRequired, model.toolFormat,
                                                   req.parser.reasoning_open, rawBody);
    req.generate.prompt = req.prompt;
    fitContext(req, model, "messages");
    return req;
}

CompletionRequest parseTextCompletion(const nlohmann::json & body, const ServedModel & model,
                                      std::string_view rawBody) {
    CompletionRequest req;
    req.kind = CompletionKind_text;
    checkModel(body, model);
    readCommon(body, req, vocabSize(model));
    if (optBool(body, "echo").value_or(false)) throw ApiError::invalid("echo", "'echo' is not supported.");
    if (optString(body, "suffix")) throw ApiError::invalid("suffix", "'suffix' is not supported.");
    // The legacy form: how many alternatives to list (0: the chosen token's alone).
    if (const auto n = optInteger(body, "logprobs", 0, kMaxTopLogprobs)) req.generate.sampling.n_probs = int32_t(*n);

    auto it = body.find("prompt");
    if (it == body.end() || it->is_null()) throw ApiError::invalid("prompt", "'prompt' is required.");
    const nlohmann::json * promptField = &*it;  // not a copy: it may be megabytes
    if (promptField->is_array() && promptField->size() == 1 &&
        ((*promptField)[0].is_string() || (*promptField)[0].is_array()))
        promptField = &(*promptField)[0];
    const nlohmann::json & prompt = *promptField;
    if (prompt.is_string()) {
        req.prompt = prompt.get<std::string>();
    } else if (prompt.is_array() && !prompt.empty() &&
               std::all_of(prompt.begin(), prompt.end(),
                           [](const nlohmann::json & t) { return t.is_number_integer(); })) {
        const int32_t nVocab = vocabSize(model);
        for (const nlohmann::json & t : prompt) {
            const long long id = t.get<long long>();
            if (id < 0 || id >= nVocab)
                throw ApiError::invalid("prompt", "'prompt' holds the token id " + std::to_string(id) +
                                                      ", outside the vocabulary of " + std::to_string(nVocab) + ".");
            req.generate.prompt_ids.push_back(int32_t(id));
        }
    } else {
        throw ApiError::invalid("prompt", "'prompt' must be a string or an array of token ids (one prompt only).");
    }
    if (req.prompt.empty() && req.generate.prompt_ids.empty())
        throw ApiError::invalid("prompt", "'prompt' must not be empty.");
    bool jsonMode = false;
    readResponseFormat(body, jsonMode);
    req.parser.tool_call_format = hearth::ToolCallFormat_none;
    req.parser.reasoning_enabled = false;
    req.generate.grammar = structuredOutputGrammar(body, nullptr, false, hearth::ToolCallFormat_none, false, rawBody);
    req.generate.prompt = req.prompt;
    fitContext(req, model, "prompt");
    return req;
}

std::string extractJson(const std::string & content) {
    if (nlohmann::json::accept(content)) return content;
    // Each try parses up to the whole reply: bound the tries, so a long reply
    // full of brackets costs milliseconds, not minutes.
    int tries = 0;
    for (size_t start = content.find_first_of("{["); start != std::string::npos;
         start = content.find_first_of("{[", start + 1)) {
        const char open = content[start];
        const char close = open == '{' ? '}' : ']';
        for (size_t end = content.rfind(close); end != std::string::npos && end > start;
             end = end == 0 ? std::string::npos : content.rfind(close, end - 1)) {
            if (++tries > 64) return {};
            const std::string candidate = content.substr(start, end - start + 1);
            if (nlohmann::json::accept(candidate)) return candidate;
        }
    }
    return {};
}

}  // namespace Hearth::Server
