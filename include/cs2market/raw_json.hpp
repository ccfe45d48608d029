// cs2market: a JSON value kept as text, for schema parts the docs leave open.
#ifndef CS2MARKET_RAW_JSON_HPP
#define CS2MARKET_RAW_JSON_HPP

#include <string>

namespace cs2market {

/// A JSON value whose shape the schema does not fix (e.g. CS2DT `errorData`).
/// `text` is compact JSON with numbers exactly as received; parse it with any
/// JSON library, or with cs2market::from_json<T> once you know its type.
/// An empty `text` encodes as `null`.
struct raw_json {
    std::string text;
    friend bool operator==(const raw_json&, const raw_json&) = default;
};

} // namespace cs2market

#endif
