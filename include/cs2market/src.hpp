// cs2market: the compiled part, for programs built with CS2MARKET_SEPARATE_COMPILATION.
//
// Define CS2MARKET_SEPARATE_COMPILATION for every translation unit of the program
// (e.g. target_compile_definitions(app PRIVATE CS2MARKET_SEPARATE_COMPILATION)),
// and include this header in exactly one .cpp file:
//
//   // cs2market_src.cpp
//   #include <cs2market/src.hpp>
//
// That TU compiles every non-template body (the impl/*.ipp files: the HTTPS
// engine, the WebSocket client, the codec's and the policies' functions); the
// other TUs see only declarations (see bench/results/compile_time.md). Each
// provider's client and blocking calls are compiled in a TU of their own: one
// per provider, `#define CS2MARKET_<P>_SOURCE` then `#include <cs2market/<p>.hpp>`
// (<p>/generated/instances.hpp).
#ifndef CS2MARKET_SRC_HPP
#define CS2MARKET_SRC_HPP

#ifndef CS2MARKET_SEPARATE_COMPILATION
#error "cs2market/src.hpp is for programs built with CS2MARKET_SEPARATE_COMPILATION defined"
#endif

#if defined(__GNUC__) && !defined(__clang__)
// The coroutine frames hold small lambdas; g++ warns about those for functions
// defined in an included file with external linkage. Harmless here: one TU.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif

// The models, the item key, the codec and the bulk readers (no Beast, Asio or OpenSSL).
#include <cs2market/impl/error.ipp>
#include <cs2market/impl/decimal.ipp>
#include <cs2market/impl/item_key.ipp>
#include <cs2market/market/impl/quote.ipp>
#include <cs2market/market/impl/trade_url.ipp>
#include <cs2market/market/impl/buy_best.ipp>
#include <cs2market/market/impl/market_book.ipp>
#include <cs2market/impl/time.ipp>
#include <cs2market/impl/json_tape.ipp>
#include <cs2market/impl/json.ipp>
#include <cs2market/impl/drift.ipp>
#include <cs2market/net/impl/bulk.ipp>
#include <cs2market/net/impl/replay_guard.ipp>
#include <cs2market/impl/order_phase.ipp>

// The executor, the transport and the WebSocket client.
#include <cs2market/net/impl/policies.ipp>
#include <cs2market/net/impl/rate_limiter.ipp>
#include <cs2market/impl/redact.ipp>
#include <cs2market/net/impl/retry_after.ipp>
#include <cs2market/net/impl/url.ipp>
#include <cs2market/impl/envelope.ipp>
#include <cs2market/net/impl/transport.ipp>
#include <cs2market/net/impl/https_connection.ipp>
#include <cs2market/net/impl/connection_pool.ipp>
#include <cs2market/net/impl/call_engine.ipp>
#include <cs2market/net/impl/websocket.ipp>

// Orders and the journal.
#include <cs2market/orders/impl/order.ipp>
#include <cs2market/impl/serial_worker.ipp>
#include <cs2market/orders/impl/journal.ipp>
#include <cs2market/orders/impl/journaled_buy.ipp>
#include <cs2market/store/impl/journal_schema.ipp>
#include <cs2market/store/impl/session_pool.ipp>
#include <cs2market/store/impl/sql_journal.ipp>
#include <cs2market/orders/impl/order_tracker.ipp>
#include <cs2market/orders/impl/exposure.ipp>
#ifdef CS2MARKET_WITH_SQLITE // set by the cs2market::sqlite target
#include <cs2market/store/sqlite/impl/sqlite_session.ipp>
#include <cs2market/store/sqlite/impl/sqlite_journal.ipp>
#endif
#ifdef CS2MARKET_WITH_POSTGRES // set by the cs2market::postgres target
#include <cs2market/store/postgres/impl/pg_connection.ipp>
#include <cs2market/store/postgres/impl/postgres_journal.ipp>
#include <cs2market/store/postgres/impl/postgres_rate_limiter.ipp>
#include <cs2market/store/postgres/impl/postgres_store.ipp>
#endif

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif
