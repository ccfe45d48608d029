// The crash test (issue 11): a child process buying through a journaled client
// (crash_child.cpp) is killed with SIGKILL at many points — before a buy is
// sent, after it is sent and before its answer, during reconciliation, during
// tracking, at random times — and after each kill `resume` runs in a new
// process. Then, against the sandbox's own records (server::purchases), every
// journaled buy is either bought exactly once and journaled as bought, or not
// bought at all and journaled as failed; no buy is made twice, and the sandbox
// has no purchase the journal does not know.
//
//   cs2market-crash-test --child PATH [--seed N] [--random N] [--keep] [--no-race] [--pg-script PATH]
//
// One embedded sandbox (HTTPS on loopback) and one journal serve every run, so
// that later resumes also pick up what earlier ones left unfinished: an SQLite
// file, or with --pg-script (tests/pg/pg_server.sh) a PostgreSQL server of the
// test's own, which it also stops and restarts in the middle of runs: while a
// child waits right before a buy or right after a buy's intent is journaled, at
// random times while a child buys and follows, and between a kill and the
// resume. A buy whose intent could not be committed must not have been sent.
#include <cs2market/sandbox/sandbox.hpp>
#include <cs2market/store/sqlite/sqlite_journal.hpp>
#ifdef CS2MARKET_WITH_POSTGRES
#include <cs2market/store/postgres/postgres_store.hpp>
#endif

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace sb = cs2market::sandbox;
namespace cm = cs2market;
using namespace std::chrono_literals;

namespace {

/// The sandbox accounts the child buys with (crash_child.cpp).
const std::map<std::string, std::string> keys = {
    {"cs2dt", "crashcs2dtkey"}, {"csboard", "csb_pub_crash"}, {"skinify", "skinifycrash"}};

/// The path of each provider's buy operation (a no_answer fault's target).
std::string buy_path(const std::string& p)
{
    if (p == "cs2dt")
        return std::string(cm::cs2dt::ops::quick_buy_item::path);
    if (p == "csboard")
        return std::string(cm::csboard::ops::market_buy::path);
    return std::string(cm::skinify::ops::withdraw_buy::path);
}

cm::provider_id provider_of(const std::string& p)
{
    if (p == "cs2dt")
        return cm::cs2dt::id;
    if (p == "csboard")
        return cm::csboard::id;
    return cm::skinify::id;
}

/// One run: a buying child killed at one point, then resumes.
struct step {
    std::string point;          ///< what is counted as covered ("intent", "after_commit", ...)
    std::string kill;           ///< the child's --kill
    std::string no_answer;      ///< provider whose next buy is committed and never answered ("" none)
    bool parent_kills = false;  ///< the parent kills the child once the sandbox has committed the buy
    bool must_die = true;       ///< a deterministic point: the child has to reach it
    std::string resume_kill;    ///< a first resume killed at this point ("" none)
    std::string resume_point;
    // Database outages (PostgreSQL only).
    long buys = 1;                                            ///< the child's --buys
    std::vector<std::pair<std::string, std::string>> holds;   ///< the child waits at POINT:N while the parent does halt|restart
    std::vector<std::string> not_sent;                        ///< buy ids ("csboard-1") refused with a journal error, never sent
    int outage_at_ms = -1, outage_ms = 0;                     ///< the database stops this long after the child starts, for this long
    bool outage_before_resume = false;                        ///< the database is down after the kill: a resume fails, then it is back
    bool outage_in_resume = false;                            ///< down as the resume is about to read the journal, back soon after
};

struct outcome {
    bool killed = false;
    int status = 0;
};

/// Runs `args` (argv[0] a path), its output appended to `log`; its pid.
pid_t start_process(const std::vector<std::string>& args, const std::string& log, bool own_session = false)
{
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    if (own_session)
        posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, copy[0].c_str(), &fa, &at, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0)
        throw std::runtime_error("posix_spawn " + copy[0] + " failed: " + std::to_string(rc));
    return pid;
}

