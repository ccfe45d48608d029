# Builds and runs the consumer project against cs2market in both ways a downstream
# project would use it, from a clean WORK_DIR:
#   (a) FetchContent from SOURCE_DIR                         (WORK_DIR/fetch)
#   (b) install SOURCE_DIR into WORK_DIR/prefix, then find_package(cs2market CONFIG)  (WORK_DIR/lib, WORK_DIR/find)
# Usage: cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<tmp> [-DCXX_COMPILER=clang++] [-DBUILD_TYPE=Release] -P tests/consumer/run.cmake
# Any failure ends the script with FATAL_ERROR (non-zero exit).
cmake_minimum_required(VERSION 3.20)

if(NOT SOURCE_DIR OR NOT WORK_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<cs2market repo> -DWORK_DIR=<scratch dir> -P run.cmake")
endif()
get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)
get_filename_component(WORK_DIR "${WORK_DIR}" ABSOLUTE)
set(CONSUMER_DIR "${CMAKE_CURRENT_LIST_DIR}")
if(NOT EXISTS "${SOURCE_DIR}/CMakeLists.txt" OR NOT EXISTS "${SOURCE_DIR}/include/cs2market/json.hpp")
  message(FATAL_ERROR "SOURCE_DIR=${SOURCE_DIR} is not a cs2market source tree")
endif()

set(common_args)
find_program(NINJA_PROGRAM ninja)
if(NINJA_PROGRAM)
  list(APPEND common_args -G Ninja)
endif()
if(CXX_COMPILER)
  list(APPEND common_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(BUILD_TYPE)
  list(APPEND common_args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
endif()

# Runs one command; stops everything with its output when it fails.
function(step name)
  message(STATUS "[consumer] ${name}")
  string(TIMESTAMP t0 "%s")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(TIMESTAMP t1 "%s")
  math(EXPR secs "${t1} - ${t0}")
  if(NOT rc EQUAL 0)
    message("${out}")
    message("${err}")
    message(FATAL_ERROR "[consumer] ${name} failed (exit ${rc}): ${ARGN}")
  endif()
  message(STATUS "[consumer] ${name}: ok (${secs} s)")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

function(check_consumer_output mode)
  if(NOT step_output MATCHES "consumer(-models)?: all checks passed")
    message(FATAL_ERROR "[consumer] ${mode}: the program did not report success:\n${step_output}")
  endif()
  message(STATUS "[consumer] ${mode} output:\n${step_output}")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}/fetch" "${WORK_DIR}/lib" "${WORK_DIR}/prefix" "${WORK_DIR}/find")
file(MAKE_DIRECTORY "${WORK_DIR}")

# (a) FetchContent straight from the source tree.
step("fetch: configure" ${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK_DIR}/fetch" ${common_args}
     -DCS2MARKET_CONSUME=fetch "-DCS2MARKET_SOURCE_DIR=${SOURCE_DIR}")
step("fetch: build" ${CMAKE_COMMAND} --build "${WORK_DIR}/fetch" --parallel 2)
if(EXISTS "${WORK_DIR}/fetch/_deps/cs2market-build/tests" OR EXISTS "${WORK_DIR}/fetch/_deps/cs2market-build/examples")
  message(FATAL_ERROR "[consumer] fetch: cs2market built its own tests or examples although it is not the top-level project")
endif()
step("fetch: run" "${WORK_DIR}/fetch/consumer")
check_consumer_output(fetch)
step("fetch: run models-only" "${WORK_DIR}/fetch/consumer_models")
check_consumer_output(fetch)
# The models-only program links neither OpenSSL nor zlib nor threads.
if(NINJA_PROGRAM)
  execute_process(COMMAND ${NINJA_PROGRAM} -C "${WORK_DIR}/fetch" -t commands consumer_models OUTPUT_VARIABLE cmds)
  string(REGEX MATCH "[^\n]*-o consumer_models[^\n]*" link_line "${cmds}")
  if(NOT link_line)
    message(FATAL_ERROR "[consumer] fetch: no link command for consumer_models in:\n${cmds}")
  endif()
  if(link_line MATCHES "ssl|crypto|libz|-lz|pthread")
    message(FATAL_ERROR "[consumer] fetch: consumer_models links more than Boost.JSON:\n${link_line}")
  endif()
  message(STATUS "[consumer] consumer_models link line: ${link_line}")
endif()

# (b) Install, then find_package from the install prefix only.
step("install: configure cs2market" ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/lib" ${common_args}
     -DCS2MARKET_BUILD_TESTS=OFF -DCS2MARKET_BUILD_EXAMPLES=OFF -DCS2MARKET_INSTALL=ON
     "-DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix")
step("install: build cs2market" ${CMAKE_COMMAND} --build "${WORK_DIR}/lib")
step("install: install cs2market" ${CMAKE_COMMAND} --install "${WORK_DIR}/lib" --prefix "${WORK_DIR}/prefix")
file(GLOB_RECURSE config_files "${WORK_DIR}/prefix/*/cs2market-config.cmake")
foreach(f "${WORK_DIR}/prefix/include/cs2market/json.hpp" "${WORK_DIR}/prefix/include/cs2market/csboard/models.hpp"
          "${WORK_DIR}/prefix/include/cs2market/csboard.hpp")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "[consumer] install: ${f} was not installed")
  endif()
endforeach()
# The loopback test servers are a test fixture, not part of the library.
if(EXISTS "${WORK_DIR}/prefix/include/cs2market/testing")
  message(FATAL_ERROR "[consumer] install: the test servers (cs2market/testing) were installed")
endif()
if(NOT config_files)
  message(FATAL_ERROR "[consumer] install: no cs2market-config.cmake under ${WORK_DIR}/prefix")
endif()

step("find: configure" ${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK_DIR}/find" ${common_args}
     -DCS2MARKET_CONSUME=find "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
# It must have found the installed package, not anything else on the machine.
file(STRINGS "${WORK_DIR}/find/CMakeCache.txt" found_dir REGEX "^cs2market_DIR:")
string(FIND "${found_dir}" "${WORK_DIR}/prefix/" at)
if(NOT at GREATER -1)
  message(FATAL_ERROR "[consumer] find: cs2market was not found in ${WORK_DIR}/prefix (${found_dir})")
endif()
step("find: build" ${CMAKE_COMMAND} --build "${WORK_DIR}/find" --parallel 2)
# ... and compiled against the installed headers, not the source tree.
file(READ "${WORK_DIR}/find/compile_commands.json" commands)
string(FIND "${commands}" "${WORK_DIR}/prefix/include" uses_prefix)
string(FIND "${commands}" "${SOURCE_DIR}/include" uses_source)
if(uses_prefix EQUAL -1 OR NOT uses_source EQUAL -1)
  message(FATAL_ERROR "[consumer] find: the consumer was not compiled against ${WORK_DIR}/prefix/include:\n${commands}")
endif()
step("find: run" "${WORK_DIR}/find/consumer")
check_consumer_output(find)
step("find: run models-only" "${WORK_DIR}/find/consumer_models")
check_consumer_output(find)

message(STATUS "[consumer] fetch and find_package consumers built and passed")
