// A downstream program built against cs2market::cs2market (FetchContent or
// find_package): the whole HTTPS stack (Beast, Asio, OpenSSL) compiles and links,
// and a request is built for every provider without sending anything.
#include <cs2market/cs2dt.hpp>
#include <cs2market/csboard.hpp>
#include <cs2market/skinify.hpp>

#include <iostream>
#include <string>
#include <type_traits>

namespace {

int failures = 0;

template <class A, class B>
void expect_eq(const char* what, const A& got, const B& want)
{
    if (got == want)
        return;
    ++failures;
    std::cerr << "MISMATCH " << what << "\n";
}

void check_client_links()
{
    // Construct (never call) a client: the whole HTTPS stack must compile and link.
    cs2market::client_options opts;
    opts.credential = "csb_pub_consumer_test_key";
    opts.base_url = "https://127.0.0.1:9";
    cs2market::csboard::client c(opts);
    expect_eq("client base_url", c.options().base_url, std::string("https://127.0.0.1:9"));
    expect_eq("client has not connected", c.connections_opened(), std::size_t{0});
    static_assert(std::is_same_v<decltype(c.get_order()), cs2market::result<cs2market::csboard::Order>>,
                  "get_order returns result<Order>");
    std::cout << "client: cs2market::csboard::client constructed (no call made)\n";
}

void check_requests()
{
    auto board = cs2market::build_request<cs2market::csboard::ops::get_order>({.id = "ord 1"}, "csb_pub_k");
    expect_eq("csboard target", board ? board->target : std::string(), std::string("/v1/orders/ord%201"));
    auto dt = cs2market::build_request<cs2market::cs2dt::ops::buyer_order_detail>({.outTradeNo = "t-1"}, "APPKEY123");
    expect_eq("cs2dt redacted target", dt ? dt->redacted_target.find("APPKEY123") : std::string::npos, std::string::npos);
    auto sk = cs2market::build_request<cs2market::skinify::ops::withdraw_info>({}, "skinify-token");
    expect_eq("skinify built", bool(sk), true);
}

} // namespace

int main()
{
    check_client_links();
    check_requests();
    if (failures != 0) {
        std::cerr << "consumer: " << failures << " check(s) FAILED\n";
        return 1;
    }
    std::cout << "consumer: all checks passed\n";
    return 0;
}
