// cs2market CLI: API drift. `call ... --drift` prints what decoding the answer
// tolerated; `audit FILE...` decodes recorded responses (one body per file, named
// PROVIDER.OPERATION.json) the way a call would, and tables the drift.
#include "cli.hpp"

#include "bulk_rows.hpp"
#include <cs2market/request.hpp>
#include <cs2market_registry/help.hpp>

#include <boost/mp11/algorithm.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace cli {

void print_drift(std::ostream& os, const cs2market::drift_report& r, bool with_header)
{
    const auto entries = r.entries();
    if (!with_header) { // --drift: one line each, on stderr beside the answer
        for (const auto& e : entries) {
            os << "drift: " << e.provider.name() << ' ' << e.operation << ' ' << to_string(e.kind) << ' ' << e.path;
            if (!e.sample.empty())
                os << " \"" << e.sample << '"';
            os << '\n';
        }
        return;
    }
    std::vector<std::array<std::string, 6>> rows{{"provider", "operation", "kind", "path", "value", "count"}};
    for (const auto& e : entries)
        rows.push_back({std::string(e.provider.name()), e.operation, std::string(to_string(e.kind)), e.path, e.sample,
                        std::to_string(e.count)});
    std::array<std::size_t, 6> w{};
    for (const auto& row : rows)
        for (std::size_t i = 0; i < 6; ++i)
            w[i] = std::max(w[i], row[i].size());
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < 6; ++i) {
            line += row[i];
            if (i + 1 < 6)
                line.append(w[i] - row[i].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        os << line << '\n';
    }
}

namespace {

/// Decodes `body` as an answer of Op, reporting drift under Op's name; the error when it does not decode.
template <class P, class Op>
std::string decode_as(const std::string& body, cs2market::drift_report& report)
{
    cs2market::drift_report::binding heard(report, P::info.id, Op::name);
    using H = cs2market::operation_help<Op>;
    if constexpr (std::is_same_v<typename Op::response_type, cs2market::raw_body>) {
        // A bulk file: its rows, decoded one by one as the bulk readers do.
        if constexpr (cli::has_bulk_rows<Op>) {
            cs2market::bulk_options o;
            o.codec = cs2market::default_codec_options<typename H::bulk_row>();
            o.codec->drift = &heard;
            auto n = cli::bulk_rows<Op>(body, o);
            return n ? std::string() : n.error().message();
        } else {
            return "a bulk file the schema does not describe";
        }
    } else {
        cs2market::http_response r;
        r.status = 200;
        r.content_type = "application/json";
        r.body = body;
        auto d = cs2market::decode_response<Op>(r, {}, &heard);
        return d ? std::string() : d.error().message();
    }
}

} // namespace

int audit(const std::vector<std::string_view>& files)
{
    if (files.empty()) {
        std::cerr << "usage: cs2market audit PROVIDER.OPERATION.json ...   (e.g. csboard.get_order.json)\n";
        return 2;
    }
    cs2market::drift_report report;
    int rc = 0;
    std::size_t decoded = 0;
    for (auto file : files) {
        const std::string path(file);
        std::string name = std::filesystem::path(path).filename().string();
        const auto dot = name.find('.');
        const auto ext = name.rfind(".json");
        if (dot == std::string::npos || ext == std::string::npos || ext + 5 != name.size() || ext <= dot + 1) {
            std::cerr << "error: " << path << ": name it PROVIDER.OPERATION.json (e.g. csboard.get_order.json)\n";
            return 2;
        }
        const std::string provider = name.substr(0, dot), operation = name.substr(dot + 1, ext - dot - 1);
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << "error: " << path << ": cannot be read\n";
            rc = 1;
            continue;
        }
        std::ostringstream buf;
        buf << in.rdbuf();
        const std::string body = buf.str();
        bool found_p = false, found_op = false;
        std::string err;
        boost::mp11::mp_for_each<cs2market::registry::providers>([&](auto p) {
            using P = decltype(p);
            if (P::info.name != provider)
                return;
            found_p = true;
            boost::mp11::mp_for_each<typename cs2market::provider_operations<P>::type>([&](auto op) {
                using Op = decltype(op);
                if (!found_op && Op::name == operation) {
                    found_op = true;
                    err = decode_as<P, Op>(body, report);
                }
            });
        });
        if (!found_p || !found_op) {
            std::cerr << "error: " << path << ": no operation " << operation << " of " << provider << " (see `cs2market list`)\n";
            return 2;
        }
        if (!err.empty()) {
            std::cerr << "error: " << path << ": " << err << '\n';
            rc = 1;
        } else {
            ++decoded;
        }
    }
    if (report.empty())
        std::cout << "no drift (" << decoded << " of " << files.size() << " files decoded)\n";
    else
        print_drift(std::cout, report, true);
    return rc;
}

} // namespace cli
