// cs2market: the vocabulary of the generated help tables (<cs2market/<p>/generated/help.hpp>):
// what a person reads about an operation, from its schema. The operation types
// themselves (operation.hpp) carry only what calling needs; these strings live
// apart so that a program that only calls or decodes never compiles them.
#ifndef CS2MARKET_OPERATION_HELP_HPP
#define CS2MARKET_OPERATION_HELP_HPP

#include <cs2market/operation.hpp>

#include <span>
#include <string_view>

namespace cs2market {

/// One value of a schema enum.
struct enum_value_help {
    std::string_view name;        ///< integer enums: the enumerator's name, also read as the value; string enums: empty
    std::string_view value;       ///< the wire value, as text
    std::string_view description; ///< x-enum-descriptions, or empty
};

/// One thing an operation takes: a parameter, or a property of its request body.
struct field_help {
    std::string_view name; ///< wire name
    param_in in;
    std::string_view type; ///< "string", "decimal", "array of string", "Wear (enum)", "MarketBuyItem", ...
    bool required;
    bool settable; ///< a scalar or a list of scalars: given as name=value (otherwise within body='{...}')
    std::span<const enum_value_help> values; ///< the enum's values, when its type is one
    std::string_view default_value;          ///< JSON text of the schema's default, or empty
    std::string_view description;
};

/// A key and its value, as text.
struct help_pair {
    std::string_view key;
    std::string_view value;
};

/// A documented error: its code and description, and every other fact the schema
/// gives about it (status, fault, outcome, means, ...) in the schema's order.
struct error_help {
    std::string_view code;
    std::string_view description;
    std::span<const help_pair> facts;
};

/// A documented rate limit bucket.
struct bucket_help {
    std::string_view name;
    unsigned requests;
    long long window_ms;
    std::string_view description;
};

/// A buy's idempotency id (x-cs2market-exactly-once); `id` empty for other operations.
struct exactly_once_help {
    std::string_view id;
    bool replays = false;
    std::string_view lookup;       ///< the operation that finds a buy by its id, or empty
    std::string_view lookup_param; ///< its parameter that takes the id
};

/// A bulk file (x-cs2market-bulk): rows streamed rather than one document.
struct bulk_help {
    bool is_bulk = false;
    bool ndjson = false; ///< one row per line; otherwise one JSON array
    bool gzip = false;
    bool via_link = false; ///< the operation answers with a link to the file
};

/// Help of an operation; each provider's generated help.hpp specialises it:
/// description, response, fields, errors, rate_buckets, exactly_once, bulk (and
/// bulk_row, the row type, for bulk operations).
template <class Op>
struct operation_help;

/// Help of a provider: title, description, buckets.
template <class Provider>
struct provider_help;

} // namespace cs2market

#endif
