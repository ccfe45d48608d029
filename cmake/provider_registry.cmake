# The list of providers, from schemas/*.json, for programs that serve or call
# every provider (the CLI, the sandbox, the tests). Written into the build tree
# at configure time, so that a new provider needs no edit outside its schema,
# its include/cs2market/<p>/ folder and its sandbox/providers/<p>.hpp.
#
#   <cs2market_registry/providers.hpp>          cs2market::registry::providers (mp_list of <p>::provider)
#   <cs2market_registry/tracking.hpp>           every provider's order_source (<p>/tracking.hpp)
#   <cs2market_registry/market.hpp>             every provider's quote_source (<p>/market.hpp)
#   <cs2market_registry/help.hpp>               every provider's help tables (<p>/generated/help.hpp)
#   <cs2market_registry/sandbox_providers.hpp>  cs2market::sandbox::registry::frontends (mp_list of <p>_frontend)
file(GLOB cs2market_schema_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/schemas/*.json)
list(SORT cs2market_schema_files)
set(cs2market_provider_names)
foreach(f IN LISTS cs2market_schema_files)
  get_filename_component(n ${f} NAME_WE)
  list(APPEND cs2market_provider_names ${n})
endforeach()

set(_dir ${CMAKE_BINARY_DIR}/cs2market_registry/include/cs2market_registry)
set(_inc "")
set(_types "")
set(_sb_inc "")
set(_sb_types "")
set(_trk "")
set(_mkt "")
set(_help "")
foreach(n IN LISTS cs2market_provider_names)
  string(APPEND _inc "#include <cs2market/${n}.hpp>\n")
  if(EXISTS ${PROJECT_SOURCE_DIR}/include/cs2market/${n}/tracking.hpp)
    string(APPEND _trk "#include <cs2market/${n}/tracking.hpp>\n")
  endif()
  if(EXISTS ${PROJECT_SOURCE_DIR}/include/cs2market/${n}/market.hpp)
    string(APPEND _mkt "#include <cs2market/${n}/market.hpp>\n")
  endif()
  string(APPEND _help "#include <cs2market/${n}/generated/help.hpp>\n")
  list(APPEND _types "::cs2market::${n}::provider")
  string(APPEND _sb_inc "#include <cs2market/sandbox/providers/${n}.hpp>\n")
  list(APPEND _sb_types "::cs2market::sandbox::${n}_frontend")
endforeach()
list(JOIN _types ", " _types)
list(JOIN _sb_types ", " _sb_types)
file(CONFIGURE OUTPUT ${_dir}/providers.hpp CONTENT "// Written by CMake (cmake/provider_registry.cmake) from schemas/*.json.
#ifndef CS2MARKET_REGISTRY_PROVIDERS_HPP
#define CS2MARKET_REGISTRY_PROVIDERS_HPP
${_inc}#include <boost/mp11/list.hpp>
namespace cs2market::registry {
using providers = boost::mp11::mp_list<${_types}>;
}
#endif
")
file(CONFIGURE OUTPUT ${_dir}/tracking.hpp CONTENT "// Written by CMake (cmake/provider_registry.cmake) from schemas/*.json.
#ifndef CS2MARKET_REGISTRY_TRACKING_HPP
#define CS2MARKET_REGISTRY_TRACKING_HPP
#include <cs2market_registry/providers.hpp>
${_trk}#endif
")
file(CONFIGURE OUTPUT ${_dir}/market.hpp CONTENT "// Written by CMake (cmake/provider_registry.cmake) from schemas/*.json.
#ifndef CS2MARKET_REGISTRY_MARKET_HPP
#define CS2MARKET_REGISTRY_MARKET_HPP
#include <cs2market_registry/providers.hpp>
${_mkt}#endif
")
file(CONFIGURE OUTPUT ${_dir}/help.hpp CONTENT "// Written by CMake (cmake/provider_registry.cmake) from schemas/*.json.
#ifndef CS2MARKET_REGISTRY_HELP_HPP
#define CS2MARKET_REGISTRY_HELP_HPP
#include <cs2market_registry/providers.hpp>
${_help}#endif
")
file(CONFIGURE OUTPUT ${_dir}/sandbox_providers.hpp CONTENT "// Written by CMake (cmake/provider_registry.cmake) from schemas/*.json.
#ifndef CS2MARKET_REGISTRY_SANDBOX_PROVIDERS_HPP
#define CS2MARKET_REGISTRY_SANDBOX_PROVIDERS_HPP
${_sb_inc}#include <boost/mp11/list.hpp>
namespace cs2market::sandbox::registry {
using frontends = boost::mp11::mp_list<${_sb_types}>;
}
#endif
")
add_library(cs2market-registry INTERFACE)
target_include_directories(cs2market-registry INTERFACE ${CMAKE_BINARY_DIR}/cs2market_registry/include)

# Opt-in (CS2MARKET_SEPARATE_PROVIDERS, with CS2MARKET_SEPARATE_COMPILATION):
# each provider's client and blocking calls compiled once (<p>/generated/
# instances.hpp), in one TU per provider so that they build in parallel.
# cs2market_compile_providers(<target> [provider...]): every provider when none
# is named. Not used by the engine libraries: CI's build time does not pay for
# three more heavy TUs per library (measured: bench/results/compile_time.md).
set(_src_dir ${CMAKE_BINARY_DIR}/cs2market_registry/src)
foreach(n IN LISTS cs2market_provider_names)
  string(TOUPPER ${n} _up)
  file(CONFIGURE OUTPUT ${_src_dir}/cs2market_${n}_src.cpp CONTENT "// Written by CMake (cmake/provider_registry.cmake).
#define CS2MARKET_${_up}_SOURCE
#include <cs2market/${n}.hpp>
")
endforeach()
function(cs2market_compile_providers target)
  set(names ${ARGN})
  if(NOT names)
    set(names ${cs2market_provider_names})
  endif()
  foreach(n IN LISTS names)
    target_sources(${target} PRIVATE ${CMAKE_BINARY_DIR}/cs2market_registry/src/cs2market_${n}_src.cpp)
  endforeach()
  target_compile_definitions(${target} PUBLIC CS2MARKET_SEPARATE_PROVIDERS)
endfunction()
