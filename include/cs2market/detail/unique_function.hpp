// cs2market internal: a move-only std::function (completion handlers are move-only).
#ifndef CS2MARKET_DETAIL_UNIQUE_FUNCTION_HPP
#define CS2MARKET_DETAIL_UNIQUE_FUNCTION_HPP

#include <memory>
#include <type_traits>
#include <utility>

namespace cs2market::detail {

template <class Signature>
class unique_function;

template <class R, class... Args>
class unique_function<R(Args...)> {
public:
    unique_function() = default;
    template <class F>
        requires(!std::is_same_v<std::decay_t<F>, unique_function> && std::is_invocable_r_v<R, F&, Args...>)
    unique_function(F f) : p_(std::make_unique<impl<F>>(std::move(f))) // NOLINT: implicit, like std::function
    {
    }
    R operator()(Args... args) { return p_->call(std::forward<Args>(args)...); }
    explicit operator bool() const noexcept { return p_ != nullptr; }

private:
    struct base {
        virtual ~base() = default;
        virtual R call(Args... args) = 0;
    };
    template <class F>
    struct impl final : base {
        explicit impl(F fn) : f(std::move(fn)) {}
        R call(Args... args) override { return f(std::forward<Args>(args)...); }
        F f;
    };
    std::unique_ptr<base> p_;
};

} // namespace cs2market::detail

#endif
