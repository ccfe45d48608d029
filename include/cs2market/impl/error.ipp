// cs2market: bodies of error.hpp.
#ifndef CS2MARKET_IMPL_ERROR_IPP
#define CS2MARKET_IMPL_ERROR_IPP

#include <cs2market/error.hpp>

namespace cs2market {

CS2MARKET_DECL std::string error::message() const
{
    if (kind == error_kind::decode || kind == error_kind::invalid_json) {
        std::string m;
        if (!provider.empty()) {
            m += to_string(provider);
            m += ": ";
        }
        if (!json_path.empty()) {
            m += json_path;
            m += ": ";
        }
        m += detail;
        return m;
    }
    std::string m{to_string(provider)};
    m += ": ";
    m += to_string(kind);
    if (http_status != 0) {
        m += ", HTTP ";
        m += std::to_string(http_status);
    }
    if (!provider_code.empty()) {
        m += ", code ";
        m += provider_code;
    }
    if (!detail.empty()) {
        m += ": ";
        m += detail;
    }
    if (retry_after) {
        m += " (retry after ";
        m += std::to_string(retry_after->count());
        m += " s)";
    }
    if (!idempotency_id.empty()) {
        m += " [id ";
        m += idempotency_id;
        m += "]";
    }
    return m;
}

} // namespace cs2market

#endif
