// The MCP client's parsers of outside input: bounded JSON, JSON-RPC
// classification, stdio line framing and the SSE stream parser.
#include <QtTest>
#include <nlohmann/json.hpp>

#include "mcp/bounded_json.h"
#include "mcp/json_rpc.h"
#include "mcp/line_reader.h"
#include "mcp/sse_parser.h"

using nlohmann::json;
using namespace Hearth::Mcp;

class TestMcpParsing : public QObject {
    Q_OBJECT
private slots:
    void boundedJsonAcceptsWithinLimits() {
        const BoundedParse p = parseBoundedJson(R"({"a": [1, {"b": [2, 3]}], "s": "x"})", {1024, 4});
        QVERIFY2(p.value.has_value(), p.error.c_str());
        QCOMPARE((*p.value)["a"][1]["b"][1].get<int>(), 3);
    }

    void boundedJsonRefusesDepth() {
        // Exactly at the limit passes; one more level fails, also for 10,000 levels.
        QVERIFY(parseBoundedJson("[[[1]]]", {1024, 3}).value.has_value());
        const BoundedParse p = parseBoundedJson("[[[[1]]]]", {1024, 3});
        QVERIFY(!p.value);
        QVERIFY2(p.error.find("deeper than 3") != std::string::npos, p.error.c_str());
        const std::string deep = std::string(10000, '[') + std::string(10000, ']');
        const BoundedParse d = parseBoundedJson(deep, {1 << 20, 64});
        QVERIFY(!d.value);
        QVERIFY(d.error.find("deeper") != std::string::npos);
        const std::string deepObj = [] {
            std::string s;
            for (int i = 0; i < 5000; ++i) s += "{\"a\":";
            s += "1";
            s += std::string(5000, '}');
            return s;
        }();
        QVERIFY(!parseBoundedJson(deepObj).value);
    }

    void boundedJsonRefusesSizeAndSyntax() {
        const BoundedParse big = parseBoundedJson(std::string(2000, ' ') + "1", {1000, 8});
        QVERIFY(!big.value);
        QVERIFY(big.error.find("over the limit") != std::string::npos);
        const BoundedParse bad = parseBoundedJson(R"({"a": tru})");
        QVERIFY(!bad.value);
        QVERIFY2(bad.error.find("invalid JSON at byte") != std::string::npos, bad.error.c_str());
        QVERIFY(!parseBoundedJson("").value);
        QVERIFY(!parseBoundedJson("{} trailing").value);
    }

    void jsonDepthIsIterative() {
        json v = 1;
        for (int i = 0; i < 100; ++i) v = json::array({v});
        QCOMPARE(jsonDepth(v, 1000), 100);
        QCOMPARE(jsonDepth(v, 10), 10);
        QCOMPARE(jsonDepth(json("x"), 10), 0);
    }

    void classifiesJsonRpc() {
        using K = JsonRpc::MessageKind;
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"})")), K::Request);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","id":"a","method":"ping","params":{}})")),
                 K::Request);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","method":"notifications/progress"})")),
                 K::Notification);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"result":{}})")), K::Response);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}})")),
                 K::Response);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}})")),
                 K::Response);
        // Broken shapes.
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"1.0","id":1,"result":{}})")), K::Invalid);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})")), K::Invalid);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","id":1})")), K::Invalid);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","id":1.5,"method":"x"})")), K::Invalid);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","method":7})")), K::Invalid);
        QCOMPARE(JsonRpc::classify(json::parse(R"({"jsonrpc":"2.0","method":"x","params":3})")), K::Invalid);
        QCOMPARE(JsonRpc::classify(json::parse(R"([{"jsonrpc":"2.0","method":"x"}])")), K::Invalid);
        QCOMPARE(JsonRpc::describeError(json::parse(R"({"code":-32601,"message":"nope"})")),
                 std::string("-32601: nope"));
    }

    void lineReaderFramesAndBounds() {
        LineReader reader(10);
        std::vector<std::string> lines;
        std::vector<size_t> dropped;
        const auto onLine = [&](std::string_view l) { lines.emplace_back(l); };
        const auto onDrop = [&](size_t n) { dropped.push_back(n); };
        reader.feed("ab", onLine, onDrop);
        reader.feed("c\r\nde\n", onLine, onDrop);
        QCOMPARE(lines, (std::vector<std::string>{"abc", "de"}));
        // 10 MB without a newline never buffers more than the limit.
        const std::string chunk(1 << 20, 'x');
        for (int i = 0; i < 10; ++i) {
            reader.feed(chunk, onLine, onDrop);
            QVERIFY(reader.buffered() <= 10);
        }
        reader.feed("tail\nok\n", onLine, onDrop);
        QCOMPARE(dropped.size(), size_t(1));
        QVERIFY(dropped[0] >= size_t(10) << 20);
        QCOMPARE(lines.back(), std::string("ok"));
        // A line exactly at the limit passes.
        reader.feed("0123456789\n", onLine, onDrop);
        QCOMPARE(lines.back(), std::string("0123456789"));
    }

    void sseParsesEventsAcrossChunks() {
        std::vector<SseEvent> events;
        size_t oversize = 0;
        SseParser p(
            1000, [&](const SseEvent & e) { events.push_back(e); }, [&](size_t) { ++oversize; });
        const std::string stream =
            ": keep-alive\r\nevent: message\r\nid: 7\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n"
            "data:no-space\n\nretry: 1500\nevent: endpoint\ndata: /messages?s=1\r\r"
            "data: last without blank line";
        for (char c : stream) p.feed(std::string_view(&c, 1));  // byte by byte: CR LF split across chunks
        p.finish();
        QCOMPARE(events.size(), size_t(3));
        QCOMPARE(events[0].event, std::string("message"));
        QCOMPARE(events[0].data, std::string("{\"a\":\n1}"));
        QCOMPARE(events[0].id, std::string("7"));
        QCOMPARE(events[1].data, std::string("no-space"));
        QCOMPARE(events[1].event, std::string("message"));
        QCOMPARE(events[2].event, std::string("endpoint"));
        QCOMPARE(events[2].data, std::string("/messages?s=1"));
        QCOMPARE(p.retryMs(), 1500L);
        QCOMPARE(p.lastEventId(), std::string("7"));
        QCOMPARE(oversize, size_t(0));
    }

    void sseDropsOversizeEvents() {
        std::vector<SseEvent> events;
        std::vector<size_t> oversize;
        SseParser p(
            64, [&](const SseEvent & e) { events.push_back(e); }, [&](size_t n) { oversize.push_back(n); });
        p.feed("data: " + std::string(1 << 20, 'y') + "\n\n");
        p.feed("data: " + std::string(40, 'a') + "\ndata: " + std::string(40, 'b') + "\n\n");
        p.feed("data: small\n\n");
        QCOMPARE(oversize.size(), size_t(2));
        QCOMPARE(events.size(), size_t(1));
        QCOMPARE(events[0].data, std::string("small"));
    }
};

QTEST_GUILESS_MAIN(TestMcpParsing)
#include "test_mcp_parsing.moc"
