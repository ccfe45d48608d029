// Fuzz target: every response type of every provider, through the codec and
// through the provider's envelope (decode_response).
//
// Input: "<provider>/<operation>[ <HTTP status>]\n<body>" (seeds: tests/data);
// a first line naming no operation picks one by its hash.
// Properties: nothing crashes; a decoded value re-encodes into JSON that
// decodes again and re-encodes to the same text; no error shows the key.
#include <cs2market/cs2dt/generated/operations.hpp>
#include <cs2market/csboard/generated/operations.hpp>
#include <cs2market/request.hpp>
#include <cs2market/skinify/generated/operations.hpp>

#include "fuzz_support.hpp"

#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

constexpr std::string_view key = "FzKey_9Q4pL7vX2mN8wR";

template <class T>
void round_trip(const T& v)
{
    const std::string once = cs2market::to_json(v);
    auto again = cs2market::from_json<T>(once);
    fuzz::check(static_cast<bool>(again), "re-encoded JSON does not decode",
                once + "\n" + (again ? std::string() : again.error().message()));
    fuzz::check(cs2market::to_json(*again) == once, "decode(encode(x)) re-encodes differently", once + "\n" + cs2market::to_json(*again));
}

template <class Op>
void run(std::string_view body, unsigned status)
{
    using T = typename Op::response_type;
    if constexpr (!std::is_same_v<T, cs2market::raw_body>) {
        if (auto v = cs2market::from_json<T>(body))
            round_trip(*v);
    }
    // The body with every "@K@" replaced by the key: a server echoing it.
    std::string echoed(body);
    for (std::size_t p = 0; (p = echoed.find("@K@", p)) != std::string::npos; p += key.size())
        echoed.replace(p, 3, key);
    cs2market::http_response r;
    r.status = status;
    r.body = echoed;
    r.content_type = "application/json";
    auto d = cs2market::decode_response<Op>(r, key);
    if (!d) {
        fuzz::check_no_secret(d.error(), key);
    } else if constexpr (!std::is_same_v<T, cs2market::raw_body>) {
        round_trip(d->value);
    }
}

struct entry {
    std::string name; // "provider/operation"
    void (*fn)(std::string_view, unsigned);
};

template <class P>
void add(std::vector<entry>& out, std::string_view provider)
{
    boost::mp11::mp_for_each<typename cs2market::provider_operations<P>::type>([&](auto op) {
        using Op = decltype(op);
        out.push_back({std::string(provider) + "/" + std::string(Op::name), &run<Op>});
    });
}

const std::vector<entry>& table()
{
    static const std::vector<entry> t = [] {
        std::vector<entry> v;
        add<cs2market::cs2dt::provider>(v, "cs2dt");
        add<cs2market::csboard::provider>(v, "csboard");
        add<cs2market::skinify::provider>(v, "skinify");
        return v;
    }();
    return t;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto nl = in.find('\n');
    std::string_view head = in.substr(0, nl == std::string_view::npos ? 0 : nl);
    const std::string_view body = nl == std::string_view::npos ? in : in.substr(nl + 1);
    unsigned status = 200;
    if (auto sp = head.find(' '); sp != std::string_view::npos) {
        std::from_chars(head.data() + sp + 1, head.data() + head.size(), status);
        head = head.substr(0, sp);
    }
    const auto& t = table();
    const entry* e = nullptr;
    for (const auto& x : t)
        if (x.name == head)
            e = &x;
    if (!e)
        e = &t[std::hash<std::string_view>{}(head) % t.size()];
    e->fn(body, status % 1000);
    return 0;
}