std::string dump(const std::filesystem::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A PostgreSQL server of this test's own (tests/pg/pg_server.sh): stopped and
/// restarted at will without disturbing other tests, and removed at the end
/// even when the test fails, throws or is killed (a watchdog process then stops it).
class pg_server {
public:
    pg_server(const std::string& script, std::filesystem::path state)
        : script_(std::filesystem::absolute(script).string()), state_(std::move(state)), log_((state_ / "pg.log").string())
    {
        std::filesystem::create_directories(state_);
        if (!run("start"))
            throw std::runtime_error("pg_server.sh start failed:\n" + dump(log_));
        started_ = true;
        url_ = dump(state_ / "url");
        while (!url_.empty() && (url_.back() == '\n' || url_.back() == ' '))
            url_.pop_back();
        // Stops the server once this process is gone, however it went.
        start_process({"bash", "-c", "while kill -0 \"$0\" 2>/dev/null; do sleep 1; done; exec bash \"$1\" stop \"$2\"",
                       std::to_string(getpid()), script_, state_.string()},
                      "/dev/null", true);
    }
    pg_server(const pg_server&) = delete;
    pg_server& operator=(const pg_server&) = delete;
    ~pg_server() { stop(); }

    const std::string& url() const { return url_; }
    const std::string& log() const { return log_; }
    /// Stops it, keeping its data (an outage); restart() brings it back on its port.
    bool halt() { return run("halt"); }
    bool restart() { return run("restart"); }
    void stop()
    {
        if (std::exchange(started_, false))
            run("stop");
    }

private:
    bool run(const std::string& cmd)
    {
        const pid_t pid = start_process({"bash", script_, cmd, state_.string()}, log_);
        int st = 0;
        waitpid(pid, &st, 0);
        return WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }

    std::string script_;
    std::filesystem::path state_;
    std::string log_, url_;
    bool started_ = false;
};

class runner {
public:
    runner(std::string child, std::filesystem::path dir, std::string base_url, std::string ca, std::string journal)
        : child_(std::move(child)), dir_(std::move(dir)), base_url_(std::move(base_url)), ca_(std::move(ca)),
          journal_(std::move(journal))
    {
    }

    /// An SQLite file, or a postgresql:// URI.
    const std::string& journal() const { return journal_; }
    std::filesystem::path hold_dir(int run) const { return dir_ / ("hold-" + std::to_string(run)); }
    std::filesystem::path log(int run) const { return dir_ / ("run-" + std::to_string(run) + ".log"); }

    pid_t spawn(int run, std::vector<std::string> args)
    {
        args.insert(args.begin(), child_);
        args.insert(args.end(), {"--journal", journal(), "--base-url", base_url_, "--ca", ca_});
        note(run, [&](std::ostream& out) {
            out << "$";
            for (auto& a : args)
                out << ' ' << a;
        });
        return start_process(args, log(run).string());
    }

    /// A line of the parent's in a run's log.
    template <class Write>
    void note(int run, Write write) const
    {
        std::ofstream out(log(run), std::ios::app);
        write(out);
        out << '\n';
    }

    /// Waits for `pid` (at most `limit`, then kills it); `poll` may kill it first.
    template <class Poll>
    outcome wait(pid_t pid, std::chrono::milliseconds limit, Poll poll)
    {
        const auto until = std::chrono::steady_clock::now() + limit;
        int st = 0;
        while (true) {
            const pid_t r = waitpid(pid, &st, WNOHANG);
            if (r == pid)
                break;
            if (std::chrono::steady_clock::now() > until) {
                kill(pid, SIGKILL);
                waitpid(pid, &st, 0);
                return {false, -1};
            }
            if (poll())
                kill(pid, SIGKILL);
            std::this_thread::sleep_for(2ms);
        }
        if (WIFSIGNALED(st))
            return {WTERMSIG(st) == SIGKILL, 128 + WTERMSIG(st)};
        return {false, WEXITSTATUS(st)};
    }
    outcome wait(pid_t pid, std::chrono::milliseconds limit)
    {
        return wait(pid, limit, [] { return false; });
    }

private:
    std::string child_;
    std::filesystem::path dir_;
    std::string base_url_, ca_, journal_;
};

/// The journal the children write: an SQLite file or a postgresql:// URI.
cm::result<std::shared_ptr<cm::journal>> open_journal(const std::string& spec)
{
#ifdef CS2MARKET_WITH_POSTGRES
    if (cm::is_postgres_conninfo(spec)) {
        auto j = cm::postgres_journal::open(spec);
        if (!j)
            return j.error();
        return std::shared_ptr<cm::journal>(std::move(*j));
    }
#endif
    auto j = cm::sqlite_journal::open(spec);
    if (!j)
        return j.error();
    return std::shared_ptr<cm::journal>(std::move(*j));
}

/// The ids of the buys a run's children reported refused because their intent
/// could not be journaled ("not bought ID: PROVIDER: journal error: the buy was not sent: ...").
std::set<std::string> refused_by_journal(const std::filesystem::path& log)
{
    std::set<std::string> ids;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) {
        static const std::string head = "not bought ";
        if (line.rfind(head, 0) != 0 || line.find(": journal error: the buy was not sent") == std::string::npos)
            continue;
        ids.insert(line.substr(head.size(), line.find(':', head.size()) - head.size()));
    }
    return ids;
}

