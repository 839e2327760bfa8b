// A SAX pass (boost::json::basic_parser) that remembers the names of each open object.
#include "parley/http/json_keys.hpp"

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>

namespace parley::http {

namespace {

using boost::json::string_view;
using boost::system::error_code;

class KeyChecker {
 public:
  // The limits of boost::json::parse's own parser (none besides its depth).
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  [[nodiscard]] const std::optional<std::string>& duplicate() const noexcept { return duplicate_; }

  bool on_document_begin(error_code& /*ec*/) { return true; }
  bool on_document_end(error_code& /*ec*/) { return true; }
  bool on_object_begin(error_code& /*ec*/) {
    open_.push_back(Level{.is_object = true});
    return true;
  }
  bool on_object_end(std::size_t /*n*/, error_code& /*ec*/) { return closed(); }
  bool on_array_begin(error_code& /*ec*/) {
    open_.push_back(Level{.is_object = false});
    return true;
  }
  bool on_array_end(std::size_t /*n*/, error_code& /*ec*/) { return closed(); }
  bool on_key_part(string_view part, std::size_t /*n*/, error_code& /*ec*/) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(string_view last, std::size_t /*n*/, error_code& ec) {
    key_.append(last.data(), last.size());
    Level& object = open_.back();
    if (!object.names.insert(key_).second) {
      duplicate_ = path_to(key_);
      ec = boost::json::error::extra_data;  // any error: it stops the parser; duplicate_ says why
      return false;
    }
    object.member = std::move(key_);
    key_.clear();
    return true;
  }
  bool on_string_part(string_view /*part*/, std::size_t /*n*/, error_code& /*ec*/) { return true; }
  bool on_string(string_view /*last*/, std::size_t /*n*/, error_code& /*ec*/) { return scalar(); }
  bool on_number_part(string_view /*part*/, error_code& /*ec*/) { return true; }
  bool on_int64(std::int64_t /*value*/, string_view /*text*/, error_code& /*ec*/) { return scalar(); }
  bool on_uint64(std::uint64_t /*value*/, string_view /*text*/, error_code& /*ec*/) { return scalar(); }
  bool on_double(double /*value*/, string_view /*text*/, error_code& /*ec*/) { return scalar(); }
  bool on_bool(bool /*value*/, error_code& /*ec*/) { return scalar(); }
  bool on_null(error_code& /*ec*/) { return scalar(); }
  bool on_comment_part(string_view /*part*/, error_code& /*ec*/) { return true; }
  bool on_comment(string_view /*last*/, error_code& /*ec*/) { return true; }

 private:
  // An open object (the names it has had, the member being read) or array (the element's index).
  struct Level {
    bool is_object = true;
    std::unordered_set<std::string> names = {};
    std::string member = {};
    std::size_t index = 0;
  };

  // A value inside an array moves the array on to its next element.
  bool scalar() {
    if (!open_.empty() && !open_.back().is_object) ++open_.back().index;
    return true;
  }
  bool closed() {
    open_.pop_back();
    return scalar();
  }

  [[nodiscard]] std::string path_to(const std::string& name) const {
    std::string path;
    for (std::size_t i = 0; i + 1 < open_.size(); ++i) {
      const Level& level = open_[i];
      if (level.is_object) {
        if (!path.empty()) path += '.';
        path += level.member;
      } else {
        path += '[' + std::to_string(level.index) + ']';
      }
    }
    if (!path.empty()) path += '.';
    return path + name;
  }

  std::vector<Level> open_;
  std::string key_;
  std::optional<std::string> duplicate_;
};

}  // namespace

std::optional<std::string> first_duplicate_key(std::string_view text) {
  boost::json::basic_parser<KeyChecker> parser{boost::json::parse_options{}};
  error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return parser.handler().duplicate();
}

}  // namespace parley::http
