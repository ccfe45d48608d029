// Names every heap allocation of a measured span by its call stack, for the
// benchmarks' allocation breakdowns (issue 20: "every remaining allocation is
// named"). A bench's operator new calls alloc_sites::note() while
// alloc_sites::recording is set on the allocating thread; report() prints the
// stacks by count, symbolised with addr2line (names of the executable's own
// functions; inlined frames too when the binary has debug info).
//
// Recording allocates nothing: a fixed table, filled on the one recording thread.
#pragma once

#include <dlfcn.h>
#include <execinfo.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace cs2market::bench::alloc_sites {

inline constexpr int depth = 28;
inline constexpr std::size_t table_size = 4096;

struct site {
    std::uint64_t hash = 0;
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
    int frames = 0;
    void* pcs[depth]{};
};

inline site table[table_size];
inline std::uint64_t dropped = 0;
inline thread_local bool recording = false;
inline thread_local bool inside = false;

/// backtrace() loads its unwinder on first use (that allocates through malloc): do it up front.
inline void prime()
{
    void* pcs[2];
    (void)backtrace(pcs, 2);
}

[[gnu::noinline]] inline void note(std::size_t n) noexcept
{
    if (!recording || inside)
        return;
    inside = true;
    site s;
    s.frames = backtrace(s.pcs, depth);
    std::uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < s.frames; ++i)
        h = (h ^ reinterpret_cast<std::uintptr_t>(s.pcs[i])) * 1099511628211ull;
    s.hash = h | 1;
    for (std::size_t i = 0; i < table_size; ++i) {
        auto& t = table[(h + i) % table_size];
        if (t.hash == 0) {
            t = s;
        }
        if (t.hash == s.hash) {
            ++t.count;
            t.bytes += n;
            inside = false;
            return;
        }
    }
    ++dropped;
    inside = false;
}

inline void reset()
{
    for (auto& t : table)
        t = site{};
    dropped = 0;
}

/// One frame as "function (file:line)" through addr2line, or the shared object's symbol.
inline std::string symbolise(void* pc)
{
    Dl_info info{};
    if (!dladdr(pc, &info) || !info.dli_fname)
        return "?";
    // pc - 1: the call instruction, not the one after it.
    const auto off = reinterpret_cast<std::uintptr_t>(pc) - 1 - reinterpret_cast<std::uintptr_t>(info.dli_fbase);
    char cmd[1024];
    std::snprintf(cmd, sizeof cmd, "addr2line -C -f -i -e '%s' 0x%llx 2>/dev/null", info.dli_fname,
                  static_cast<unsigned long long>(off));
    std::string out;
    if (FILE* p = popen(cmd, "r")) {
        char line[4096];
        int i = 0;
        while (std::fgets(line, sizeof line, p)) {
            std::string l(line);
            while (!l.empty() && (l.back() == '\n' || l.back() == '\r'))
                l.pop_back();
            if (i % 2 == 0) { // function name
                if (l.size() > 160)
                    l = l.substr(0, 160) + "...";
                if (!out.empty())
                    out += "\n        inlined in ";
                out += l;
            } else if (l.rfind("??", 0) != 0) {
                const auto slash = l.rfind("/include/");
                out += "  [" + (slash == std::string::npos ? l : l.substr(slash + 9)) + "]";
            }
            ++i;
        }
        pclose(p);
    }
    if (out.empty() || out.rfind("??", 0) == 0)
        out = std::string(info.dli_sname ? info.dli_sname : "?") + " in " + info.dli_fname;
    return out;
}

/// Prints the recorded stacks, most frequent first, as allocations per `per` (calls or ticks).
inline void report(std::FILE* out, double per, int frames_shown = 14)
{
    std::vector<const site*> v;
    std::uint64_t total = 0;
    for (const auto& t : table)
        if (t.hash) {
            v.push_back(&t);
            total += t.count;
        }
    std::sort(v.begin(), v.end(), [](const site* a, const site* b) { return a->count > b->count; });
    std::fprintf(out, "allocation sites: %.2f allocations per unit in %zu distinct stacks (%llu dropped)\n",
                 static_cast<double>(total) / per, v.size(), static_cast<unsigned long long>(dropped));
    for (const site* s : v) {
        std::fprintf(out, "\n== %.2f per unit (%llu bytes avg)\n", static_cast<double>(s->count) / per,
                     static_cast<unsigned long long>(s->bytes / std::max<std::uint64_t>(1, s->count)));
        // Frames 0-1: note() and operator new.
        for (int i = 2; i < s->frames && i < frames_shown + 2; ++i)
            std::fprintf(out, "    %s\n", symbolise(s->pcs[i]).c_str());
    }
}

} // namespace cs2market::bench::alloc_sites
