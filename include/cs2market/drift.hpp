// cs2market: API drift made visible. The decoder tolerates what a provider sends
// beyond its schema — unknown fields, enum values the schema does not list,
// numbers sent as strings, fields the schema says are usually there but were not
// — so that bots keep running. A drift_listener hears of each one, with its JSON
// path; a drift_report accumulates them per provider, operation and path.
//
//   auto drift = std::make_shared<cs2market::drift_report>();
//   opts.drift = drift;                    // client_options: every decoded answer reports here
//   ...
//   for (const auto& e : drift->entries())  // "csboard get_order unknown_field data.items[].sticker"
//       std::cerr << e.provider.name() << ' ' << e.operation << ' ' << to_string(e.kind) << ' ' << e.path << '\n';
//
//   codec_options o = default_codec_options<csboard::Order>();
//   o.drift = &my_listener;                // from_json reports too
//
// With no listener the decoder does nothing more than before: each check sits on
// a path the decoder takes anyway for the tolerated input (an unknown key, an
// unknown enum value, a numeric string), plus one test per object's end.
#ifndef CS2MARKET_DRIFT_HPP
#define CS2MARKET_DRIFT_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/error.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace cs2market {

/// What the decoder tolerated.
enum class drift_kind : std::uint8_t {
    unknown_field,      ///< a key the schema does not have (skipped)
    unknown_enum_value, ///< a value the enum does not list (kept in the open_enum)
    number_as_string,   ///< a number sent as a JSON string (read as the number)
    missing_field,      ///< absent, though the schema says it is usually there (x-cs2market-usually-present)
};

/// "unknown_field", "unknown_enum_value", "number_as_string", "missing_field".
CS2MARKET_DECL std::string_view to_string(drift_kind k) noexcept;

/// One tolerated thing. `path` is the JSON path of the value ("data.items[2].sticker");
/// `value` is what was there: the unknown enum value or the numeric string as
/// sent (at most 64 bytes), empty for fields.
struct drift_event {
    drift_kind kind;
    std::string_view path;
    std::string_view value;
};

/// Hears of every tolerated thing while a value decodes (codec_options::drift).
/// Called on the decoding thread; keep it short.
class drift_listener {
public:
    virtual void on_drift(const drift_event& e) = 0;

protected:
    ~drift_listener() = default;
};

/// Drift accumulated per provider, operation, kind and path, array indices
/// folded ("items[].sticker"), each with a count and the first value seen.
/// Thread-safe: share one between clients (client_options::drift).
class drift_report {
public:
    struct entry {
        provider_id provider;
        std::string operation;
        drift_kind kind{};
        std::string path;   ///< indices folded: "data.list[].status"
        std::string sample; ///< the first value seen (enum values, numeric strings)
        std::uint64_t count = 0;
    };

    drift_report() = default;
    /// `on_new` is called (under the report's lock) the first time an entry appears:
    /// a long-running program can log drift as it happens.
    explicit drift_report(std::function<void(const entry&)> on_new) : on_new_(std::move(on_new)) {}

    /// Records one event of `operation` (an operation name, or a file's, for decodes outside a call).
    CS2MARKET_DECL void add(provider_id provider, std::string_view operation, const drift_event& e);
    /// Every entry, sorted by provider, operation, path and kind.
    CS2MARKET_DECL std::vector<entry> entries() const;
    CS2MARKET_DECL bool empty() const;
    CS2MARKET_DECL void clear();

    /// A listener that records into this report under (provider, operation).
    class binding final : public drift_listener {
    public:
        binding(drift_report& r, provider_id p, std::string_view operation) : r_(r), p_(p), op_(operation) {}
        void on_drift(const drift_event& e) override { r_.add(p_, op_, e); }

    private:
        drift_report& r_;
        provider_id p_;
        std::string_view op_;
    };

private:
    using key = std::tuple<std::string, std::string, std::string, std::uint8_t>; // provider, operation, path, kind
    mutable std::mutex m_;
    std::map<key, entry> entries_;
    std::function<void(const entry&)> on_new_;
};

/// The path with array indices folded: "data.items[3].x" -> "data.items[].x".
CS2MARKET_DECL std::string fold_indices(std::string_view path);

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/drift.ipp>
#endif

#endif
