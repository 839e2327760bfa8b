// Subcommand dispatch for the `parley` executable. Operator actions go through AdminService
// as Principal::operator_cli(), so they are checked and audited like any admin action.
#include "parley/app/cli.hpp"

#include <charconv>
#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string_view>

#include <boost/json/object.hpp>

#include "parley/app/app.hpp"
#include "parley/app/seed.hpp"
#include "parley/http/log.hpp"
#include "parley/http/server.hpp"

#ifndef PARLEY_VERSION
#error "PARLEY_VERSION must be defined by the build"
#endif

namespace parley::app {

namespace {

constexpr std::string_view kUsage = R"(Usage: parley <command> [options]

Commands:
  serve                                   run the HTTP API until SIGTERM/SIGINT
  migrate                                 apply pending database migrations
  user create --email E --username U [--role user|moderator|admin]
                                          create a user; the password is the first line of stdin
  user grant-role --email E --role R      change a user's role
  user block --email E                    block a user and revoke their sessions
  user unblock --email E                  unblock a user
  seed [--users N] [--posts N] [--comments N] [--seed S]
                                          fill an empty database with demo data (default 50
                                          users, 500 posts, 2000 comments); every account,
                                          seed<i>@seed.parley.test, has the password given
                                          on the first line of stdin
  help, --help                            show this help
  version, --version                      show the version

Configuration comes from PARLEY_* environment variables (PARLEY_LISTEN, PARLEY_DATA_DIR,
PARLEY_DATABASE_URL, PARLEY_REDIS_URL, PARLEY_JWT_SECRET, PARLEY_LOG_LEVEL, ...); see
docs/configuration.md.
Exit codes: 0 success, 1 the operation failed, 2 usage or configuration error.
)";

struct UsageError {
  std::string message;
};

// "--name value" or "--name=value", each name at most once and from `allowed`.
// Every allowed option is required except those in `optional`.
std::optional<std::map<std::string, std::string, std::less<>>> parse_options(
    const std::vector<std::string>& args, std::size_t first, const std::set<std::string_view>& allowed,
    std::string& problem, const std::set<std::string_view>& optional = {"role"}) {
  std::map<std::string, std::string, std::less<>> options;
  for (std::size_t i = first; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!arg.starts_with("--")) {
      problem = "unexpected argument '" + std::string(arg) + "'";
      return std::nullopt;
    }
    arg.remove_prefix(2);
    std::string name;
    std::string value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else {
      name = arg;
      if (i + 1 >= args.size()) {
        problem = "option --" + name + " needs a value";
        return std::nullopt;
      }
      value = args[++i];
    }
    if (!allowed.contains(name)) {
      problem = "unknown option --" + name;
      return std::nullopt;
    }
    if (!options.emplace(name, value).second) {
      problem = "option --" + name + " given twice";
      return std::nullopt;
    }
  }
  for (const auto name : allowed) {
    if (!optional.contains(name) && !options.contains(name)) {
      problem = "missing option --" + std::string(name);
      return std::nullopt;
    }
  }
  return options;
}

void print_error(std::ostream& err, const core::Error& error) {
  if (error.details.empty()) {
    err << (error.message.empty() ? std::string(core::to_string(error.code)) : error.message) << '\n';
    return;
  }
  for (const auto& [field, reason] : error.details)
    err << field << ": " << reason << '\n';
}

int exit_code_for(const core::Error& error) {
  return error.code == core::ErrorCode::invalid_input ? kExitUsage : kExitFailed;
}

core::Result<Config> load_config(const Environment& env, std::ostream& err) {
  auto config = parse_config(env);
  if (!config) err << "configuration error:\n" << describe_config_error(config.error()) << '\n';
  return config;
}

// Where the data and the revocations live, for the startup log: targets, never passwords.
boost::json::object describe_storage(const Config& config) {
  const std::string database = config.postgres ? "postgresql " + postgres_target(*config.postgres)
                                               : "sqlite " + (config.data_dir / "parley.db").string();
  const std::string tokens = config.redis ? "redis " + redis_target(*config.redis) : "database";
  const std::string limiter =
      !config.rate_limit.enabled ? "off" : (config.redis ? "redis " + redis_target(*config.redis) : "memory");
  return {{"database", database}, {"token_store", tokens}, {"rate_limiter", limiter}};
}

