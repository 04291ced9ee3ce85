// Built-in tools made for the agent-loop tests: one that fails, one that
// throws, and one that takes its time (polling its cancel flag, or not).
#pragma once

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "tools/builtin_tool.h"
#include "tools/tool_result.h"

class FailingTool : public Hearth::Tools::BuiltinTool {
public:
    std::string name() const override { return "broken"; }
    std::string description() const override { return "Always fails."; }
    nlohmann::json inputSchema() const override { return {{"type", "object"}}; }
    nlohmann::json call(const nlohmann::json &, const Hearth::Tools::ToolCallContext &) const override {
        return Hearth::Tools::errorResult("disk on fire");
    }
};

class ThrowingTool : public Hearth::Tools::BuiltinTool {
public:
    std::string name() const override { return "throws"; }
    std::string description() const override { return "Throws."; }
    nlohmann::json inputSchema() const override { return {{"type", "object"}}; }
    nlohmann::json call(const nlohmann::json &, const Hearth::Tools::ToolCallContext &) const override {
        throw std::runtime_error("unexpected state");
    }
};

// Sleeps `ms` (argument) in 10 ms steps; stops early when cancelled unless `stubborn`.
class SleepTool : public Hearth::Tools::BuiltinTool {
public:
    explicit SleepTool(bool stubborn = false) : m_stubborn(stubborn) {}
    std::string name() const override { return m_stubborn ? "stubborn_sleep" : "sleep"; }
    std::string description() const override { return "Sleeps."; }
    nlohmann::json inputSchema() const override {
        return {{"type", "object"}, {"properties", {{"ms", {{"type", "integer"}}}}}};
    }
    nlohmann::json call(const nlohmann::json & args, const Hearth::Tools::ToolCallContext & context) const override {
        const int ms = args.value("ms", 1000);
        ++started;
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        while (std::chrono::steady_clock::now() < end) {
            if (!m_stubborn && context.cancelled && context.cancelled()) {
                ++sawCancel;
                return Hearth::Tools::errorResult("cancelled");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return Hearth::Tools::textResult("slept " + std::to_string(ms) + " ms");
    }
    mutable std::atomic<int> started{0};
    mutable std::atomic<int> sawCancel{0};

private:
    bool m_stubborn;
};
