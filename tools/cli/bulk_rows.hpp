// cs2market CLI: a bulk file's rows decoded one by one, as the library's bulk
// readers do (`audit` checks them; `call` counts them for the terminal).
#ifndef CS2MARKET_TOOLS_CLI_BULK_ROWS_HPP
#define CS2MARKET_TOOLS_CLI_BULK_ROWS_HPP

#include <cs2market/net/bulk.hpp>
#include <cs2market/operation_help.hpp>
#include <cs2market_registry/help.hpp> // each operation's operation_help

#include <cstddef>
#include <string_view>

namespace cli {

/// Whether Op answers with a bulk file whose rows the schema describes.
template <class Op>
constexpr bool has_bulk_rows = cs2market::operation_help<Op>::bulk.is_bulk && !cs2market::operation_help<Op>::bulk.via_link;

/// The number of rows of `body` (NDJSON, gunzipped when gzip, or a JSON array), or
/// the first row's error. `o.codec` empty: the row type's default codec options.
template <class Op>
    requires has_bulk_rows<Op>
cs2market::result<std::size_t> bulk_rows(std::string_view body, cs2market::bulk_options o)
{
    using H = cs2market::operation_help<Op>;
    using Row = typename H::bulk_row;
    if (!o.codec)
        o.codec = cs2market::default_codec_options<Row>();
    if (H::bulk.ndjson)
        return cs2market::decode_ndjson<Row>(body, [](Row&&) {}, o);
    std::size_t rows = 0;
    cs2market::json_array_reader<Row> rd([&](Row&&) { ++rows; }, o);
    if (auto r = rd.feed(body); !r)
        return r.error();
    if (auto r = rd.finish(); !r)
        return r.error();
    return rows;
}

} // namespace cli

#endif
