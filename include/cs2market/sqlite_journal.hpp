// cs2market: the order journal in an SQLite file (WAL, durable commits).
// Link cs2market::sqlite (Debian: libsqlite3-dev). Several processes may share
// one file on one machine; fleets on many machines use the PostgreSQL store.
//
//   auto j = cs2market::sqlite_journal::open("orders.db").value();
//   opts.journal = j;   // every buy through this client is journaled first
#ifndef CS2MARKET_SQLITE_JOURNAL_HPP
#define CS2MARKET_SQLITE_JOURNAL_HPP

#include <cs2market/detail/config.hpp>
#include <cs2market/journal.hpp>

#include <memory>
#include <mutex>
#include <string>

struct sqlite3;

namespace cs2market {

class sqlite_journal final : public journal {
public:
    /// Opens (creating it if needed) the journal at `path` and brings its schema
    /// up to date.
    CS2MARKET_DECL static result<std::shared_ptr<sqlite_journal>> open(const std::string& path);
    CS2MARKET_DECL ~sqlite_journal() override;

    CS2MARKET_DECL result<journal_claim> record_intent(const order& o, std::string_view request_json) override;
    CS2MARKET_DECL result<bool> save(const order& o, const phase_change* change) override;
    CS2MARKET_DECL result<std::optional<order>> find(provider_id p, std::string_view id) override;
    CS2MARKET_DECL result<std::optional<order>> find_by_order_id(provider_id p, std::string_view order_id) override;
    CS2MARKET_DECL result<std::vector<order>> load(bool unfinished_only) override;
    CS2MARKET_DECL result<std::vector<order>> claim_unfinished(std::string_view owner, unix_ms now, unix_ms until,
                                                               std::size_t limit) override;
    CS2MARKET_DECL result<std::vector<std::pair<std::string, std::string>>> renew(std::string_view owner, unix_ms until) override;
    CS2MARKET_DECL result<void> release(std::string_view owner) override;

    const std::string& path() const noexcept { return path_; }

private:
    explicit sqlite_journal(std::string path) : path_(std::move(path)) {}
    struct statement;
    CS2MARKET_DECL result<void> exec(std::string_view sql);
    CS2MARKET_DECL result<void> migrate();
    CS2MARKET_DECL error failure(std::string what) const;
    CS2MARKET_DECL result<std::optional<order>> find_locked(std::string_view provider, std::string_view id,
                                                            std::string_view sql);
    CS2MARKET_DECL result<void> load_history(order& o);
    CS2MARKET_DECL result<std::vector<order>> read_orders(statement& st);

    std::string path_;
    sqlite3* db_ = nullptr;
    std::mutex m_;
};

} // namespace cs2market

#ifdef CS2MARKET_HEADER_ONLY
#include <cs2market/impl/sqlite_journal.ipp>
#endif

#endif
