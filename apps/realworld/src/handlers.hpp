// One handler per RealWorld route: read the body's inner object ("user", "article",
// "comment") into core value types, call one service, shape the view. Errors are returned in
// core's terms; the frontend's renderer writes them in RealWorld's format.
#pragma once

#include <optional>
#include <string>

#include "parley/http/handlers.hpp"
#include "parley/realworld/frontend.hpp"

namespace parley::realworld {

// RealWorld's body of a success: the bare document.
[[nodiscard]] std::string render_document(const http::Reply& reply);

class Handlers {
 public:
  explicit Handlers(Services services, http::KeptFeedOptions kept_feed = {})
      : services_(services), kept_pages_(kept_feed) {}

  http::HandlerResult register_user(const http::HandlerContext& ctx) const;
  http::HandlerResult log_in(const http::HandlerContext& ctx) const;
  http::HandlerResult current_user(const http::HandlerContext& ctx) const;
  http::HandlerResult update_user(const http::HandlerContext& ctx) const;

  http::HandlerResult get_profile(const http::HandlerContext& ctx) const;
  http::HandlerResult follow(const http::HandlerContext& ctx) const;
  http::HandlerResult unfollow(const http::HandlerContext& ctx) const;

  http::HandlerResult list_articles(const http::HandlerContext& ctx) const;
  // list_articles from the kept pages only, without waiting on I/O (http::KeptHandler).
  [[nodiscard]] std::optional<http::Reply> kept_articles(const http::HandlerContext& ctx) const noexcept;
  // get_article answered from the kept rendered articles only (anonymous readers).
  [[nodiscard]] std::optional<http::Reply> kept_article(const http::HandlerContext& ctx) const noexcept;
  http::HandlerResult feed(const http::HandlerContext& ctx) const;
  http::HandlerResult create_article(const http::HandlerContext& ctx) const;
  http::HandlerResult get_article(const http::HandlerContext& ctx) const;
  http::HandlerResult update_article(const http::HandlerContext& ctx) const;
  http::HandlerResult delete_article(const http::HandlerContext& ctx) const;
  http::HandlerResult favorite(const http::HandlerContext& ctx) const;
  http::HandlerResult unfavorite(const http::HandlerContext& ctx) const;

  http::HandlerResult list_comments(const http::HandlerContext& ctx) const;
  http::HandlerResult add_comment(const http::HandlerContext& ctx) const;
  http::HandlerResult delete_comment(const http::HandlerContext& ctx) const;

  http::HandlerResult tags(const http::HandlerContext& ctx) const;

 private:
  // Where the article of the path's slug is kept for this reader; nullopt: not kept.
  [[nodiscard]] std::optional<std::string> article_key(const http::HandlerContext& ctx,
                                                       core::PublicReadVersion::Io io) const;

  Services services_;
  http::KeptPages kept_pages_;
};

}  // namespace parley::realworld
