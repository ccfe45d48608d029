// cs2market internal: the journal's transactions, written once over an
// sql_session (SQLite or PostgreSQL): sqlite_journal and postgres_journal are
// this with their database's session. Statements come from one definition
// (detail/journal_schema.hpp); one connection, used by one call at a time.
#ifndef CS2MARKET_STORE_DETAIL_SQL_JOURNAL_HPP
#define CS2MARKET_STORE_DETAIL_SQL_JOURNAL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/detail/sql_session.hpp>
#include <cs2market/orders/journal.hpp>

#include <memory>
#include <mutex>

namespace cs2market::detail {

class sql_journal : public journal {
public:
    CS2MARKET_DECL ~sql_journal() override;

    CS2MARKET_DECL result<journal_claim> record_intent(const order& o, std::string_view request_json) override;
    CS2MARKET_DECL result<bool> save(const order& o, const phase_change* change) override;
    CS2MARKET_DECL result<void> mark_delivered(provider_id p, std::string_view id, std::uint64_t seq) override;
    CS2MARKET_DECL result<std::optional<order>> find(provider_id p, std::string_view id) override;
    CS2MARKET_DECL result<std::optional<order>> find_by_order_id(provider_id p, std::string_view order_id) override;
    CS2MARKET_DECL result<std::vector<order>> load(bool unfinished_only) override;
    CS2MARKET_DECL result<std::vector<order>> claim_unfinished(std::string_view owner, std::chrono::milliseconds lease,
                                                               std::size_t limit) override;
    CS2MARKET_DECL result<std::vector<std::pair<std::string, std::string>>> renew(std::string_view owner,
                                                                                  std::chrono::milliseconds lease) override;
    CS2MARKET_DECL result<void> release(std::string_view owner) override;
    CS2MARKET_DECL result<unix_ms> now() override;

protected:
    CS2MARKET_DECL sql_journal(std::unique_ptr<sql_session> db, journal_options opts);
    /// Runs `fn` with the session, one call at a time.
    template <class Fn>
    auto with_session(Fn fn) const
    {
        std::lock_guard<std::mutex> lk(m_);
        return fn(*db_);
    }

private:
    CS2MARKET_DECL result<unix_ms> now_locked();
    CS2MARKET_DECL error fail(std::string_view what, const error& why);
    CS2MARKET_DECL result<std::vector<order>> to_orders(const std::vector<sql_row>& rows);
    CS2MARKET_DECL result<std::optional<order>> find_locked(std::string_view provider, std::string_view key, const std::string& sql);
    CS2MARKET_DECL result<std::vector<order>> read(const std::string& sql, std::span<const sql_param> params = {});

    std::unique_ptr<sql_session> db_;
    journal_options opts_;
    mutable std::mutex m_;
};

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/impl/sql_journal.ipp>
#endif

#endif
