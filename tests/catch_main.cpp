// The one main() of the Catch2 v2 test executables (test files must not define CATCH_CONFIG_MAIN).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
