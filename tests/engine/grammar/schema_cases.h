// JSON schemas with documents their grammar must accept and must refuse,
// shared by the compiler's tests and the random-walk soundness test.
#pragma once

#include <string>
#include <vector>

namespace grammar_test {

struct SchemaCase {
    std::string name;
    std::string schema;
    std::vector<std::string> accept;
    std::vector<std::string> reject;
};

const std::vector<SchemaCase> & schema_cases();

}  // namespace grammar_test
