#include "tokenizer/clean_spaces.h"

namespace hearth {

// Each pass rewrites the buffer in place, reading ahead of where it writes, the
// way llama.cpp does; the index arithmetic is kept identical so that corner
// cases (overlapping patterns) come out the same.
namespace {

size_t pass_punctuation(std::string & t, size_t n) {
    size_t total = n ? 1 : 0;
    for (size_t i = 1; i < n; ++i) {
        const char x = t[i];
        if (t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) --total;
        t[total++] = x;
    }
    return total;
}

size_t pass_lone_apostrophe(std::string & t, size_t n) {
    size_t total = n ? 1 : 0;
    for (size_t i = 1; i < n; ++i) {
        const char x = t[i];
        if (x == '\'' && i + 1 < n && t[i - 1] == ' ' && t[i + 1] == ' ') {
            --total;        // the space before
            t[++i] = '\0';  // and skip the one after
        }
        t[total++] = x;
    }
    return total;
}

size_t pass_contractions(std::string & t, size_t n) {
    size_t total = n ? 1 : 0;
    for (size_t i = 1; i < n; ++i) {
        const char x = t[i];
        if (t[i - 1] == ' ' && x == '\'' && i + 1 < n) {
            const char x1 = t[i + 1];
            if (x1 == 's' || x1 == 'm') {
                --total;
            } else if (x1 != 't' && x1 != 'd' && i + 2 < n) {
                const char x2 = t[i + 2];
                if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) --total;
            }
        }
        t[total++] = x;
    }
    return total;
}

}  // namespace

void clean_up_spaces(std::string & text) {
    size_t n = pass_punctuation(text, text.size());
    n = pass_lone_apostrophe(text, n);
    n = pass_contractions(text, n);
    text.resize(n);
}

}  // namespace hearth