/// The invariants, over the whole journal and every purchase of the crash accounts.
/// Skinify buys never made whose journal says unknown (counted by check()).
std::size_t unprovable = 0;

std::vector<std::string> check(sb::server& s, const std::string& journal_spec, bool all_final, std::size_t& orders_seen)
{
    unprovable = 0;
    std::vector<std::string> bad;
    auto j = open_journal(journal_spec);
    if (!j)
        return {"journal: " + j.error().message()};
    auto all = (*j)->load(false);
    if (!all)
        return {"journal: " + all.error().message()};
    orders_seen = all->size();
    std::map<std::pair<std::string, std::string>, std::vector<sb::server::purchase>> bought;
    for (auto& p : s.purchases()) {
        const std::string prov(p.provider.name());
        if (keys.count(prov) && keys.at(prov) == p.key)
            bought[{prov, p.ref}].push_back(p);
    }
    std::set<std::pair<std::string, std::string>> journaled;
    for (const auto& o : *all) {
        const std::string prov(o.provider.name());
        journaled.insert({prov, o.id});
        const auto it = bought.find({prov, o.id});
        const std::size_t n = it == bought.end() ? 0 : it->second.size();
        const std::string what = prov + " " + o.id + " (journal: " + std::string(to_string(o.phase)) + ")";
        if (n > 1) {
            bad.push_back(what + ": bought " + std::to_string(n) + " times");
        } else if (n == 1) {
            // Every sandbox outcome is success here: a bought order is never failed.
            const bool bought_phase = o.phase >= cm::order_phase::pending && o.phase <= cm::order_phase::settled;
            if (!bought_phase)
                bad.push_back(what + ": bought once, but the journal does not say bought");
            else if (all_final && o.phase != cm::order_phase::settled)
                bad.push_back(what + ": bought, not settled after the last resume");
            else if (o.price && *o.price != it->second.front().price)
                bad.push_back(what + ": journaled price " + o.price->to_string() + ", charged " +
                              it->second.front().price.to_string());
        } else if (o.phase == cm::order_phase::failed || o.phase == cm::order_phase::cancelled) {
            // not bought, and the journal says so
        } else if (prov == "skinify" && (o.phase == cm::order_phase::submitted || o.phase == cm::order_phase::unknown)) {
            // Not bought, and the journal does not claim otherwise: Skinify's
            // lookup cannot prove a buy was never made, so it stays unknown (at risk).
            ++unprovable;
        } else {
            bad.push_back(what + ": not bought, but the journal does not say failed");
        }
    }
    for (const auto& [k, v] : bought)
        if (!journaled.count(k))
            bad.push_back(k.first + " " + k.second + ": bought " + std::to_string(v.size()) + " time(s), unknown to the journal");
    return bad;
}

} // namespace

