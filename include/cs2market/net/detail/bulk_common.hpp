// cs2market internal: the row-independent parts of the bulk readers: the byte
// classes the splitters scan for, callback plumbing, and chunked file reading.
#ifndef CS2MARKET_NET_DETAIL_BULK_COMMON_HPP
#define CS2MARKET_NET_DETAIL_BULK_COMMON_HPP

#include <cs2market/error.hpp>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

namespace cs2market::detail {

inline constexpr std::size_t bulk_read_chunk = std::size_t{64} << 10;

constexpr bool is_json_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Bytes that end a run inside a JSON string: '"' and '\\'.
inline constexpr auto string_stop = [] {
    std::array<bool, 256> t{};
    t['"'] = t['\\'] = true;
    return t;
}();
/// Bytes that matter to the array splitter outside strings.
inline constexpr auto structural = [] {
    std::array<bool, 256> t{};
    for (char c : std::string_view("\"{}[], \t\n\r"))
        t[static_cast<unsigned char>(c)] = true;
    return t;
}();

/// Calls f and maps its return value to "keep going": void means yes.
template <class F, class A>
bool call_continue(F& f, A&& a)
{
    if constexpr (std::is_void_v<std::invoke_result_t<F&, A&&>>) {
        std::invoke(f, std::forward<A>(a));
        return true;
    } else {
        return static_cast<bool>(std::invoke(f, std::forward<A>(a)));
    }
}

template <class Row, class F>
inline constexpr bool takes_result = std::is_invocable_v<std::decay_t<F>&, result<Row>&&>;
template <class Row, class F>
inline constexpr bool takes_row = std::is_invocable_v<std::decay_t<F>&, Row&&>;

/// Reads `path` in 64 KiB chunks; `on_chunk(std::string_view)` returns false to stop.
template <class OnChunk>
result<void> read_file_chunks(const std::filesystem::path& path, OnChunk&& on_chunk)
{
    std::FILE* fp = std::fopen(path.c_str(), "rb");
    if (!fp) {
        int ec = errno;
        error e = make_error(error_kind::invalid_argument, "cannot open " + path.string() + ": " + std::strerror(ec));
        e.system_code = boost::system::error_code(ec, boost::system::generic_category());
        return e;
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(fp, &std::fclose);
    std::setvbuf(fp, nullptr, _IONBF, 0); // we read in large blocks ourselves
    std::unique_ptr<char[]> buf(new char[bulk_read_chunk]);
    for (;;) {
        std::size_t n = std::fread(buf.get(), 1, bulk_read_chunk, fp);
        if (n > 0 && !on_chunk(std::string_view(buf.get(), n)))
            return {};
        if (n < bulk_read_chunk) {
            if (std::ferror(fp)) {
                int ec = errno;
                error e = make_error(error_kind::invalid_argument, "cannot read " + path.string() + ": " + std::strerror(ec));
                e.system_code = boost::system::error_code(ec, boost::system::generic_category());
                return e;
            }
            if (std::feof(fp))
                return {};
        }
    }
}

/// Passes `f` by reference (the reader would otherwise store a copy).
template <class F>
auto by_ref(F& f) noexcept
{
    return std::ref(f);
}

} // namespace cs2market::detail

#endif
