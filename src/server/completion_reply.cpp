#include "server/completion_reply.h"

#include <chrono>
#include <random>

#include "server/logprobs_json.h"

namespace Hearth::Server {

namespace {

std::string randomId(const char * prefix) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string id = prefix;
    for (int i = 0; i < 24; ++i) id += digits[rng() % 36];
    return id;
}

std::string sse(const nlohmann::json & data) {
    // error_handler_t::replace: a piece cut inside a UTF-8 sequence never
    // makes dump() throw (the engine releases whole characters anyway).
    return "data: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

nlohmann::json toolCallJson(const hearth::ToolCall & call) {
    return {{"id", call.id}, {"type", "function"}, {"function", {{"name", call.name}, {"arguments", call.arguments}}}};
}

// Tool-call ids unique across requests, as clients key tool results by them:
// "call_<random>_0", "call_<random>_1"... (a model's own ids are kept).
hearth::OutputParserConfig withCallIds(hearth::OutputParserConfig config) {
    config.tool_call_id_prefix = randomId("call_") + "_";
    return config;
}

ApiError engineError(const hearth::GenerateEvent & event) {
    if (event.error_code == hearth::ErrorCode_context)
        return ApiError(400, event.error, "invalid_request_error", "messages", "context_length_exceeded");
    return ApiError(500, event.error, "server_error");
}

}  // namespace

CompletionReply::CompletionReply(const CompletionRequest & request, std::string modelId)
    : m_kind(request.kind),
      m_stream(request.stream),
      m_includeUsage(request.includeUsage),
      m_jsonMode(request.jsonMode),
      m_id(randomId(request.kind == CompletionKind_chat ? "chatcmpl-" : "cmpl-")),
      m_model(std::move(modelId)),
      m_created(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                    .count()),
      m_parser(withCallIds(request.parser)),
      m_logprobs(request.generate.sampling.n_probs >= 0) {}

nlohmann::json CompletionReply::chunk(nlohmann::json choiceFields) const {
    const bool chat = m_kind == CompletionKind_chat;
    nlohmann::json choice = {{"index", 0}, {"logprobs", nullptr}};
    if (choiceFields.is_object()) {
        if (!choiceFields.contains("finish_reason")) choice["finish_reason"] = nullptr;
        choice.update(choiceFields);
    }
    nlohmann::json c = {{"id", m_id},
                        {"object", chat ? "chat.completion.chunk" : "text_completion"},
                        {"created", m_created},
                        {"model", m_model},
                        {"system_fingerprint", "hearth"},
                        {"choices", nlohmann::json::array({choice})}};
    if (m_includeUsage) c["usage"] = nullptr;
    return c;
}

std::string CompletionReply::streamStart() const {
    if (m_kind != CompletionKind_chat) return {};
    return sse(chunk({{"delta", {{"role", "assistant"}, {"content", ""}}}}));
}

nlohmann::json CompletionReply::takePendingLogprobs() {
    if (!m_logprobs || m_pendingLogprobs.empty()) return nullptr;
    nlohmann::json j = m_kind == CompletionKind_chat ? nlohmann::json{{"content", chatLogprobs(m_pendingLogprobs)}}
                                                     : completionLogprobs(m_pendingLogprobs, m_streamTextOffset);
    m_pendingLogprobs.clear();
    return j;
}

std::string CompletionReply::deltaEvents(const hearth::OutputDelta & delta) {
    if (!m_stream) return {};
    std::vector<nlohmann::json> fields;  // one chunk each
    if (m_kind == CompletionKind_text) {
        if (!delta.content.empty()) fields.push_back({{"text", delta.content}});
    } else {
        if (!delta.reasoning.empty()) fields.push_back({{"delta", {{"reasoning_content", delta.reasoning}}}});
        if (!delta.content.empty()) fields.push_back({{"delta", {{"content", delta.content}}}});
        for (const hearth::ToolCall & call : delta.tool_calls) {
            nlohmann::json c = toolCallJson(call);
            c["index"] = m_toolCallsSent++;
            fields.push_back({{"delta", {{"tool_calls", nlohmann::json::array({c})}}}});
        }
    }
    // The tokens behind this text go with its first chunk (or wait for the next).
    if (!fields.empty()) fields.front()["logprobs"] = takePendingLogprobs();
    std::string out;
    for (nlohmann::json & f : fields) out += sse(chunk(std::move(f)));
    return out;
}

void CompletionReply::keepLogprobs(const hearth::GenerateEvent & event) {
    if (!m_logprobs) return;
    m_allLogprobs.insert(m_allLogprobs.end(), event.logprobs.begin(), event.logprobs.end());
    m_pendingLogprobs.insert(m_pendingLogprobs.end(), event.logprobs.begin(), event.logprobs.end());
}

std::string CompletionReply::consume(const hearth::GenerateEvent & event) {
    if (m_finished) return {};
    switch (event.type) {
        case hearth::EventType_piece:
            keepLogprobs(event);
            if (m_kind == CompletionKind_text) {
                m_text += event.text;
                hearth::OutputDelta d;
                d.content = event.text;
                return deltaEvents(d);
            }
            return deltaEvents(m_parser.feed(event.text));
        case hearth::EventType_stats:
            m_stats = event.stats;
            return {};
        case hearth::EventType_done: {
            keepLogprobs(event);
            m_stopReason = event.stop_reason;
            std::string out = m_kind == CompletionKind_chat ? deltaEvents(m_parser.finish()) : std::string();
            m_finished = true;
            return out + finishEvents();
        }
        case hearth::EventType_error:
            m_finished = true;
            m_error = engineError(event);
            return m_stream ? sse(m_error->toJson()) : std::string();
    }
    return {};
}

std::string CompletionReply::finishEvents() {
    if (!m_stream) return {};
    std::string out;
    nlohmann::json last = m_kind == CompletionKind_chat
                              ? nlohmann::json{{"delta", nlohmann::json::object()}, {"finish_reason", finishReason()}}
                              : nlohmann::json{{"text", ""}, {"finish_reason", finishReason()}};
    last["logprobs"] = takePendingLogprobs();
    nlohmann::json c = chunk(std::move(last));
    c["timings"] = timings();
    out += sse(c);
    if (m_includeUsage) {
        nlohmann::json u = chunk(nlohmann::json::object());
        u["choices"] = nlohmann::json::array();
        u["usage"] = usage();
        out += sse(u);
    }
    return out + "data: [DONE]\n\n";
}

std::string CompletionReply::finishReason() const {
    if (m_kind == CompletionKind_chat && !m_parser.result().tool_calls.empty()) return "tool_calls";
    // OpenAI says "length" for a reply cut by max_tokens or by the context.
    return m_stopReason == hearth::StopReason_length || m_stopReason == hearth::StopReason_context_full ? "length"
                                                                                                        : "stop";
}

nlohmann::json CompletionReply::usage() const {
    return {{"prompt_tokens", m_stats.n_prompt},
            {"completion_tokens", m_stats.n_generated},
            {"total_tokens", m_stats.n_prompt + m_stats.n_generated},
            {"prompt_tokens_details", {{"cached_tokens", m_stats.n_reused}}}};
}

nlohmann::json CompletionReply::timings() const {
    return {{"prompt_n", m_stats.n_evaluated},           {"cache_n", m_stats.n_reused},
            {"prompt_per_second", m_stats.prompt_tok_s}, {"predicted_n", m_stats.n_generated},
            {"predicted_per_second", m_stats.gen_tok_s}, {"ttft_ms", m_stats.ttft_ms}};
}

nlohmann::json CompletionReply::body() const {
    const bool chat = m_kind == CompletionKind_chat;
    nlohmann::json choice = {{"index", 0}, {"finish_reason", finishReason()}};
    if (chat) {
        const hearth::ParsedOutput & out = m_parser.result();
        std::string content = out.content;
        if (m_jsonMode) {
            const std::string json = extractJson(content);
            if (!json.empty()) content = json;
        }
        nlohmann::json message = {{"role", "assistant"}};
        message["content"] = content.empty() && !out.tool_calls.empty() ? nlohmann::json() : nlohmann::json(content);
        if (!out.reasoning.empty()) message["reasoning_content"] = out.reasoning;
        if (!out.tool_calls.empty()) {
            message["tool_calls"] = nlohmann::json::array();
            for (const hearth::ToolCall & call : out.tool_calls) message["tool_calls"].push_back(toolCallJson(call));
        }
        choice["message"] = std::move(message);
        choice["logprobs"] = m_logprobs ? nlohmann::json{{"content", chatLogprobs(m_allLogprobs)}, {"refusal", nullptr}}
                                        : nlohmann::json();
    } else {
        choice["text"] = m_text;
        size_t offset = 0;
        choice["logprobs"] = m_logprobs ? completionLogprobs(m_allLogprobs, offset) : nlohmann::json();
    }
    return {{"id", m_id},
            {"object", chat ? "chat.completion" : "text_completion"},
            {"created", m_created},
            {"model", m_model},
            {"system_fingerprint", "hearth"},
            {"choices", nlohmann::json::array({std::move(choice)})},
            {"usage", usage()},
            {"timings", timings()}};
}

}  // namespace Hearth::Server
