// Test helper: the documented examples, tests/data/<provider>/<name>.json (codec
// and item key tests). Needs CS2MARKET_TEST_DATA_DIR (tests/CMakeLists.txt).
#pragma once

#include <cs2market/json.hpp>
#include <cs2market/raw_json.hpp>

#include <boost/describe/class.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#ifndef CS2MARKET_TEST_DATA_DIR
#error "CS2MARKET_TEST_DATA_DIR must name the tests/data directory"
#endif

namespace cs2market::test {

struct fixture_side {
    cs2market::raw_json body;
};
BOOST_DESCRIBE_STRUCT(fixture_side, (), (body))
struct fixture_doc {
    std::optional<fixture_side> request;
    std::optional<fixture_side> response;
};
BOOST_DESCRIBE_STRUCT(fixture_doc, (), (request, response))

/// The body of a fixture's response (or request), exactly as documented (numbers
/// keep their text), compacted: tests/data/<provider>/<name>.json.
inline std::string read_data(const std::string& fixture, const char* part = "response")
{
    const std::string path = std::string(CS2MARKET_TEST_DATA_DIR) + "/" + fixture;
    std::ifstream f(path, std::ios::binary);
    INFO("reading " << path);
    REQUIRE(f.good());
    std::ostringstream ss;
    ss << f.rdbuf();
    auto doc = cs2market::from_json<fixture_doc>(ss.str());
    REQUIRE(doc);
    const auto& side = std::string_view(part) == "request" ? doc->request : doc->response;
    REQUIRE(side);
    REQUIRE(!side->body.text.empty());
    return side->body.text;
}

} // namespace cs2market::test
