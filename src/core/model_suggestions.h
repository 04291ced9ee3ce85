// Curated models to suggest on the Browse tab before any search: small,
// well-known chat models (Qwen3, Llama 3.x) in one recommended quant each.
//
// A pick carries the published shape of the model (layers, widths, heads,
// vocabulary, trained context) and its file size, so its footprint can be
// laid out without fetching its header, and the fit badge comes from the same
// planner (hearth::plan_memory through makePlanRequest / fitBadgeFromPlan) as
// every other badge. Opening a pick lists the repository's real files, whose
// badges then come from their headers.
#pragma once

#include <QList>
#include <QString>

#include "hearth/memory_planner.h"

namespace Hearth {

struct ModelSuggestion {
    QString title;  // "Qwen3 1.7B"
    QString repo;   // "Qwen/Qwen3-1.7B-GGUF"
    QString file;   // the recommended file in it
    QString quant;  // "Q8_0"
    QString blurb;  // one line: what it is good for
    qint64 parameters = 0;
    qint64 sizeBytes = 0;  // the file's size, as published
    hearth::ModelHparams hp;
    bool tiedOutput = false;  // the output reuses token_embd (no output.weight in the file)
};

QList<ModelSuggestion> curatedSuggestions();

// The footprint of a pick: its layers share the file's bytes left after the
// token embedding and the output (each n_vocab x n_embd at the file's mean
// bytes per weight). A tied output is in the file once, but the planner counts
// it as output too (offloading it copies the embedding to the GPU).
hearth::ModelFootprint suggestionFootprint(const ModelSuggestion & s);

}  // namespace Hearth
