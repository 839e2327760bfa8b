// The `parley` command line: serve, migrate, user administration, help and version.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "parley/app/config.hpp"

namespace parley::app {

enum ExitCode : int { kExitOk = 0, kExitFailed = 1, kExitUsage = 2 };

// `args` excludes the program name. Passwords come from `in`, never from args. Results go to
// `out`, diagnostics to `err`; `serve` logs JSON lines to stdout, other commands to stderr.
int run_cli(const std::vector<std::string>& args, const Environment& env, std::istream& in, std::ostream& out,
            std::ostream& err);

}  // namespace parley::app
