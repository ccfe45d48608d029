// cs2market internal: the journal's transactions, written once over an
// sql_session (SQLite or PostgreSQL): sqlite_journal and postgres_journal are
// this with their database's session. Statements come from one definition
// (detail/journal_schema.hpp). Each call takes a session of the store's pool
// for its transaction (detail/session_pool.hpp); with more than one, the
// journal runs async_run_unordered's jobs on as many threads.
#ifndef CS2MARKET_STORE_DETAIL_SQL_JOURNAL_HPP
#define CS2MARKET_STORE_DETAIL_SQL_JOURNAL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/store/detail/session_pool.hpp>
#include <cs2market/store/detail/sql_session.hpp>
#include <cs2market/detail/serial_worker.hpp>
#include <cs2market/orders/journal.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace cs2market::detail {

class sql_journal : public journal {
public:
    CS2MARKET_DECL ~sql_journal() override;

    CS2MARKET_DECL result<intent_record> record_intent(const order& o, std::string_view request_json) override;
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
    /// `sessions`: the store's connections (one for an SQLite file); a call
    /// waits up to `wait` for a free one.
    CS2MARKET_DECL sql_journal(std::vector<std::unique_ptr<sql_session>> sessions, journal_options opts, std::chrono::milliseconds wait);
    CS2MARKET_DECL void post_unordered(journal_job job) override;
    const session_pool& sessions() const noexcept { return pool_; }

private:
    CS2MARKET_DECL result<unix_ms> now_locked(sql_session& db);
    CS2MARKET_DECL error fail(sql_session& db, std::string_view what, const error& why);
    CS2MARKET_DECL result<std::vector<order>> to_orders(sql_session& db, const std::vector<sql_row>& rows);
    CS2MARKET_DECL result<std::optional<order>> find_locked(sql_session& db, std::string_view provider, std::string_view key,
                                                            const std::string& sql);
    CS2MARKET_DECL result<std::vector<order>> read(sql_session& db, const std::string& sql, std::span<const sql_param> params = {});

    session_pool pool_;
    journal_options opts_;
    std::unique_ptr<serial_worker> lanes_; ///< async_run_unordered's threads, one per session (none with one session)
};

} // namespace cs2market::detail

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/store/impl/session_pool.ipp>
#include <cs2market/store/impl/sql_journal.ipp>
#endif

#endif