int serve(const Config& config, std::ostream& err) {
  http::init_logging(config.log_level, http::LogStream::standard_output);
  auto app = App::build(config);
  if (!app) {
    http::log_event(http::LogLevel::error, "startup failed", {{"error", app.error().message}});
    err << "startup failed: ";
    print_error(err, app.error());
    return exit_code_for(app.error());
  }
  http::log_event(http::LogLevel::info, "storage", describe_storage(config));
  http::Server server(config.server, (*app)->api(), (*app)->http_metrics());
  if (auto ran = server.run(); !ran) {
    http::log_event(http::LogLevel::error, "server failed", {{"error", ran.error().message}});
    err << ran.error().message << '\n';
    return kExitFailed;
  }
  return kExitOk;
}

int migrate(const Config& config, std::ostream& out, std::ostream& err) {
  http::init_logging(config.log_level, http::LogStream::standard_error);
  auto database = Database::open(config);
  if (!database) {
    print_error(err, database.error());
    return kExitFailed;
  }
  auto applied = database->migrate();
  if (!applied) {
    print_error(err, applied.error());
    return kExitFailed;
  }
  out << "applied " << *applied << " migration" << (*applied == 1 ? "" : "s") << '\n';
  return kExitOk;
}

core::RequestContext cli_context(App& app) {
  return core::RequestContext{"cli-" + app.ids().next().to_string()};
}

// Finds the user an operator names by email; prints why not and returns nullopt otherwise.
std::optional<core::User> find_user(App& app, std::string_view raw_email, std::ostream& err) {
  auto email = core::Email::parse(raw_email);
  if (!email) {
    err << "email: "
        << (email.error().details.empty() ? email.error().message : email.error().details.begin()->second)
        << '\n';
    return std::nullopt;
  }
  auto user = app.users().find_by_email(*email);
  if (!user) {
    if (user.error().code == core::ErrorCode::not_found) {
      err << "no user with email " << email->str() << '\n';
    } else {
      print_error(err, user.error());
    }
    return std::nullopt;
  }
  return *std::move(user);
}

// The password of a new account: the first line of stdin (without a trailing CR).
std::optional<std::string> read_password_line(std::istream& in, std::ostream& err) {
  std::string line;
  if (!std::getline(in, line)) {
    err << "password: is required (first line of standard input)\n";
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int user_command(const std::vector<std::string>& args, const Config& config, std::istream& in,
                 std::ostream& out, std::ostream& err) {
  if (args.size() < 2) {
    err << "missing user subcommand\n\n" << kUsage;
    return kExitUsage;
  }
  const std::string& sub = args[1];
  std::set<std::string_view> allowed;
  if (sub == "create") {
    allowed = {"email", "username", "role"};
  } else if (sub == "grant-role") {
    allowed = {"email", "role"};
  } else if (sub == "block" || sub == "unblock") {
    allowed = {"email"};
  } else {
    err << "unknown user subcommand '" << sub << "'\n\n" << kUsage;
    return kExitUsage;
  }
  std::string problem;
  const auto options = parse_options(args, 2, allowed, problem);
  if (!options || (sub == "grant-role" && !options->contains("role"))) {
    err << (problem.empty() ? "missing option --role" : problem) << "\n\n" << kUsage;
    return kExitUsage;
  }

  std::optional<core::Role> role;
  if (const auto it = options->find("role"); it != options->end()) {
    auto parsed = core::parse_role(it->second);
    if (!parsed) {
      err << "role: must be one of user, moderator, admin\n";
      return kExitFailed;
    }
    role = *parsed;
  }

  http::init_logging(config.log_level, http::LogStream::standard_error);
  auto built = App::build(config);
  if (!built) {
    print_error(err, built.error());
    return exit_code_for(built.error());
  }
  App& app = **built;
  const auto operator_cli = core::Principal::operator_cli();

  if (sub == "create") {
    const auto password_line = read_password_line(in, err);
    if (!password_line) return kExitFailed;

    core::Error invalid = core::Error::invalid("email", "");
    invalid.details.clear();
    auto email = core::Email::parse(options->at("email"));
    auto username = core::Username::parse(options->at("username"));
    auto password = core::Password::parse(*password_line);
    const auto note = [&invalid](std::string_view field, const core::Error& error) {
      invalid.details.emplace(std::string(field),
                              error.details.empty() ? error.message : error.details.begin()->second);
    };
    if (!email) note("email", email.error());
    if (!username) note("username", username.error());
    if (!password) note("password", password.error());
    if (!invalid.details.empty()) {
      print_error(err, invalid);
      return kExitFailed;
    }

    auto user =
        app.auth().sign_up(core::SignUp{*std::move(email), *std::move(username), *std::move(password)});
    if (!user) {
      print_error(err, user.error());
      return kExitFailed;
    }
    if (role && *role != core::Role::user) {
      auto promoted = app.admin().set_role(operator_cli, user->id, *role, cli_context(app));
      if (!promoted) {
        err << "user " << user->id.to_string() << " was created, but setting the role failed: ";
        print_error(err, promoted.error());
        return kExitFailed;
      }
    }
    out << user->id.to_string() << '\n';
    return kExitOk;
  }

  const auto target = find_user(app, options->at("email"), err);
  if (!target) return kExitFailed;
  core::Result<core::User> changed = core::Error::internal("unreachable");
  if (sub == "grant-role") {
    changed = app.admin().set_role(operator_cli, target->id, *role, cli_context(app));
  } else if (sub == "block") {
    changed = app.admin().block(operator_cli, target->id, cli_context(app));
  } else {
    changed = app.admin().unblock(operator_cli, target->id, cli_context(app));
  }
  if (!changed) {
    print_error(err, changed.error());
    return kExitFailed;
  }
  out << changed->id.to_string() << ' ' << changed->username.str()
      << " role=" << core::to_string(changed->role) << " blocked=" << (changed->blocked ? "true" : "false")
      << '\n';
  return kExitOk;
}

// A non-negative decimal count of at most 100 million.
std::optional<std::uint64_t> parse_count(std::string_view text, std::uint64_t max) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value > max) return std::nullopt;
  return value;
}

