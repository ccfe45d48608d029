// cs2market: drift_report's bodies.
#ifndef CS2MARKET_IMPL_DRIFT_IPP
#define CS2MARKET_IMPL_DRIFT_IPP

#include <cs2market/drift.hpp>

namespace cs2market {

std::string_view to_string(drift_kind k) noexcept
{
    switch (k) {
    case drift_kind::unknown_field: return "unknown_field";
    case drift_kind::unknown_enum_value: return "unknown_enum_value";
    case drift_kind::number_as_string: return "number_as_string";
    case drift_kind::missing_field: return "missing_field";
    }
    return "unknown_field";
}

std::string fold_indices(std::string_view path)
{
    std::string out;
    out.reserve(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
        out += path[i];
        if (path[i] == '[') {
            std::size_t j = i + 1;
            while (j < path.size() && path[j] >= '0' && path[j] <= '9')
                ++j;
            if (j < path.size() && path[j] == ']' && j > i + 1)
                i = j - 1; // the digits go, the ']' is copied next
        }
    }
    return out;
}

void drift_report::add(provider_id provider, std::string_view operation, const drift_event& e)
{
    std::string path = fold_indices(e.path);
    key k{std::string(provider.name()), std::string(operation), path, static_cast<std::uint8_t>(e.kind)};
    std::lock_guard lk(m_);
    auto [it, fresh] = entries_.try_emplace(std::move(k));
    entry& en = it->second;
    if (fresh) {
        en.provider = provider;
        en.operation = std::string(operation);
        en.kind = e.kind;
        en.path = std::move(path);
        en.sample = std::string(e.value.substr(0, 64));
    }
    ++en.count;
    if (fresh && on_new_)
        on_new_(en);
}

std::vector<drift_report::entry> drift_report::entries() const
{
    std::lock_guard lk(m_);
    std::vector<entry> out;
    out.reserve(entries_.size());
    for (const auto& kv : entries_)
        out.push_back(kv.second);
    return out;
}

bool drift_report::empty() const
{
    std::lock_guard lk(m_);
    return entries_.empty();
}

void drift_report::clear()
{
    std::lock_guard lk(m_);
    entries_.clear();
}

} // namespace cs2market

#endif
