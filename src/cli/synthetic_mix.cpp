#include "synthetic_mix.h"

#include <algorithm>
#include <cctype>

#include "args.h"

namespace Hearth::Cli {

namespace {

using hearth::TensorType;

bool useMoreBits(int64_t i, int64_t n) {
    return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

// llama.cpp's tensor_type_fallback for the types these mixtures use.
TensorType fallback(TensorType t, int64_t nIn) {
    if (nIn % hearth::tensor_type_info(t).block_elems == 0) return t;
    switch (t) {
        case hearth::TensorType_Q4_K:
            return hearth::TensorType_Q5_0;
        case hearth::TensorType_Q5_K:
            return hearth::TensorType_Q5_1;
        case hearth::TensorType_Q6_K:
            return hearth::TensorType_Q8_0;
        case hearth::TensorType_IQ4_XS:
            return hearth::TensorType_IQ4_NL;
        default:
            return t;
    }
}

}  // namespace

SyntheticMix parseSyntheticMix(const std::string & name) {
    std::string n = name;
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (n == "q4_k_m") return SyntheticMix::q4_k_m;
    if (n == "iq4_xs") return SyntheticMix::iq4_xs;
    if (n == "q8_0") return SyntheticMix::q8_0;
    throw UsageError("--mix " + name + ": use q4_k_m, iq4_xs or q8_0");
}

TensorType mixBaseType(SyntheticMix mix) {
    switch (mix) {
        case SyntheticMix::q4_k_m:
            return hearth::TensorType_Q4_K;
        case SyntheticMix::iq4_xs:
            return hearth::TensorType_IQ4_XS;
        default:
            return hearth::TensorType_Q8_0;
    }
}

uint32_t mixFileType(SyntheticMix mix) {
    switch (mix) {
        case SyntheticMix::q4_k_m:
            return 15;  // LLAMA_FTYPE_MOSTLY_Q4_K_M
        case SyntheticMix::iq4_xs:
            return 30;  // LLAMA_FTYPE_MOSTLY_IQ4_XS
        default:
            return 7;  // LLAMA_FTYPE_MOSTLY_Q8_0
    }
}

TensorType mixType(SyntheticMix mix, const MixContext & c, WeightRole role, int64_t layer, int64_t nIn) {
    const TensorType base = mixBaseType(mix);
    if (mix == SyntheticMix::q8_0) return base;
    TensorType t = base;
    switch (role) {
        case WeightRole::output:
        case WeightRole::tokenEmbd:
            if (role == WeightRole::tokenEmbd && !c.tied) break;
            // A row the base type cannot hold goes straight to Q8_0 (not through the fallback).
            return nIn % hearth::tensor_type_info(base).block_elems != 0 ? hearth::TensorType_Q8_0
                                                                         : fallback(hearth::TensorType_Q6_K, nIn);
        case WeightRole::attnV:
            if (mix == SyntheticMix::iq4_xs && c.nGqa >= 4) t = hearth::TensorType_Q5_K;
            if (mix == SyntheticMix::q4_k_m && useMoreBits(layer, c.nLayer)) t = hearth::TensorType_Q6_K;
            break;
        case WeightRole::ffnDown:
            if (mix == SyntheticMix::q4_k_m && useMoreBits(layer, c.nLayer)) t = hearth::TensorType_Q6_K;
            if (mix == SyntheticMix::iq4_xs && layer < c.nLayer / 8) t = hearth::TensorType_Q5_K;
            break;
        default:
            break;
    }
    return fallback(t, nIn);
}

}  // namespace Hearth::Cli