int seed_command(const std::vector<std::string>& args, const Config& config, std::istream& in,
                 std::ostream& out, std::ostream& err) {
  const std::set<std::string_view> names = {"users", "posts", "comments", "seed"};
  std::string problem;
  const auto options = parse_options(args, 1, names, problem, names);
  if (!options) {
    err << problem << "\n\n" << kUsage;
    return kExitUsage;
  }
  SeedOptions seed_options;
  constexpr std::uint64_t kMaxRows = 100'000'000;
  for (const auto& [name, text] : *options) {
    const auto value = parse_count(text, name == "seed" ? UINT64_MAX : kMaxRows);
    if (!value) {
      err << "--" << name << ": must be a whole number" << (name == "seed" ? "" : " from 0 to 100000000")
          << "\n\n"
          << kUsage;
      return kExitUsage;
    }
    if (name == "users") seed_options.users = *value;
    if (name == "posts") seed_options.posts = *value;
    if (name == "comments") seed_options.comments = *value;
    if (name == "seed") seed_options.seed = *value;
  }

  const auto password_line = read_password_line(in, err);
  if (!password_line) return kExitFailed;
  auto password = core::Password::parse(*password_line);
  if (!password) {
    err << "password: "
        << (password.error().details.empty() ? password.error().message
                                             : password.error().details.begin()->second)
        << '\n';
    return kExitFailed;
  }

  http::init_logging(config.log_level, http::LogStream::standard_error);
  auto built = App::build(config);
  if (!built) {
    print_error(err, built.error());
    return exit_code_for(built.error());
  }
  App& app = **built;
  const auto seeded = seed(SeedPorts{app.users(), app.posts(), app.comments(), app.likes(), app.follows(),
                                     app.hasher(), app.clock(), app.ids()},
                           seed_options, *password);
  if (!seeded) {
    err << "seed failed: ";
    print_error(err, seeded.error());
    return exit_code_for(seeded.error());
  }
  out << "seeded " << seeded->users << " users, " << seeded->posts << " posts, " << seeded->comments
      << " comments, " << seeded->follows << " follows, " << seeded->likes << " likes\n";
  return kExitOk;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, const Environment& env, std::istream& in, std::ostream& out,
            std::ostream& err) {
  if (args.empty()) {
    err << kUsage;
    return kExitUsage;
  }
  const std::string& command = args[0];
  if (command == "help" || command == "--help" || command == "-h") {
    out << kUsage;
    return kExitOk;
  }
  if (command == "version" || command == "--version") {
    out << "parley " << PARLEY_VERSION << '\n';
    return kExitOk;
  }
  if (command != "serve" && command != "migrate" && command != "user" && command != "seed") {
    err << "unknown command '" << command << "'\n\n" << kUsage;
    return kExitUsage;
  }
  if (command != "user" && command != "seed" && args.size() > 1) {
    err << "'" << command << "' takes no arguments\n\n" << kUsage;
    return kExitUsage;
  }

  const auto config = load_config(env, err);
  if (!config) return kExitUsage;
  if (command == "serve") return serve(*config, err);
  if (command == "migrate") return migrate(*config, out, err);
  if (command == "seed") return seed_command(args, *config, in, out, err);
  return user_command(args, *config, in, out, err);
}

}  // namespace parley::app