int run_all(int argc, char** argv)
{
    std::string child, pg_script;
    std::uint64_t seed = std::random_device{}();
    int randoms = 12;
    bool keep = false, race = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--child" && i + 1 < argc)
            child = argv[++i];
        else if (a == "--seed" && i + 1 < argc)
            seed = std::stoull(argv[++i]);
        else if (a == "--random" && i + 1 < argc)
            randoms = std::stoi(argv[++i]);
        else if (a == "--keep")
            keep = true;
        else if (a == "--no-race")
            race = false;
        else if (a == "--pg-script" && i + 1 < argc)
            pg_script = argv[++i];
        else {
            std::cerr << "usage: cs2market-crash-test --child PATH [--seed N] [--random N] [--keep] [--no-race] [--pg-script PATH]\n";
            return 2;
        }
    }
    if (child.empty())
        return 2;
    const auto t0 = std::chrono::steady_clock::now();
    std::mt19937_64 rng(seed);

    sb::options o;
    o.step_ms = 40;
    o.default_rate_limits = false;
    sb::server s(o);
    const auto dir = std::filesystem::temp_directory_path() / ("cs2market-crash-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::optional<pg_server> pg;
    if (!pg_script.empty()) {
#ifndef CS2MARKET_WITH_POSTGRES
        std::cerr << "--pg-script: built without PostgreSQL (cs2market::postgres)\n";
        return 2;
#endif
        pg.emplace(pg_script, dir / "pg");
    }
    runner r(child, dir, s.base_url(), s.ca_file(), pg ? pg->url() : (dir / "journal.db").string());

    // The kill points. Buys go cs2dt, csboard, skinify, so N = 1, 2, 3 names the provider.
    std::vector<step> plan;
    for (const char* pt : {"intent", "send", "answered", "recorded"})
        for (int n = 1; n <= 3; ++n)
            plan.push_back({pt, std::string(pt) + ":" + std::to_string(n)});
    for (const char* p : {"cs2dt", "csboard", "skinify"}) {
        plan.push_back({"after_commit", "none", p, true});
        plan.push_back({"lost", "lost:1", p});
    }
    for (const char* p : {"cs2dt", "skinify"}) { // CSBoard replays: a lost buy is resent, not reconciled
        plan.push_back({"reconcile", "reconcile:1", p});
        plan.push_back({"reconcile_lookup", "reconcile_lookup:1", p});
    }
    plan.push_back({"resend", "send:3", "csboard"}); // the resend of a lost CSBoard buy
    for (int n : {1, 2, 3}) // each of the three orders moves at least once after its answer
        plan.push_back({"track", "track:" + std::to_string(n)});
    // Resumes killed in turn: during their reconciliation and during their tracking.
    auto kill_resume = [&](const std::string& kill, const std::string& no_answer, std::string spec, std::string point) {
        for (auto& st : plan)
            if (st.kill == kill && st.no_answer == no_answer) {
                st.resume_kill = std::move(spec);
                st.resume_point = std::move(point);
                return;
            }
        throw std::logic_error("no step " + kill);
    };
    kill_resume("intent:2", "", "lookup:1", "resume_lookup");
    kill_resume("none", "cs2dt", "lookup:2", "resume_lookup");
    kill_resume("recorded:3", "", "track:1", "resume_track");
    kill_resume("track:1", "", "track:2", "resume_track");
    // From its first buy a child lives ~0.2-0.3 s: the three buys take ~10-30 ms,
    // then it follows the orders to their end (half the random kills fall among the
    // buys); a resume with reconciling to do lives ~0.5 s (the grace).
    std::uniform_int_distribution<int> buys_ms(0, 30), follow_ms(30, 300), resume_ms(5, 300);
    for (int i = 0; i < randoms; ++i) {
        step st{"random", "random:" + std::to_string(i % 2 == 0 ? buys_ms(rng) : follow_ms(rng))};
        st.must_die = false;
        if (i % 3 == 0)
            st.resume_kill = "random:" + std::to_string(resume_ms(rng)), st.resume_point = "resume_random";
        plan.push_back(st);
    }
    if (pg) {
        // The database stops before the second buy (CSBoard's) and is back before
        // the third: that buy fails with a journal error and is not sent; the
        // others go on as usual (the journal reconnects).
        step down{"db_down_before_buy", "none"};
        down.must_die = false;
        down.holds = {{"buy:2", "halt"}, {"buy:3", "restart"}};
        down.not_sent = {"csboard-1"};
        plan.push_back(down);
        // It stops right after CSBoard's intent is journaled: that buy is sent and
        // made, its answer cannot be journaled (the buyer's tracker, once the
        // database is back, or the resume reconciles it); the next two buys are
        // not sent; it is back before the fifth.
        step after{"db_down_after_intent", "none"};
        after.must_die = false;
        after.buys = 2;
        after.holds = {{"intent:2", "halt"}, {"buy:5", "restart"}};
        after.not_sent = {"skinify-1", "cs2dt-2"};
        plan.push_back(after);
        // Down between a kill and the resume: a resume then fails (it cannot open
        // the journal) and changes nothing; once the database is back one succeeds.
        for (auto& st : plan)
            if ((st.kill == "answered:2" || st.kill == "lost:1") && st.no_answer != "csboard")
                st.outage_before_resume = true;
        // Down as a resume, its journal open, is about to read it, and back
        // 0.5 s later: the resume must wait for the journal and then finish.
        for (auto& st : plan)
            if (st.kill == "intent:3")
                st.outage_in_resume = true;
        // At random times while a child buys and follows (killed at random in one
        // of them): whatever the outage met, everything must agree after the resume.
        std::uniform_int_distribution<int> outage_at(0, 250), outage_for(50, 600);
        for (int i = 0; i < 3; ++i) {
            step st{"db_random", i == 2 ? "random:" + std::to_string(follow_ms(rng)) : "none"};
            st.must_die = false;
            st.outage_at_ms = outage_at(rng);
            st.outage_ms = outage_for(rng);
            plan.push_back(st);
        }
    }

    std::map<std::string, int> kills, outages, not_reached;
    std::vector<std::string> failures;
    int total_kills = 0, run = 0;
    std::size_t orders = 0;
    auto fail = [&](int at, const std::string& what) {
        failures.push_back("run " + std::to_string(at) + ": " + what);
        std::cerr << "FAIL run " << at << ": " << what << "\n--- log " << r.log(at) << " ---\n" << dump(r.log(at)) << "---\n";
    };
    auto resume = [&](int at, const std::string& kill_spec) {
        std::vector<std::string> a = {"resume", "--grace-ms", "400", "--timeout-ms", "15000"};
        if (!kill_spec.empty())
            a.insert(a.end(), {"--kill", kill_spec});
        return r.wait(r.spawn(at, a), 30s);
    };
    // PostgreSQL's outages: `what` is halt or restart, `kind` the outage's (counted
    // once per halt); false when it did not happen.
    bool db_up = true, db_ok = true;
    auto database = [&](int at, const std::string& what, const std::string& kind, const std::string& why = "") {
        r.note(at, [&](std::ostream& out) { out << "# parent: database " << what << " (" << kind << why << ")"; });
        const bool ok = what == "halt" ? pg->halt() : pg->restart();
        r.note(at, [&](std::ostream& out) { out << "# parent: database " << what << (ok ? " done" : " FAILED"); });
        if (!ok)
            db_ok = false;
        else if (what == "halt")
            db_up = false, ++outages[kind];
        else
            db_up = true;
        return ok;
    };
    // A resume held right before it reads the journal while the database stops;
    // it comes back 0.5 s later, the resume still running.
    auto resume_through_outage = [&](int at) {
        const auto hold = r.hold_dir(at).string() + "-resume";
        std::filesystem::create_directories(hold);
        const auto pid = r.spawn(at, {"resume", "--grace-ms", "400", "--timeout-ms", "15000", "--hold", "load:1", "--hold-dir", hold});
        std::optional<std::chrono::steady_clock::time_point> down;
        bool back = false;
        const auto out = r.wait(pid, 30s, [&] {
            if (!down && std::filesystem::exists(std::filesystem::path(hold) / "held-1")) {
                database(at, "halt", "db_down_in_resume", ", as it reads the journal");
                down = std::chrono::steady_clock::now();
                std::ofstream(std::filesystem::path(hold) / "go-1").put('\n');
            } else if (down && !back && std::chrono::steady_clock::now() - *down >= 500ms) {
                back = database(at, "restart", "db_down_in_resume");
            }
            return false;
        });
        if (!db_up)
            database(at, "restart", "db_down_in_resume", ", after the resume");
        if (!down)
            fail(at, "the resume never reached --hold load:1");
        return out;
    };
    // A buy whose intent could not be journaled was not sent: no purchase under its
    // id (and with the database down before the intent, nothing journaled either).
    auto check_refused = [&](int at, const step& st) {
        std::vector<std::string> bad;
        const auto refused = refused_by_journal(r.log(at));
        std::set<std::string> purchased;
        for (auto& p : s.purchases())
            purchased.insert(p.ref);
        for (const auto& id : refused)
            if (purchased.count(id))
                bad.push_back(id + ": refused with a journal error (not sent), yet the sandbox has it");
        if (st.not_sent.empty())
            return bad;
        auto j = open_journal(r.journal());
        if (!j)
            return std::vector<std::string>{"journal: " + j.error().message()};
        for (const auto& suffix : st.not_sent) {
            const auto id = "r" + std::to_string(at) + "-" + suffix;
            const auto dash = suffix.find('-');
            if (!refused.count(id))
                bad.push_back(id + ": not refused with a journal error while the database was down");
            auto found = (*j)->find(provider_of(suffix.substr(0, dash)), id);
            if (!found)
                bad.push_back("journal: " + found.error().message());
            else if (*found)
                bad.push_back(id + ": journaled (" + std::string(to_string((*found)->phase)) + ") while the database was down");
        }
        return bad;
    };

    for (const auto& st : plan) {
        ++run;
        s.clear_faults();
        if (!st.no_answer.empty()) {
            sb::fault f;
            f.provider = provider_of(st.no_answer);
            f.path = buy_path(st.no_answer);
            f.kind = "no_answer";
            s.inject_fault(f);
        }
        std::vector<std::string> a = {"buy", "--run", std::to_string(run), "--kill", st.kill, "--buys", std::to_string(st.buys)};
        if (st.parent_kills)
            a.insert(a.end(), {"--request-timeout-ms", "10000"});
        if (!st.holds.empty()) {
            std::string specs;
            for (const auto& h : st.holds)
                specs += (specs.empty() ? "" : ",") + h.first;
            std::filesystem::create_directories(r.hold_dir(run));
            a.insert(a.end(), {"--hold", specs, "--hold-dir", r.hold_dir(run).string()});
        }
        const std::string ref = "r" + std::to_string(run) + "-" + st.no_answer + "-1";
        const auto started = std::chrono::steady_clock::now();
        std::size_t held = 0;
        bool halted = false, restarted = false;
        const auto pid = r.spawn(run, a);
        const auto out = r.wait(pid, 40s, [&] {
            // Each hold the child reached: the database goes down or comes back, then the child goes on.
            while (held < st.holds.size() && std::filesystem::exists(r.hold_dir(run) / ("held-" + std::to_string(held + 1)))) {
                const auto& [spec, what] = st.holds[held];
                database(run, what, st.point, " at " + spec);
                std::ofstream(r.hold_dir(run) / ("go-" + std::to_string(++held))).put('\n');
            }
            if (st.outage_at_ms >= 0) {
                const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
                if (!halted && ms >= st.outage_at_ms)
                    halted = database(run, "halt", st.point, " at " + std::to_string(ms) + " ms");
                else if (halted && !restarted && ms >= st.outage_at_ms + st.outage_ms)
                    restarted = database(run, "restart", st.point, " at " + std::to_string(ms) + " ms");
            }
            if (!st.parent_kills)
                return false;
            const auto p = s.purchases(provider_of(st.no_answer));
            return std::any_of(p.begin(), p.end(), [&](const auto& x) { return x.ref == ref; });
        });
        if (pg && !db_up) // an outage the child outlived
            database(run, "restart", st.point, ", after the child");
        if (!db_ok) {
            fail(run, "pg_server.sh failed:\n" + dump(pg->log()));
            break;
        }
        if (held < st.holds.size())
            fail(run, "the child never reached --hold " + st.holds[held].first + " (exit " + std::to_string(out.status) + ")");
        else if (!st.holds.empty() && (out.killed || out.status != 0))
            fail(run, "the child held for database outages exited " + std::to_string(out.status));
        if (out.killed) {
            ++total_kills;
            ++kills[st.point];
        } else if (st.must_die) {
            fail(run, st.kill + (st.no_answer.empty() ? "" : " (no_answer " + st.no_answer + ")") +
                          ": the child was not killed (exit " + std::to_string(out.status) + ")");
            continue;
        }
        std::this_thread::sleep_for(30ms); // whatever the child had sent is handled by now
        s.clear_faults();
        if (st.outage_before_resume && (st.must_die || out.killed)) {
            database(run, "halt", "db_down_before_resume", ", after " + st.kill);
            const auto down = resume(run, "");
            if (down.killed || down.status == 0)
                fail(run, "a resume with the database down exited " + std::to_string(down.status) + ", not a journal error");
            database(run, "restart", "db_down_before_resume");
            if (!db_ok) {
                fail(run, "pg_server.sh failed:\n" + dump(pg->log()));
                break;
            }
        }
        if (!st.resume_kill.empty() && (st.must_die || out.killed)) { // a random kill leaves work for the resume
            const auto rk = resume(run, st.resume_kill);
            if (rk.killed) {
                ++total_kills;
                ++kills[st.resume_point];
            } else if (st.resume_point != "resume_random") {
                // Whether a resume reaches its Nth lookup or transition depends on
                // what is left to do (one lookup may answer for all): a point the
                // run did not reach is counted, not a failure.
                ++not_reached[st.resume_point];
                r.note(run, [&](std::ostream& out) { out << "# parent: resume --kill " << st.resume_kill << " not reached"; });
            }
        }
        const auto rs = st.outage_in_resume ? resume_through_outage(run) : resume(run, "");
        if (!db_ok) {
            fail(run, "pg_server.sh failed:\n" + dump(pg->log()));
            break;
        }
        if (rs.killed || rs.status != 0) {
            fail(run, "resume after " + st.kill + " exited " + std::to_string(rs.status));
            continue;
        }
        for (auto& b : check(s, r.journal(), false, orders))
            fail(run, "after " + st.kill + ": " + b);
        for (auto& b : check_refused(run, st))
            fail(run, b);
    }
    // The race (skip it with --no-race). No kill: a resume in another process
    // while a journaled buy still waits to be sent (its client paces Skinify at
    // one request per 1.5 s, so the buy waits after its intent is on disk longer
    // than the resume's grace). The resume finds nothing under the id; it must
    // not fail the buy before the buy's journaled send deadline (plus the grace)
    // has passed, for the buy is then sent and made. Before send deadlines were
    // journaled, it did: the buyer was told it bought, and the journal said failed.
    if (race) {
        ++run;
        s.clear_faults();
        const auto buyer = r.spawn(run, {"buy", "--run", std::to_string(run), "--skinify-rate-wait-ms", "1500"});
        std::this_thread::sleep_for(500ms);
        const auto rs = resume(run, "");
        const auto out = r.wait(buyer, 40s);
        if (out.status != 0)
            fail(run, "concurrent buy exited " + std::to_string(out.status));
        if (rs.status != 0)
            fail(run, "concurrent resume exited " + std::to_string(rs.status));
        if (const auto again = resume(run, ""); again.status != 0)
            fail(run, "resume after the concurrent one exited " + std::to_string(again.status));
        for (auto& b : check(s, r.journal(), false, orders))
            fail(run, "resume while a buy waits to be sent: " + b);
    }
    // Everything bought is settled by now, and the money adds up.
    for (auto& b : check(s, r.journal(), true, orders))
        fail(run, "at the end: " + b);
    for (const char* p : {"cs2dt", "csboard", "skinify"})
        if (!s.audit(provider_of(p)).balanced())
            fail(run, std::string(p) + ": the sandbox's money does not balance");

    std::size_t purchases = 0;
    for (auto& p : s.purchases())
        if (keys.count(std::string(p.provider.name())))
            ++purchases;
    const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "crash test (seed " << seed << "): " << total_kills << " SIGKILLs at " << kills.size()
              << " distinct points over " << run << " runs; " << orders << " journaled buys, " << purchases
              << " sandbox purchases; " << secs << " s\n";
    for (const auto& [p, n] : kills)
        std::cout << "  " << p << ": " << n << "\n";
    for (const auto& [p, n] : not_reached)
        std::cout << "  not reached: " << p << ": " << n << "\n";
    std::cout << "Skinify buys never made and left unknown (not provable): " << unprovable << "\n";
    if (pg) {
        int n = 0;
        for (const auto& [p, k] : outages)
            n += k;
        std::cout << "PostgreSQL: " << n << " database outages (halt, restart)\n";
        for (const auto& [p, k] : outages)
            std::cout << "  " << p << ": " << k << "\n";
        pg->stop(); // before its state directory goes
    }
    if (failures.empty() && !keep)
        std::filesystem::remove_all(dir);
    else
        std::cout << "logs and journal: " << dir << "\n";
    std::cout << (failures.empty() ? 1 : 0) << " passed, " << (failures.empty() ? 0 : 1) << " failed\n";
    return failures.empty() ? 0 : 1;
}

int main(int argc, char** argv)
{
    try {
        return run_all(argc, argv);
    } catch (const std::exception& e) { // the PostgreSQL server is stopped on the way out
        std::cerr << "crash test: " << e.what() << "\n";
        return 1;
    }
}
