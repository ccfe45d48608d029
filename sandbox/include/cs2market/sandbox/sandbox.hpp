// cs2market::sandbox — the whole sandbox: `cs2market::sandbox::server` and every
// provider's front end. Layout (see sandbox/README.md):
//   server.hpp     the embeddable server: listeners, threads, test hooks
//   router.hpp     dispatch on the generated operations' method + path template
//   market.hpp     shared state: books, orders, clock-driven lifecycles, limits, pushes
//   lifecycle.hpp  clock, outcome rules, stage plans      limits.hpp  rate limits, faults
//   pushes.hpp     callbacks with retries, WebSocket feed  scenario.hpp  scenario files
//   admin.hpp      GET /_sandbox/purchases and /_sandbox/ledger: the sandbox's own records
//   state.hpp, catalogue.hpp, http.hpp                    data, items, request helpers
//   providers/<p>.hpp                                     one front end per provider
#pragma once

#include <cs2market/sandbox/server.hpp>
