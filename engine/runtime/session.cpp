#include "hearth/session.h"

#include <algorithm>
#include <chrono>

#include "hearth/grammar_filter.h"
#include "runtime/prompt_lookup.h"
#include "runtime/stop_filter.h"

namespace hearth {

namespace {
using Clock = Session::Clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}
}  // namespace

const char * stop_reason_name(StopReason reason) {
    switch (reason) {
        case StopReason_eog:
            return "eog";
        case StopReason_stop_string:
            return "stop";
        case StopReason_length:
            return "length";
        case StopReason_cancelled:
            return "cancelled";
        case StopReason_context_full:
            return "context_full";
    }
    return "?";
}

struct Session::Run {
    const GenerateRequest & req;
    const EventCallback & on_event;
    const std::atomic<bool> * cancel;
    Sampler sampler;
    StopFilter stops;
    Utf8StreamDecoder utf8;
    GenerationStats stats;
    Clock::time_point start = Clock::now();
    std::vector<TokenLogprob> logprobs;  // not yet handed to an event

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }

    bool emit_text(std::string text, int32_t token) {
        if (text.empty()) return true;
        GenerateEvent e;
        e.type = EventType_piece;
        e.text = std::move(text);
        e.token = token;
        e.logprobs = std::move(logprobs);
        logprobs.clear();
        return on_event(e);
    }

    void finish(StopReason reason) {
        GenerateEvent s;
        s.type = EventType_stats;
        s.stats = stats;
        on_event(s);
        GenerateEvent d;
        d.type = EventType_done;
        d.stop_reason = reason;
        d.stats = stats;
        d.logprobs = std::move(logprobs);
        on_event(d);
    }

    void fail(ErrorCode code, const std::string & message) {
        GenerateEvent e;
        e.type = EventType_error;
        e.error_code = code;
        e.error = message;
        e.stats = stats;
        on_event(e);
    }
};

Session::Session(std::shared_ptr<const Model> model, int32_t n_threads, std::shared_ptr<const Tokenizer> tokenizer)
    : m_model(std::move(model)), m_tokenizer(std::move(tokenizer)) {
    if (!m_tokenizer) m_tokenizer = std::make_shared<const Tokenizer>(Tokenizer::from_gguf(m_model->gguf()));
    m_eval = std::make_unique<Evaluator>(m_model, n_threads);
}

Session::~Session() = default;

const std::shared_ptr<const TokenTrie> & Session::token_trie() {
    if (!m_token_trie) m_token_trie = TokenTrie::build(*m_tokenizer);
    return m_token_trie;
}

void Session::clear() {
    m_tokens.clear();
    m_eval->truncate(0);
}

// Evaluates the part of `prompt` the cache does not already hold. At least the
// last prompt token is always evaluated, since its logits start generation.
bool Session::prepare_prompt(Run & run, const std::vector<int32_t> & prompt) {
    size_t common = 0;
    while (common < m_tokens.size() && common < prompt.size() && m_tokens[common] == prompt[common]) ++common;
    common = std::min(common, prompt.size() - 1);
    // A model whose state cannot roll back to `common` keeps less (see Evaluator::truncate).
    common = size_t(m_eval->truncate(int32_t(common)));
    m_tokens.resize(common);
    run.stats.n_prompt = int32_t(prompt.size());
    run.stats.n_reused = int32_t(common);
    run.stats.n_evaluated = int32_t(prompt.size() - common);

    const auto t0 = Clock::now();
    const bool done = m_eval->eval(prompt.data() + common, int32_t(prompt.size() - common), nullptr, run.cancel);
    m_tokens.assign(prompt.begin(), prompt.begin() + m_eval->n_past());
    if (done) m_eval->checkpoint();
    const double dt = seconds_since(t0);
    run.stats.prompt_tok_s = dt > 0 ? run.stats.n_evaluated / dt : 0.0;
    return done;
}

// What taking a sampled token decided.
enum class Session::Taken {
    evaluate,  // the token continues the reply: its logits are needed
    skip,      // n_predict is reached: the loop finishes without evaluating it
    ended,     // finish() was called
};

