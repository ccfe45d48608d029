// cs2market-sandbox: a local CS2DT / CSBoard / Skinify marketplace over HTTPS.
//   cs2market-sandbox [--port P] [--ca-out PATH] [--scenario FILE]
// Prints "listening on https://127.0.0.1:P" as its first line, then serves until
// SIGINT / SIGTERM (or until stdin closes when --stdin-eof is given).
#include <cs2market/sandbox/server.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

int usage(const char* why)
{
    std::cerr << "cs2market-sandbox: " << why << "\n"
              << "usage: cs2market-sandbox [--port P] [--ca-out PATH] [--scenario FILE] [--callback-url URL] [--step-ms N]\n";
    return 2;
}
} // namespace

int main(int argc, char** argv)
{
    cs2market::sandbox::options opts;
    std::string ca_out, scenario_file;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto need = [&](const char* what) -> const char* {
            if (i + 1 >= argc) {
                usage((std::string(what) + " needs a value").c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--port") {
            long p = std::strtol(need("--port"), nullptr, 10);
            if (p < 0 || p > 65535)
                return usage("--port must be 0..65535");
            opts.port = static_cast<unsigned short>(p);
        } else if (a == "--ca-out") {
            ca_out = need("--ca-out");
        } else if (a == "--scenario") {
            scenario_file = need("--scenario");
        } else if (a == "--callback-url") {
            opts.cs2dt_callback_url = need("--callback-url");
        } else if (a == "--step-ms") {
            opts.step_ms = std::strtoll(need("--step-ms"), nullptr, 10);
        } else if (a == "--help" || a == "-h") {
            usage("help");
            return 0;
        } else {
            return usage(("unknown argument " + a).c_str());
        }
    }
    std::string scenario;
    if (!scenario_file.empty()) {
        std::ifstream in(scenario_file, std::ios::binary);
        if (!in)
            return usage(("cannot read scenario file " + scenario_file).c_str());
        std::ostringstream ss;
        ss << in.rdbuf();
        scenario = ss.str();
    }
    try {
        cs2market::sandbox::server sb(opts, scenario);
        if (!ca_out.empty())
            sb.write_ca(ca_out);
        std::cout << "listening on " << sb.base_url() << std::endl;
        if (!ca_out.empty())
            std::cout << "CA certificate written to " << ca_out << std::endl;
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        while (!g_stop)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        sb.stop();
    } catch (const std::exception& e) {
        std::cerr << "cs2market-sandbox: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
