// decimal tests: parsing, printing, exact arithmetic and overflow, locale
// independence. Only <cs2market/decimal.hpp>: no codec, no Beast.
// Catch2 v2; main() is in catch_main.cpp.
#include <cs2market/decimal.hpp>

#include <catch2/catch.hpp>

#include <clocale>
#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using cs2market::decimal;

decimal dec(std::string_view s) { return decimal::from_string(s); }

} // namespace

TEST_CASE("decimal parses JSON number syntax and prints the shortest plain form", "[decimal]")
{
    struct tc {
        const char* in;
        const char* out;
        std::int64_t units;
        unsigned scale;
    };
    const tc cases[] = {
        {"14.37", "14.37", 1437, 2},
        {"-0.5", "-0.5", -5, 1},
        {"30", "30", 30, 0},
        {"30.00", "30", 30, 0},
        {"3.01E1", "30.1", 301, 1},
        {"3.01e+1", "30.1", 301, 1},
        {"0.000001", "0.000001", 1, 6},
        {"1e-6", "0.000001", 1, 6},
        {"0", "0", 0, 0},
        {"-0", "0", 0, 0},
        {"0.0", "0", 0, 0},
        {"1e2", "100", 100, 0},
        {"1E18", "1000000000000000000", 1000000000000000000LL, 0},
        {"0.000000000000000001", "0.000000000000000001", 1, 18},
        {"10e-19", "0.000000000000000001", 1, 18},
        {"123456789012345678", "123456789012345678", 123456789012345678LL, 0},
        {"0.123456789012345678", "0.123456789012345678", 123456789012345678LL, 18},
        {"-999999999999999999", "-999999999999999999", -999999999999999999LL, 0},
        {"2.50000000000000000000000000", "2.5", 25, 1},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        auto d = decimal::parse(c.in);
        REQUIRE(d.has_value());
        CHECK(d->to_string() == c.out);
        CHECK(d->units() == c.units);
        CHECK(d->scale() == c.scale);
        CHECK(decimal::parse(d->to_string()) == d); // printing is exact
    }
    for (const char* s : {"1e-19", "0.0000000000000000001", "12345678901234567890", "99999999999999999999", "1e19", "1e400",
                          "01", "00", "+1", "-", "", " 1", "1 ", "1.", ".5", "1e", "1e+", "0x10", "1,5", "NaN", "inf",
                          "1.2.3", "--1", "1e1.5", "١"}) {
        INFO("'" << s << "'");
        CHECK_FALSE(decimal::parse(s).has_value());
    }
    CHECK_THROWS_AS(decimal::from_string("01"), std::invalid_argument);
    CHECK_THROWS_AS(decimal::from_units(1, 19), std::out_of_range);
    CHECK(decimal::from_units(14370, 3) == dec("14.37")); // normalized
    CHECK(decimal::from_units(14370, 3).scale() == 2u);
    CHECK(decimal::from_units(0, 7) == decimal{});
    std::ostringstream os;
    os << dec("-12.05");
    CHECK(os.str() == "-12.05");
}

TEST_CASE("decimal keeps every value whose digits fit 64 bits, and refuses the rest", "[decimal]")
{
    for (const char* s : {"1234567890123456789", "1.234567890123456789", "-9223372036854775807", "9223372036854775807",
                          "1E18", "0.000000000000000001"}) {
        INFO(s);
        auto d = decimal::parse(s);
        REQUIRE(d.has_value());
        CHECK(decimal::parse(d->to_string()) == d); // what it prints, it reads back
    }
    for (const char* s : {"9223372036854775808", "-9223372036854775808", "12345678901234567891", "1.2345678901234567891",
                          "0.0000000000000000001", "1E19"}) {
        INFO(s);
        CHECK_FALSE(decimal::parse(s).has_value());
    }
}

