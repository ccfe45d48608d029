// cs2market: exactly-once buys. The primary template says "not a buy"; each
// provider's generated operations header specialises it for its buy operations
// from the schema's `x-cs2market-exactly-once` extension:
//
//   template <> struct exactly_once_traits<Op> {
//       static constexpr bool enabled = true;
//       static constexpr bool provider_replays = ...;   // a repeated id gets the original outcome
//       static constexpr std::string_view id_name = ...; // wire name of the id
//       static constexpr std::string_view replayed_header = ...; // response header saying "a replay" ("": none)
//       static std::optional<std::string>& id(typename Op::params&);
//       static constexpr bool has_lookup = ...;
//       // with has_lookup: how a lost buy is found by its id
//       using lookup = <lookup operation>;
//       static typename lookup::params lookup_params(const std::string& id);
//       static std::optional<result<response<typename Op::response_type>>>
//           from_lookup(const typename lookup::response_type&, const std::string& id);
//   };
//
// from_lookup returns nullopt when nothing is recorded under the id (yet), the
// buy's answer when the lookup found it, or an error. The executor (client.hpp)
// gives buys without an id a generated one, resends the ones the provider
// replays, and looks the others up when their answer is lost. from_lookup is
// the provider's hand-written function (in its <p>/orders.hpp) that the
// schema's lookup `answer` names. What a journal needs of a buy comes through
// record_binding (call_recorder.hpp), not through these traits.
#ifndef CS2MARKET_EXACTLY_ONCE_HPP
#define CS2MARKET_EXACTLY_ONCE_HPP

#include <cs2market/error.hpp>
#include <cs2market/response.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cs2market {

/// Primary template: not a buy.
template <class Op>
struct exactly_once_traits {
    static constexpr bool enabled = false;
    static constexpr bool provider_replays = false;
    static constexpr std::string_view replayed_header = {};
    static constexpr bool has_lookup = false;
};

/// The idempotency id an error names (error::idempotency_id), if any.
inline std::optional<std::string> outcome_id(const error& e)
{
    if (e.idempotency_id.empty())
        return std::nullopt;
    return e.idempotency_id;
}

} // namespace cs2market

#endif
