// Entry point of the `parley` executable: everything else lives in parley::app.
#include <exception>
#include <iostream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "parley/app/cli.hpp"
#include "parley/app/config.hpp"

int main(int argc, char** argv) {
  // The data directory holds password hashes, tokens and the JWT secret: files Parley creates
  // (database, WAL, secret) are readable by its own user only.
  ::umask(077);
  try {
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    return parley::app::run_cli(args, parley::app::read_environment(), std::cin, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "parley: unexpected error: " << e.what() << '\n';
    return parley::app::kExitFailed;
  }
}
