// cs2market CLI: what only a person at a terminal sees: a live status line kept
// under the lines a command prints, and where the money is in one line. Nothing
// here runs when stdout is not a terminal, so piped output stays as it was.
#include "cli.hpp"

#include <cs2market/orders/exposure.hpp>
#include <cs2market/time.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <string>

namespace cli {

status_line::status_line(int fd) : on_(::isatty(fd) == 1), fd_(fd), os_(fd == STDERR_FILENO ? std::cerr : std::cout) {}

void status_line::show(std::string text)
{
    if (!on_)
        return;
    winsize ws{};
    std::size_t width = ::ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col : 80;
    if (text.size() >= width) // one row, or the carriage return would not reach its start
        text = text.substr(0, width - 2) + "~";
    text_ = std::move(text);
    redraw();
}

void status_line::clear()
{
    if (on_ && shown_) {
        os_ << "\r\x1b[2K" << std::flush;
        shown_ = false;
    }
}

void status_line::redraw()
{
    if (!on_ || text_.empty())
        return;
    os_ << "\r\x1b[2K\x1b[7m" << text_ << "\x1b[0m" << std::flush; // reverse video: not a line of output
    shown_ = true;
}

std::string byte_size(std::uint64_t n)
{
    if (n < 1024)
        return std::to_string(n) + " B";
    const char* unit[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n) / 1024;
    std::size_t u = 0;
    for (; v >= 1024 && u + 1 < std::size(unit); ++u)
        v /= 1024;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, unit[u]);
    return buf;
}

std::string download_line(std::uint64_t bytes, std::uint64_t total)
{
    std::string s = "received " + byte_size(bytes);
    if (total > 0)
        s += " of " + byte_size(total) + " (" + std::to_string(bytes * 100 / total) + " %)";
    return s;
}

std::string money_line(const std::vector<cs2market::order>& orders)
{
    cs2market::decimal in_flight, reversible, at_risk;
    std::optional<cs2market::unix_ms> until;
    for (const auto& e : cs2market::exposure_of(orders)) {
        in_flight = in_flight + e.in_flight;
        reversible = reversible + e.reversible;
        if (e.reversible_until)
            until = std::max(until.value_or(*e.reversible_until), *e.reversible_until);
        if constexpr (has_at_risk<cs2market::provider_exposure>)
            at_risk = at_risk + at_risk_of(e);
    }
    std::string s = "in flight " + in_flight.to_string() + " · reversible " + reversible.to_string();
    if (until)
        s += " until " + utc_text(*until).substr(0, 16) + "Z";
    if constexpr (has_at_risk<cs2market::provider_exposure>)
        s += " · at risk " + at_risk.to_string();
    return s;
}

std::string phase_counts(const std::vector<cs2market::order>& orders)
{
    std::map<cs2market::order_phase, std::size_t> n;
    for (const auto& o : orders)
        ++n[o.phase];
    std::string s = std::to_string(orders.size()) + (orders.size() == 1 ? " order" : " orders");
    const char* sep = ": ";
    for (const auto& [phase, count] : n) {
        s += sep + std::to_string(count) + " " + std::string(to_string(phase));
        sep = ", ";
    }
    return s;
}

std::string utc_text(cs2market::unix_ms ms)
{
    // Whole seconds, as the core prints times ("2026-07-06T12:00:00Z").
    const auto s = std::chrono::floor<std::chrono::seconds>(std::chrono::milliseconds(ms));
    return cs2market::iso_time(cs2market::sys_nanoseconds(s)).to_string();
}

} // namespace cli
