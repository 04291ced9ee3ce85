// libFuzzer target: any bytes as a chat template. Parsing must fail cleanly
// or succeed; a parsed template is rendered with a conversation under small
// limits, and may fail only with hearth::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "hearth/jinja.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    static const char * kContext =
        R"({"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi <b> \u00e9"},)"
        R"( {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "type": "function",)"
        R"( "function": {"name": "f", "arguments": {"x": [1, 2.5, null, true]}}}]},)"
        R"( {"role": "tool", "tool_call_id": "c1", "name": "f", "content": "ok"}],)"
        R"( "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],)"
        R"( "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>"})";
    std::string source(reinterpret_cast<const char *>(data), size);
    hearth::JinjaRenderOptions options;
    options.limits.max_steps = 200000;
    options.limits.max_output_bytes = 1 << 20;
    options.limits.max_call_depth = 50;
    std::tm tm{};
    tm.tm_year = 126;
    tm.tm_mday = 15;
    options.now = tm;
    try {
        hearth::JinjaTemplate t(source, "fuzz");
        (void)t.render(kContext, options);
    } catch (const hearth::Error &) {
    }
    return 0;
}
