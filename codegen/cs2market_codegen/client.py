"""generated/client.hpp: one named method per operation."""
from .models import banner
from .schema import comment


def gen_client(self):
    guard = f"CS2MARKET_{self.name.upper()}_GENERATED_CLIENT_HPP"
    out = [banner(self), f"// cs2market::{self.name}::client: one named method per operation, all through the one executor.",
           f"#ifndef {guard}", f"#define {guard}", "",
           "#include <cs2market/net/client.hpp>", f"#include <cs2market/{self.name}/generated/operations.hpp>", "",
           f"namespace {self.ns} {{", "",
           f"/// Client for {self.name}. Every named method returns cs2market::result<T>",
           "/// (`.value()` on it throws cs2market::exception instead) and takes optional",
           "/// call_options (retry, backoff and idempotency policies, deadline). The async",
           "/// form of every operation is async_call<ops::NAME>(params, token).",
           "///",
           "/// The methods are templates (with a defaulted parameter) so that a program",
           "/// compiles only the operations it calls.",
           "class client : public ::cs2market::basic_client<provider> {",
           "public:",
           "    using basic_client::basic_client;", ""]
    for path, method, op in self.operations():
        name = op["operationId"]
        out += comment(f"{method.upper()} {path}", "    ")
        out += comment(op.get("summary") or op.get("description"), "    ")
        out.append("    template <class Options = ::cs2market::call_options>")
        out.append(f"    ::cs2market::result<ops::{name}::response_type> {name}(const {name}_params& p = {{}}, const Options& co = {{}})")
        out.append("    {")
        out.append(f"        return this->template call<ops::{name}>(p, co);")
        out.append("    }")
        out.append("")
    out.append("};")
    out.append("")
    out.append(f"}} // namespace {self.ns}")
    out.append("")
    out.append("#endif")
    return "\n".join(out) + "\n"