TEST_CASE("decimal arithmetic is exact and overflow is reported", "[decimal]")
{
    CHECK(dec("0.1") + dec("0.2") == dec("0.3"));
    CHECK_FALSE(0.1 + 0.2 == 0.3); // what the decimal protects against
    CHECK((dec("0.1") + dec("0.2")).to_string() == "0.3");
    CHECK(dec("14.37") + dec("12.10") == dec("26.47"));
    CHECK(dec("26.47") - dec("14.37") == dec("12.1"));
    CHECK(dec("1") - dec("1.000000000000000001") == dec("-0.000000000000000001"));
    CHECK(-dec("2.5") == dec("-2.5"));
    decimal sum;
    for (int i = 0; i < 1000; ++i)
        sum += dec("0.01");
    CHECK(sum == dec("10"));
    CHECK(sum.to_string() == "10");
    sum -= dec("0.005");
    CHECK(sum == dec("9.995"));
    CHECK(decimal::checked_mul(dec("14.37"), 3) == std::optional<decimal>{dec("43.11")});

    SECTION("ordering across scales")
    {
        CHECK(dec("0.30") == dec("0.3"));
        CHECK(dec("1.5") > dec("1.25"));
        CHECK(dec("-1") < dec("0"));
        CHECK(dec("-0.000000000000000001") < dec("0"));
        CHECK(dec("100") > dec("99.999999999999999"));
        CHECK((dec("2") <=> dec("2.000")) == std::strong_ordering::equal);
    }
    SECTION("overflow")
    {
        const decimal max = decimal::from_units(std::numeric_limits<std::int64_t>::max(), 0);
        CHECK_THROWS_AS(max + dec("1"), std::overflow_error);
        CHECK_FALSE(decimal::checked_add(max, dec("1")).has_value());
        CHECK_THROWS_AS(-max - dec("1"), std::overflow_error);
        CHECK_FALSE(decimal::checked_sub(-max, dec("1")).has_value());
        CHECK_FALSE(decimal::checked_mul(max, 2).has_value());
        // Aligning scales can overflow even when the magnitudes look small.
        CHECK_FALSE(decimal::checked_add(dec("9000000000000000000"), dec("0.1")).has_value());
        CHECK_THROWS_AS(dec("9000000000000000000") + dec("0.1"), std::overflow_error);
        // The largest values still add exactly.
        CHECK(decimal::checked_add(dec("999999999999999998"), dec("1")) == std::optional<decimal>{dec("999999999999999999")});
        decimal acc = max;
        CHECK_THROWS_AS(acc += dec("0.5"), std::overflow_error);
        CHECK(acc == max); // unchanged after the throw
    }
    SECTION("to_double")
    {
        CHECK(dec("14.37").to_double() == 14.37);
        CHECK(dec("-0.5").to_double() == -0.5);
        CHECK(dec("0").to_double() == 0.0);
        CHECK(dec("0.000001").to_double() == 1e-6);
        CHECK(dec("123456789012345678").to_double() == 123456789012345678.0);
    }
}

TEST_CASE("decimal::to_double does not depend on the C locale", "[decimal][locale]")
{
    // decimal::to_double() goes through std::strtod, which reads the decimal separator of
    // the global C locale: after setlocale(LC_ALL, "de_DE.UTF-8") it returns 14 for 14.37.
    const std::string saved = std::setlocale(LC_NUMERIC, nullptr);
    const char* comma_locale = nullptr;
    for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8", "de_DE", "fr_FR"}) {
        if (std::setlocale(LC_NUMERIC, name) && std::string_view(std::localeconv()->decimal_point) == ",") {
            comma_locale = name;
            break;
        }
    }
    if (!comma_locale) {
        std::setlocale(LC_NUMERIC, saved.c_str());
        WARN("no locale with a decimal comma is installed here; nothing to check");
        return;
    }
    INFO("LC_NUMERIC=" << comma_locale);
    const double got = dec("14.37").to_double();
    const double half = dec("-0.5").to_double();
    std::setlocale(LC_NUMERIC, saved.c_str());
    CHECK(got == 14.37);
    CHECK(half == -0.5);
}

TEST_CASE("decimal: the most negative int64 unit count does not overflow in arithmetic", "[decimal][ubsan]")
{
    // INT64_MIN is refused up front: its negation (unary minus, checked_sub) would be
    // signed overflow. The smallest accepted value negates and subtracts safely.
    CHECK_THROWS_AS(decimal::from_units(std::numeric_limits<std::int64_t>::min(), 0), std::out_of_range);
    const decimal min = decimal::from_units(std::numeric_limits<std::int64_t>::min() + 1, 0);
    CHECK(min.to_string() == "-9223372036854775807");
    CHECK((-min).to_string() == "9223372036854775807");
    REQUIRE(decimal::checked_sub(decimal{}, min).has_value());
    CHECK(decimal::checked_sub(decimal{}, min)->to_string() == "9223372036854775807");
    CHECK_FALSE(decimal::checked_add(min, dec("-1")).has_value());
    CHECK_FALSE(decimal::checked_sub(min, dec("1")).has_value());
}
