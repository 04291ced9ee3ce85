// llama.cpp's llama_ftype names, for `general.file_type`. The ids are stored in
// files and never change; 5 and 6 (Q4_2, Q4_3) and 33-35 (Q4_0_N_M repacks)
// were removed from llama.cpp but may still appear in old files.
#include <string>

#include "hearth/gguf.h"

namespace hearth {

namespace {

const char * base_name(uint32_t id) {
    static const char * const kNames[] = {
        "ALL_F32",         "MOSTLY_F16",    "MOSTLY_Q4_0",   "MOSTLY_Q4_1",      "MOSTLY_Q4_1_SOME_F16",
        "MOSTLY_Q4_2",     "MOSTLY_Q4_3",   "MOSTLY_Q8_0",   "MOSTLY_Q5_0",      "MOSTLY_Q5_1",
        "MOSTLY_Q2_K",     "MOSTLY_Q3_K_S", "MOSTLY_Q3_K_M", "MOSTLY_Q3_K_L",    "MOSTLY_Q4_K_S",
        "MOSTLY_Q4_K_M",   "MOSTLY_Q5_K_S", "MOSTLY_Q5_K_M", "MOSTLY_Q6_K",      "MOSTLY_IQ2_XXS",
        "MOSTLY_IQ2_XS",   "MOSTLY_Q2_K_S", "MOSTLY_IQ3_XS", "MOSTLY_IQ3_XXS",   "MOSTLY_IQ1_S",
        "MOSTLY_IQ4_NL",   "MOSTLY_IQ3_S",  "MOSTLY_IQ3_M",  "MOSTLY_IQ2_S",     "MOSTLY_IQ2_M",
        "MOSTLY_IQ4_XS",   "MOSTLY_IQ1_M",  "MOSTLY_BF16",   "MOSTLY_Q4_0_4_4",  "MOSTLY_Q4_0_4_8",
        "MOSTLY_Q4_0_8_8", "MOSTLY_TQ1_0",  "MOSTLY_TQ2_0",  "MOSTLY_MXFP4_MOE",
    };
    return id < sizeof kNames / sizeof kNames[0] ? kNames[id] : nullptr;
}

}  // namespace

const char * gguf_file_type_name(uint32_t file_type) {
    constexpr uint32_t kGuessed = 1024;
    if ((file_type & kGuessed) == 0) return base_name(file_type);
    // Interned so the pointer stays valid; there are fewer than 40 possible names.
    static const struct Guessed {
        std::string names[64];
        Guessed() {
            for (uint32_t i = 0; i < 64; ++i)
                if (const char * b = base_name(i)) names[i] = std::string(b) + " (guessed)";
        }
    } guessed;
    uint32_t id = file_type & ~kGuessed;
    if (id >= 64 || guessed.names[id].empty()) return nullptr;
    return guessed.names[id].c_str();
}

}  // namespace hearth
