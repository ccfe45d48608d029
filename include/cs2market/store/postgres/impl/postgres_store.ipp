// cs2market: bodies of postgres_store.hpp.
#ifndef CS2MARKET_STORE_POSTGRES_IMPL_POSTGRES_STORE_IPP
#define CS2MARKET_STORE_POSTGRES_IMPL_POSTGRES_STORE_IPP

#include <cs2market/store/postgres/postgres_store.hpp>

namespace cs2market {

CS2MARKET_DECL result<postgres_store> postgres_store::open(const std::string& conninfo, shared_budget_options budgets,
                                                          postgres_pool_options pool)
{
    postgres_store s;
    auto j = postgres_journal::open(conninfo, {}, pool);
    if (!j)
        return j.error();
    s.journal = std::move(*j);
    auto l = postgres_rate_limiter::open(conninfo, budgets);
    if (!l)
        return l.error();
    s.limiter = std::move(*l);
    return s;
}

} // namespace cs2market

#endif
