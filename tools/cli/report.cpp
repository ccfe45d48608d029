// cs2market CLI: `orders report --journal J --html FILE`: one self-contained HTML
// page (no script, no font, no request of any kind: a Content-Security-Policy of
// 'none' says so to the browser): orders per phase and provider, where the money
// is per provider now and over time (inline SVG), and every order with its
// transitions, failures and reversals highlighted. Read through the public API
// only: the journal's orders and exposure_of.
#include "cli.hpp"

#include <cs2market/orders/exposure.hpp>
#include <cs2market_registry/providers.hpp>

#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cli {

namespace {

using cs2market::order_phase;

constexpr order_phase all_phases[] = {order_phase::submitted, order_phase::unknown,   order_phase::pending,
                                      order_phase::reserved,  order_phase::delivering, order_phase::delivered,
                                      order_phase::settled,   order_phase::reversed,  order_phase::failed,
                                      order_phase::cancelled};

std::string esc(std::string_view s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string money(const std::optional<cs2market::decimal>& d) { return d ? d->to_string() : "-"; }

/// The orders as they stood at `t`: those created by then, each in the phase its
/// history had reached (what exposure_of reads).
std::vector<cs2market::order> as_of(const std::vector<cs2market::order>& all, cs2market::unix_ms t)
{
    std::vector<cs2market::order> out;
    for (const auto& o : all) {
        if (o.created_at > t)
            continue;
        cs2market::order s = o;
        s.history.clear();
        s.phase = order_phase::submitted;
        for (const auto& c : o.history)
            if (c.at <= t) {
                s.history.push_back(c);
                s.phase = c.to;
            }
        out.push_back(std::move(s));
    }
    return out;
}

struct series {
    std::string name;
    std::vector<double> y;
};

double num(const cs2market::decimal& d) { return std::stod(d.to_string()); }

/// One provider's money over time, as a step chart.
std::string chart(const std::string& provider, const std::vector<cs2market::unix_ms>& times, const std::vector<series>& lines)
{
    const double w = 640, h = 220, left = 56, right = 12, top = 14, bottom = 34;
    double ymax = 0;
    for (const auto& s : lines)
        for (double v : s.y)
            ymax = std::max(ymax, v);
    if (ymax <= 0)
        ymax = 1;
    const double t0 = static_cast<double>(times.front()), t1 = static_cast<double>(std::max(times.back(), times.front() + 1));
    auto x = [&](std::size_t i) { return left + (w - left - right) * (static_cast<double>(times[i]) - t0) / (t1 - t0); };
    auto y = [&](double v) { return top + (h - top - bottom) * (1 - v / ymax); };
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(1);
    os << "<svg class=\"chart\" data-provider=\"" << esc(provider) << "\" viewBox=\"0 0 " << w << ' ' << h
       << "\" role=\"img\" aria-label=\"" << esc(provider) << " money over time\">\n";
    os << "<line class=\"axis\" x1=\"" << left << "\" y1=\"" << y(0) << "\" x2=\"" << w - right << "\" y2=\"" << y(0) << "\"/>"
       << "<line class=\"axis\" x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << y(0) << "\"/>\n";
    std::ostringstream ytop;
    ytop << ymax;
    os << "<text x=\"" << left - 6 << "\" y=\"" << top + 4 << "\" text-anchor=\"end\">" << ytop.str() << "</text>"
       << "<text x=\"" << left - 6 << "\" y=\"" << y(0) + 4 << "\" text-anchor=\"end\">0</text>\n";
    os << "<text x=\"" << left << "\" y=\"" << h - 10 << "\">" << utc_text(times.front()) << "</text>"
       << "<text x=\"" << w - right << "\" y=\"" << h - 10 << "\" text-anchor=\"end\">" << utc_text(times.back()) << "</text>\n";
    for (const auto& s : lines) {
        os << "<polyline class=\"series " << s.name << "\" data-series=\"" << s.name << "\" points=\"";
        for (std::size_t i = 0; i < times.size(); ++i) {
            if (i > 0)
                os << x(i) << ',' << y(s.y[i - 1]) << ' '; // a step: the value holds until the next event
            os << x(i) << ',' << y(s.y[i]) << ' ';
        }
        os << "\"/>\n";
    }
    os << "</svg>";
    return os.str();
}

constexpr std::string_view style = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#57606a;margin:0}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa}td.n,th.n{text-align:right}td.zero{color:#afb8c1}
tr.failed td{background:#ffebe9}tr.reversed td{background:#fff1cc}tr.cancelled td{background:#f6f8fa}
.why{font-weight:600}.transitions{margin:0;padding-left:18px}.transitions time{color:#57606a}
.charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0;border:1px solid #d0d7de;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}svg.chart{width:640px;height:220px}
svg text{font-size:11px;fill:#57606a}.axis{stroke:#8c959f;stroke-width:1}
.series{fill:none;stroke-width:2}.in_flight{stroke:#bf8700}.reversible{stroke:#0969da}.settled{stroke:#1a7f37}.at_risk{stroke:#cf222e}
.key span{display:inline-block;width:12px;height:3px;margin:0 4px 3px 10px;vertical-align:middle}
.key .in_flight{background:#bf8700}.key .reversible{background:#0969da}.key .settled{background:#1a7f37}.key .at_risk{background:#cf222e}
)";

} // namespace

int report(const std::vector<cs2market::order>& all, const std::string& file)
{
    std::vector<cs2market::provider_id> ids;
    boost::mp11::mp_for_each<cs2market::registry::providers>([&](auto p) { ids.push_back(decltype(p)::info.id); });
    const auto now = cs2market::exposure_of(all, ids);
    std::ostringstream os;
    os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
          "<title>cs2market orders</title>\n<style>"
       << style << "</style></head>\n<body>\n<h1>Orders</h1>\n<p class=\"meta\"><span id=\"order-count\">" << all.size()
       << "</span> orders; written " << utc_text(cs2market::now_unix_ms()) << "; times in UTC.</p>\n";

    // Orders per phase and provider.
    os << "<h2>Orders per phase and provider</h2>\n<table id=\"phases\"><thead><tr><th>provider</th>";
    for (auto ph : all_phases)
        os << "<th class=\"n\">" << to_string(ph) << "</th>";
    os << "<th class=\"n\">all</th></tr></thead><tbody>\n";
    for (const auto& e : now) {
        os << "<tr data-provider=\"" << esc(e.provider.name()) << "\"><th>" << esc(e.provider.name()) << "</th>";
        for (auto ph : all_phases) {
            const auto n = std::count_if(all.begin(), all.end(), [&](const auto& o) { return o.provider == e.provider && o.phase == ph; });
            os << "<td class=\"n" << (n ? "" : " zero") << "\" data-phase=\"" << to_string(ph) << "\">" << n << "</td>";
        }
        os << "<td class=\"n\" data-phase=\"all\">" << e.orders << "</td></tr>\n";
    }
    os << "</tbody></table>\n";

    // Where the money is.
    os << "<h2>Where the money is</h2>\n<table id=\"exposure\"><thead><tr><th>provider</th><th class=\"n\">spent</th>"
          "<th class=\"n\">in flight</th><th class=\"n\">reversible</th><th>reversible until</th><th class=\"n\">settled</th>"
          "<th class=\"n\">reversed</th><th class=\"n\">refunded</th>"
       << (has_at_risk<cs2market::provider_exposure> ? "<th class=\"n\">at risk</th>" : "") << "</tr></thead><tbody>\n";
    for (const auto& e : now) {
        os << "<tr data-provider=\"" << esc(e.provider.name()) << "\"><th>" << esc(e.provider.name()) << "</th>";
        for (const auto* d : {&e.spent, &e.in_flight, &e.reversible})
            os << "<td class=\"n\">" << d->to_string() << "</td>";
        os << "<td>" << (e.reversible_until ? utc_text(*e.reversible_until) : "-") << "</td>";
        for (const auto* d : {&e.settled, &e.reversed, &e.refunded})
            os << "<td class=\"n\">" << d->to_string() << "</td>";
        if constexpr (has_at_risk<cs2market::provider_exposure>)
            os << "<td class=\"n\">" << at_risk_of(e).to_string() << "</td>";
        os << "</tr>\n";
    }
    os << "</tbody></table>\n";

    // The same over time: one step chart per provider with orders.
    std::set<cs2market::unix_ms> events;
    for (const auto& o : all) {
        events.insert(o.created_at);
        for (const auto& c : o.history)
            events.insert(c.at);
    }
    if (!events.empty()) {
        std::vector<cs2market::unix_ms> times(events.begin(), events.end());
        std::vector<std::vector<cs2market::provider_exposure>> at;
        for (auto t : times)
            at.push_back(cs2market::exposure_of(as_of(all, t), ids));
        os << "<p class=\"key\">over time:<span class=\"in_flight\"></span>in flight<span class=\"reversible\"></span>reversible"
              "<span class=\"settled\"></span>settled"
           << (has_at_risk<cs2market::provider_exposure> ? "<span class=\"at_risk\"></span>at risk" : "") << "</p>\n<div class=\"charts\">\n";
        for (std::size_t p = 0; p < ids.size(); ++p) {
            if (now[p].orders == 0)
                continue;
            std::vector<series> lines{{"in_flight", {}}, {"reversible", {}}, {"settled", {}}};
            if constexpr (has_at_risk<cs2market::provider_exposure>)
                lines.push_back({"at_risk", {}});
            for (const auto& snap : at) {
                lines[0].y.push_back(num(snap[p].in_flight));
                lines[1].y.push_back(num(snap[p].reversible));
                lines[2].y.push_back(num(snap[p].settled));
                if constexpr (has_at_risk<cs2market::provider_exposure>)
                    lines[3].y.push_back(num(at_risk_of(snap[p])));
            }
            const std::string name(ids[p].name());
            os << "<figure data-provider=\"" << esc(name) << "\"><figcaption>" << esc(name) << "</figcaption>\n"
               << chart(name, times, lines) << "</figure>\n";
        }
        os << "</div>\n";
    }

    // Every order, with its transitions.
    os << "<h2>Orders</h2>\n<table id=\"orders\"><thead><tr><th>provider</th><th>id</th><th>order id</th><th>item</th>"
          "<th class=\"n\">price</th><th>phase</th><th>transitions</th></tr></thead><tbody>\n";
    for (const auto& o : all) {
        const std::string phase(to_string(o.phase));
        os << "<tr class=\"order " << phase << "\" data-provider=\"" << esc(o.provider.name()) << "\" data-id=\"" << esc(o.id)
           << "\" data-phase=\"" << phase << "\"><td>" << esc(o.provider.name()) << "</td><td>" << esc(o.id) << "</td><td>"
           << esc(o.order_id.empty() ? "-" : o.order_id) << "</td><td>" << esc(o.item_name) << "</td><td class=\"n\">"
           << money(o.price) << "</td><td>" << phase;
        std::string why;
        if (o.reversed_by)
            why += "by " + std::string(to_string(*o.reversed_by));
        if (o.failed_by)
            why += std::string(why.empty() ? "" : ", ") + std::string(to_string(*o.failed_by)) + "'s fault";
        if (!o.failure_code.empty())
            why += (why.empty() ? "" : ", ") + o.failure_code;
        if (o.refunded)
            why += std::string(why.empty() ? "" : ", ") + (*o.refunded ? "refunded" : "not refunded");
        if (!why.empty())
            os << "<br><span class=\"why\">" << esc(why) << "</span>";
        os << "</td><td><ol class=\"transitions\">";
        for (const auto& c : o.history)
            os << "<li class=\"transition\">" << to_string(c.from) << " &gt; " << to_string(c.to) << " <time>" << utc_text(c.at)
               << "</time>" << (c.provider_status.empty() ? "" : " [" + esc(c.provider_status) + "]") << "</li>";
        os << "</ol></td></tr>\n";
    }
    os << "</tbody></table>\n</body></html>\n";

    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << os.str();
    out.close();
    if (!out) {
        std::cerr << "error: cannot write " << file << '\n';
        return 1;
    }
    return 0;
}

} // namespace cli
