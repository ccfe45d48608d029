// The buy job (buy_job.hpp) with blocking calls: each call returns its
// result<T> when the answer is in. The client runs its own private io_context.
#include "buy_job.hpp"

int main(int argc, char** argv)
{
    namespace csboard = cs2market::csboard;
    csboard::client board(example::options(argc, argv));

    auto page = board.list_listings(example::cheapest()); // result<csboard::ListingsPage>
    if (!page)
        return example::fail("list_listings", page.error());
    const csboard::Listing* listing = example::pick(*page);
    if (!listing)
        return example::fail("list_listings", "nothing deliverable under the price");
    example::print_found(*listing);

    auto buy = example::buy(*listing, "example-blocking");
    auto bought = board.market_buy(buy);
    if (!bought)
        return example::fail("market_buy", bought.error()); // outcome_unknown: look it up by custom_id first
    example::print_bought(buy, *bought);
}
