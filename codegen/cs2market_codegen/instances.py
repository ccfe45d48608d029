"""generated/instances.hpp: every operation's blocking call compiled once (separate compilation)."""
from .models import banner


def gen_instances(self):
    up = self.name.upper()
    guard = f"CS2MARKET_{up}_GENERATED_INSTANCES_HPP"
    src = f"CS2MARKET_{up}_SOURCE"
    ext = f"CS2MARKET_{up}_EXTERN"
    out = [banner(self),
           f"// With CS2MARKET_SEPARATE_COMPILATION and CS2MARKET_SEPARATE_PROVIDERS (opt-in: both for the",
           f"// whole program), the {self.name} client and every operation's blocking",
           "// call (call / send: the executor's completion, the request builder and the decoders they",
           "// reach) are compiled once, in the one TU that defines " + src + " and includes",
           f"// <cs2market/{self.name}.hpp>; every other TU only declares them (extern template), so a TU",
           "// that calls an operation parses it but does not instantiate or emit it. Otherwise every",
           "// TU instantiates what it calls, as usual. Included last by the umbrella header, after the",
           "// record_binding of each buy is defined.",
           f"#ifndef {guard}", f"#define {guard}", "",
           f"#include <cs2market/{self.name}/generated/client.hpp>", "",
           "#if defined(CS2MARKET_SEPARATE_COMPILATION) && defined(CS2MARKET_SEPARATE_PROVIDERS)",
           f"#ifdef {src}", f"#define {ext}", "#else", f"#define {ext} extern", "#endif", "",
           "namespace cs2market {", "",
           f"{ext} template class basic_client<{self.name}::provider>;"]
    for _, _, op in self.operations():
        o = f"{self.name}::ops::{op['operationId']}"
        c = f"basic_client<{self.name}::provider>"
        out.append(f"{ext} template result<{o}::response_type> {c}::call<{o}>(const {o}::params&, const call_options&);")
        out.append(f"{ext} template result<response<{o}::response_type>> {c}::send<{o}>(const {o}::params&, const call_options&);")
    out += ["", "} // namespace cs2market", "", f"#undef {ext}", "#endif", "", "#endif"]
    return "\n".join(out) + "\n"
