// cs2market: one pager for the three providers' paging schemes
// (CSBoard cursor / next_cursor, CS2DT page numbers, Skinify start_from / has_more).
//
//   cs2market::pager<csboard::ops::list_listings, csboard::client> pages(client, {.max_price = ...});
//   while (true) {
//       auto item = pages.next();        // result<const Listing*>; nullptr after the last item
//       if (!item) { /* item.error() */ break; }
//       if (!*item) break;
//       use(**item);
//   }
//
// The caller's filters stay on every page; only the page position changes.
#ifndef CS2MARKET_PAGINATION_HPP
#define CS2MARKET_PAGINATION_HPP

#include <cs2market/error.hpp>
#include <cs2market/operation.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace cs2market {

enum class page_style : std::uint8_t {
    cursor, ///< send the previous page's cursor; stop when it is null
    page,   ///< page numbers from 1; stop after the last page (or an empty page)
    offset, ///< send the previous page's offset while it says it has more (or, silent, was full)
};

namespace detail {
template <class T>
const T* as_ptr(const T& v) noexcept
{
    return &v;
}
template <class T>
const T* as_ptr(const std::optional<T>& v) noexcept
{
    return v ? &*v : nullptr;
}
template <class T>
T* as_mut(T& v) noexcept
{
    return &v;
}
} // namespace detail

/// Walks every page (and every item) of a paginated operation `Op` through `Client`.
template <class Op, class Client>
class pager {
public:
    using response_type = typename Op::response_type;
    using params_type = typename Op::params;
    using paging = typename Op::pagination;
    using item_list = std::remove_cvref_t<decltype(*paging::items(std::declval<const response_type&>()))>;
    using item_type = typename item_list::value_type;

    pager(Client& client, params_type params) : client_(client), params_(std::move(params))
    {
        if constexpr (paging::style == page_style::page) {
            if (auto* p = paging::position(params_))
                page_no_ = *p;
        }
    }

    /// The next page, or an empty optional after the last one. After an error
    /// the same page is asked for again on the next call.
    result<std::optional<response_type>> next_page()
    {
        if (stuck_) // reported once the page that revealed it was handed over
            return *stuck_;
        if (done_)
            return std::optional<response_type>{};
        if constexpr (paging::style == page_style::page)
            paging::set(params_, page_no_);
        auto r = client_.template call<Op>(params_);
        if (!r)
            return r.error();
        response_type& page = *r;
        const auto* items = paging::items(page);
        if constexpr (paging::style == page_style::cursor) {
            const auto* next = paging::next(page);
            if (!next || next->empty()) {
                done_ = true;
            } else if (last_cursor_ && *last_cursor_ == *next) {
                stuck("cursor did not advance");
            } else {
                last_cursor_ = *next;
                paging::set(params_, *next);
            }
        } else if constexpr (paging::style == page_style::page) {
            const auto* pages = paging::pages(page);
            if (!items || items->empty() || (pages && page_no_ >= *pages))
                done_ = true;
            ++page_no_;
        } else {
            const auto* more = paging::has_more(page);
            const auto* next = paging::next(page);
            // Without has_more (Skinify's get-deposits doc shows none), a full page
            // may not be the last one: follow the offset rather than stop silently.
            const bool full = paging::page_limit != 0 && items && items->size() >= paging::page_limit;
            const bool go_on = more ? *more : full;
            if (!go_on) {
                done_ = true;
            } else if (!next) {
                stuck(more ? "has_more is true but no offset came with it"
                           : "a full page of " + std::to_string(paging::page_limit) +
                                 " items came without has_more or an offset: cannot tell whether more follow");
            } else if (last_offset_ && *last_offset_ == *next) {
                stuck("offset did not advance");
            } else {
                last_offset_ = *next;
                paging::set(params_, *next);
            }
        }
        ++pages_read_;
        return std::optional<response_type>(std::move(page));
    }

    /// The next item across pages, or nullptr after the last one. The pointer
    /// stays valid until the following call.
    result<const item_type*> next()
    {
        while (!page_ || !paging::items(*page_) || index_ >= paging::items(*page_)->size()) {
            auto p = next_page();
            if (!p)
                return p.error();
            if (!*p)
                return static_cast<const item_type*>(nullptr);
            page_ = std::move(**p);
            index_ = 0;
        }
        return &(*paging::items(*page_))[index_++];
    }

    std::size_t pages_read() const noexcept { return pages_read_; }

private:
    // A provider that repeats its cursor would make us loop forever, one that
    // does not say what follows a full page would end the listing early: keep
    // the page just read, then stop with an error.
    void stuck(const std::string& what)
    {
        done_ = true;
        stuck_ = detail::make_error(error_kind::decode, "pagination " + what + "; stopped", Op::provider::info.id);
    }

    Client& client_;
    params_type params_;
    bool done_ = false;
    std::optional<error> stuck_;
    std::int64_t page_no_ = 1;
    std::optional<std::string> last_cursor_;
    std::optional<std::int64_t> last_offset_;
    std::optional<response_type> page_;
    std::size_t index_ = 0;
    std::size_t pages_read_ = 0;
};

/// Calls `f(item)` for every item of every page; returns how many, or the first error.
template <class Op, class Client, class F>
result<std::size_t> for_each_item(Client& client, typename Op::params params, F&& f)
{
    pager<Op, Client> p(client, std::move(params));
    std::size_t n = 0;
    for (;;) {
        auto item = p.next();
        if (!item)
            return item.error();
        if (!*item)
            return n;
        f(**item);
        ++n;
    }
}

} // namespace cs2market

#endif