// Accepts, records and emits `tok`; ends the reply at an end-of-generation
// token, a stop string, a complete grammar document, or a cancelled event.
Session::Taken Session::take_token(Run & run, int32_t tok, Clock::time_point t0) {
    if (run.stats.n_generated == 0) run.stats.ttft_ms = seconds_since(run.start) * 1000.0;
    run.sampler.accept(tok);
    ++run.stats.n_generated;
    if (run.req.sampling.n_probs >= 0 && !m_tokenizer->vocab().is_eog(tok)) record_logprob(run, tok);
    const double dt = seconds_since(t0);
    run.stats.gen_tok_s = dt > 0 ? run.stats.n_generated / dt : 0.0;
    if (m_tokenizer->vocab().is_eog(tok)) {
        run.emit_text(run.stops.flush() + run.utf8.flush(), tok);
        run.finish(StopReason_eog);
        return Taken::ended;
    }
    bool stopped = false;
    std::string text = run.stops.push(run.utf8.push(m_tokenizer->token_to_piece(tok)), stopped);
    if (!run.emit_text(std::move(text), tok)) {
        run.finish(StopReason_cancelled);
        return Taken::ended;
    }
    if (stopped) {
        run.finish(StopReason_stop_string);
        return Taken::ended;
    }
    if (run.sampler.grammar_done()) {  // the document is complete: nothing may follow
        run.emit_text(run.stops.flush() + run.utf8.flush(), -1);
        run.finish(StopReason_eog);
        return Taken::ended;
    }
    const int32_t n_predict = run.req.n_predict;
    return n_predict >= 0 && run.stats.n_generated >= n_predict ? Taken::skip : Taken::evaluate;
}

int32_t Session::draft_limit(const Run & run) const {
    if (run.req.n_draft <= 0 || !m_eval->rewinds_exactly()) return 0;
    return std::min(run.req.n_draft, 32);
}

// Sample, take, evaluate, one token at a time; with drafting, the token just
// sampled goes to the evaluator with the tokens prompt lookup expects next,
// as one batch whose every row of logits is kept. Causal attention makes the
// logits after a drafted token exactly those plain decoding would compute
// once the same tokens were chosen, so the sampler keeps sampling from those
// rows for as long as it picks the drafted tokens; at the first other pick,
// the cache drops the drafts left over and that pick is evaluated.
void Session::run_generation(Run & run) {
    const auto t0 = Clock::now();
    const int32_t n_predict = run.req.n_predict;
    const size_t n_vocab = size_t(m_eval->n_vocab());
    const int32_t max_draft = draft_limit(run);
    std::vector<float> rows;     // [1 + draft][n_vocab]: logits after the batch's tokens
    std::vector<int32_t> draft;  // evaluated ahead; draft[next] is the one awaited
    size_t next = 0;
    int32_t base = 0;  // the cache position of draft[0]
    // However the reply ends, the cache keeps what plain decoding's would:
    // the drafts not yet chosen go (and so does the last token taken, which
    // ended the reply and which plain decoding never evaluates).
    struct DropLeftovers {
        Session & s;
        const std::vector<int32_t> & draft;
        const size_t & next;
        const int32_t & base;
        ~DropLeftovers() {
            if (next >= draft.size()) return;
            s.m_eval->truncate(base + int32_t(next));
            s.m_tokens.resize(size_t(base) + next);
        }
    } drop_leftovers{*this, draft, next, base};
    const float * logits = m_eval->last_logits();
    for (;;) {
        if (n_predict >= 0 && run.stats.n_generated >= n_predict) {
            run.emit_text(run.stops.flush() + run.utf8.flush(), -1);
            return run.finish(StopReason_length);
        }
        if (run.cancelled()) return run.finish(StopReason_cancelled);
        // Tokens this reply may still take: the budget a grammar closes its document in.
        const int32_t accepted_past = next < draft.size() ? base + int32_t(next) : m_eval->n_past();
        int32_t budget = m_eval->n_ctx() - accepted_past + 1;
        if (n_predict >= 0) budget = std::min(budget, n_predict - run.stats.n_generated);
        run.sampler.set_budget(budget);
        const int32_t tok = run.sampler.sample(logits);
        const Taken taken = take_token(run, tok, t0);
        if (taken == Taken::ended) return;
        if (next < draft.size()) {
            // Evaluated already (its logits are the next row), unless the reply
            // ends with it at n_predict, where plain decoding never evaluates it.
            if (tok == draft[next] && taken == Taken::evaluate) {
                ++next;
                ++run.stats.n_draft_accepted;
                logits = rows.data() + next * n_vocab;
                continue;
            }
            m_eval->truncate(base + int32_t(next));  // exact: drafting needs rewinds_exactly()
            m_tokens.resize(size_t(base) + next);
            draft.clear();
            next = 0;
        }
        if (taken == Taken::skip) continue;         // no need to evaluate it
        if (m_eval->n_past() >= m_eval->n_ctx()) {  // no room to evaluate `tok`: the reply ends here
            run.emit_text(run.stops.flush() + run.utf8.flush(), -1);
            return run.finish(StopReason_context_full);
        }
        int32_t room = std::min(max_draft, m_eval->n_ctx() - m_eval->n_past() - 1);
        if (n_predict >= 0) room = std::min(room, n_predict - run.stats.n_generated);
        if (room > 0) {
            m_tokens.push_back(tok);
            draft = prompt_lookup_draft(m_tokens, room);
            m_tokens.pop_back();
        }
        if (draft.empty()) {
            m_eval->eval(&tok, 1);
            m_tokens.push_back(tok);
            logits = m_eval->last_logits();
            continue;
        }
        std::vector<int32_t> batch = {tok};
        batch.insert(batch.end(), draft.begin(), draft.end());
        rows.resize(batch.size() * n_vocab);
        base = m_eval->n_past() + 1;
        m_eval->eval(batch.data(), int32_t(batch.size()), rows.data());
        m_tokens.insert(m_tokens.end(), batch.begin(), batch.end());
        run.stats.n_drafted += int32_t(draft.size());
        next = 0;
        logits = rows.data();
    }
}

