// cs2market CLI: `call`, generic over every generated operation of
// every provider with a schema (no per-operation code).
#include "cli.hpp"

#include "bulk_rows.hpp"

#include <cs2market_registry/providers.hpp> // every provider with a schema

#include <unistd.h>

#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using providers = cs2market::registry::providers;
template <class P>
using ops_of = cs2market::provider_operations<P>;

/// Sets body member `key` of B from text; false when B has no such key.
template <class B>
bool set_body_field(B& body, std::string_view key, std::string_view text, std::string& err, std::set<std::string>& set_keys)
{
    using tbl = cs2market::detail::struct_table<B>;
    int m = tbl::find(key);
    if (m < 0)
        return false;
    boost::mp11::mp_with_index<tbl::size>(static_cast<std::size_t>(m), [&](auto I) {
        using D = boost::mp11::mp_at_c<typename tbl::members, I>;
        using M = std::remove_cvref_t<decltype(body.*D::pointer)>;
        if constexpr (cs2market::detail::has_text_form<M>()) {
            if (!cs2market::detail::value_from_text(text, body.*D::pointer))
                err = std::string(key) + ": cannot read \"" + std::string(text) + "\"";
        } else {
            err = std::string(key) + ": nested value; pass the whole body as body='{...}'";
        }
    });
    set_keys.insert(std::string(key));
    return true;
}

template <class Op>
int run_call(const cli::call_args& a)
{
    using P = typename Op::params;
    P params{};
    std::set<std::string> given, body_keys;
    bool whole_body = false;
    std::string err;
    for (const auto& kv : a.params) {
        const std::string& name = kv.first; // (clang 14 cannot capture structured bindings)
        const std::string& value = kv.second;
        bool found = false;
        cs2market::detail::for_each_param<Op>([&](auto slot) {
            using S = decltype(slot);
            using M = typename S::value_type;
            auto& member = params.*S::member::pointer;
            constexpr const cs2market::param_info& info = S::info;
            if (found || !err.empty())
                return;
            if constexpr (info.in == cs2market::param_in::body) {
                if (name == "body") {
                    found = whole_body = true;
                    auto r = cs2market::from_json<M>(value);
                    if (r)
                        member = std::move(*r);
                    else
                        err = "body: " + r.error().message();
                } else {
                    using B = std::remove_cvref_t<decltype(*std::declval<std::optional<M>&>())>;
                    if constexpr (cs2market::detail::described_struct<B>) {
                        found = set_body_field(member, name, value, err, body_keys);
                    }
                }
            } else if (name == info.name) {
                found = true;
                if (!cs2market::detail::value_from_text(value, member))
                    err = name + ": cannot read \"" + value + "\"";
                given.insert(name);
            }
        });
        if (!err.empty()) {
            std::cerr << "error: " << err << "\n";
            return 2;
        }
        if (!found) {
            std::cerr << "error: " << Op::name << " has no parameter '" << name << "'; it takes:";
            cs2market::detail::for_each_param<Op>([&](auto slot) {
                using S = decltype(slot);
                constexpr const cs2market::param_info& info = S::info;
                if constexpr (info.in == cs2market::param_in::body) {
                    using M = typename S::value_type;
                    if constexpr (cs2market::detail::described_struct<M>)
                        for (auto k : cs2market::detail::struct_table<M>::keys)
                            std::cerr << " " << k;
                    std::cerr << " body";
                } else {
                    std::cerr << " " << info.name;
                }
            });
            std::cerr << "\n";
            return 2;
        }
    }
    // Required parameters (and required body fields) must be given: a default
    // value must never be sent in their place.
    std::vector<std::string> missing;
    cs2market::detail::for_each_param<Op>([&](auto slot) {
        using S = decltype(slot);
        constexpr const cs2market::param_info& info = S::info;
        if constexpr (info.in == cs2market::param_in::body) {
            using M = typename S::value_type;
            if constexpr (cs2market::detail::described_struct<M>) {
                using tbl = cs2market::detail::struct_table<M>;
                if (!whole_body)
                    for (std::size_t k = 0; k < tbl::size; ++k)
                        if (tbl::required[k] && !body_keys.count(std::string(tbl::keys[k])))
                            missing.emplace_back(tbl::keys[k]);
            }
        } else if (info.required && !given.count(std::string(info.name))) {
            missing.emplace_back(info.name);
        }
    });
    if (!missing.empty()) {
        std::cerr << "error: " << Op::name << " needs:";
        for (auto& m : missing)
            std::cerr << " " << m;
        std::cerr << "\n";
        return 2;
    }
    // A bulk download on a terminal: its bytes as they arrive, on stderr (stdout is the file).
    auto options = a.options;
    cli::status_line progress(STDERR_FILENO);
    constexpr bool bulk = std::is_same_v<typename Op::response_type, cs2market::raw_body>;
    if (bulk && progress.enabled())
        options.hook = [&progress, user = options.hook](const cs2market::call_event& e) {
            if (user)
                user(e);
            if (e.kind == cs2market::call_event::type::body_progress)
                progress.show(cli::download_line(e.bytes, e.total));
        };
    cs2market::basic_client<typename Op::provider> client(options);
    auto r = client.template call<Op>(params);
    progress.clear();
    if (a.options.drift) // --drift: what the decoder tolerated, before the outcome
        cli::print_drift(std::cerr, *a.options.drift, false);
    if (!r) {
        std::cerr << "error: " << r.error().message() << "\n";
        return 1;
    }
    if constexpr (std::is_same_v<typename Op::response_type, cs2market::raw_body>) {
        // Bulk files go out as received (e.g. gzip bytes); the ETag goes to stderr.
        if (!r->etag.empty())
            std::cerr << "etag: " << r->etag << "\n";
        if (r->not_modified)
            std::cerr << "not modified\n";
        // The rows too, decoded as the bulk readers would: a person sees what came and whether it reads.
        if constexpr (cli::has_bulk_rows<Op>)
            if (progress.enabled() && !r->not_modified) {
                auto rows = cli::bulk_rows<Op>(r->bytes, {});
                std::cerr << "received " << cli::byte_size(r->bytes.size()) << ", "
                          << (rows ? std::to_string(*rows) + " rows" : "rows unreadable: " + rows.error().message()) << "\n";
            }
        std::cout.write(r->bytes.data(), static_cast<std::streamsize>(r->bytes.size()));
    } else {
        std::cout << cs2market::to_json(*r) << "\n";
    }
    return 0;
}

} // namespace

namespace cli {

int call(const call_args& a)
{
    int rc = -1;
    bool provider_found = false;
    boost::mp11::mp_for_each<providers>([&](auto p) {
        using P = decltype(p);
        if (P::info.name != a.provider)
            return;
        provider_found = true;
        boost::mp11::mp_for_each<typename ops_of<P>::type>([&](auto op) {
            using Op = decltype(op);
            if (rc == -1 && Op::name == a.operation)
                rc = run_call<Op>(a);
        });
    });
    if (!provider_found) {
        std::cerr << "error: unknown provider '" << a.provider << "' (";
        const char* sep = "";
        boost::mp11::mp_for_each<providers>([&](auto p) {
            std::cerr << sep << decltype(p)::info.name;
            sep = ", ";
        });
        std::cerr << ")\n";
        return 2;
    }
    if (rc == -1) {
        std::cerr << "error: " << a.provider << " has no operation '" << a.operation << "' (see `cs2market list`)\n";
        return 2;
    }
    return rc;
}

} // namespace cli
