// The clean_up_tokenization_spaces pass of llama.cpp's detokenize, for vocabs
// with clean_spaces set (gpt2-style): " ?" " !" " ." " ," lose their space, a
// lone apostrophe between spaces joins its neighbours, and " 's" " 'm" " 're"
// " 've" lose the space before the apostrophe.
#pragma once

#include <string>

namespace hearth {

void clean_up_spaces(std::string & text);

}  // namespace hearth