void Session::record_logprob(Run & run, int32_t token) const {
    const SampledProbs & p = run.sampler.last_probs();
    TokenLogprob t;
    t.token = token;
    t.piece = m_tokenizer->token_to_piece(token);
    t.logprob = p.chosen.logprob;
    for (const TokenProb & alt : p.top) t.top.push_back({alt.id, m_tokenizer->token_to_piece(alt.id), alt.logprob});
    run.logprobs.push_back(std::move(t));
}

void Session::generate(const GenerateRequest & request, const EventCallback & on_event,
                       const std::atomic<bool> * cancel) {
    Run run{request, on_event, cancel, Sampler(request.sampling, m_eval->n_vocab()), StopFilter(request.stop), {}, {}};
    try {
        std::vector<int32_t> prompt = request.prompt_ids;
        if (prompt.empty()) prompt = m_tokenizer->tokenize(request.prompt, true, true);
        if (prompt.empty()) return run.fail(ErrorCode_invalid_argument, "the prompt is empty");
        if (int64_t(prompt.size()) > m_eval->n_ctx())
            return run.fail(ErrorCode_context, "the prompt of " + std::to_string(prompt.size()) +
                                                   " tokens does not fit the context of " +
                                                   std::to_string(m_eval->n_ctx()) + " tokens");
        for (int32_t id : prompt)
            if (id < 0 || id >= m_eval->n_vocab())
                return run.fail(ErrorCode_invalid_argument, "token id " + std::to_string(id) +
                                                                " is out of range (vocabulary of " +
                                                                std::to_string(m_eval->n_vocab()) + ")");
        if (!prepare_prompt(run, prompt)) return run.finish(StopReason_cancelled);
        for (int32_t id : prompt) run.sampler.accept(id);
        if (request.grammar)
            run.sampler.set_grammar(std::make_unique<GrammarTokenFilter>(request.grammar, token_trie()));
        run_generation(run);
    } catch (const Error & e) {
        run.fail(e.code(), e.what());
    } catch (const std::exception & e) {
        run.fail(ErrorCode_invalid_argument, e.what());
    }
}

}  // namespace hearth
