// Test helper: temporary files, directories and SQLite databases, named in one
// place: unique per process (and per call), in the system's temp directory.
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include <unistd.h>

namespace cs2market::test {

/// A path in the temp directory no other test (in this or another process) uses:
/// cs2market-<pid>-<n>-<name> (the name last: a file keeps its extension).
inline std::filesystem::path temp_path(std::string_view name)
{
    static std::atomic<int> seq{0};
    return std::filesystem::temp_directory_path() /
           ("cs2market-" + std::to_string(::getpid()) + "-" + std::to_string(seq++) + "-" + std::string(name));
}

/// The path of a fresh SQLite database (nothing there yet: no file, WAL or
/// shared memory). Left behind for a look after a failure; the names repeat
/// only within one process.
inline std::string temp_db(std::string_view name)
{
    auto p = std::filesystem::temp_directory_path() / ("cs2market-" + std::string(name) + "-" + std::to_string(::getpid()) + ".db");
    for (auto ext : {"", "-wal", "-shm"})
        std::filesystem::remove(p.string() + ext);
    return p.string();
}

/// A fresh directory, removed with everything in it at scope exit.
struct temp_dir {
    std::filesystem::path path;
    explicit temp_dir(std::string_view name = "test") : path(temp_path(name))
    {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~temp_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
};

/// A file holding `content`, removed at scope exit; its name ends in `name`.
struct temp_file {
    std::filesystem::path path;
    temp_file(std::string_view content, std::string_view name) : path(temp_path(name))
    {
        std::ofstream f(path, std::ios::binary);
        f.write(content.data(), static_cast<std::streamsize>(content.size()));
        REQUIRE(f.good());
    }
    ~temp_file()
    {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
};

} // namespace cs2market::test
