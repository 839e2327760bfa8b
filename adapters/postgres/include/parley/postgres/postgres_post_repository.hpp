// PostRepository over PostgreSQL.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "parley/core/ports/post_repository.hpp"
#include "parley/postgres/database.hpp"

namespace parley::postgres {

class PostgresPostRepository final : public core::PostRepository {
 public:
  explicit PostgresPostRepository(Database& database) : database_(database) {}

  core::Status create(const core::Post& post) override;
  core::Status create_many(std::span<const core::Post> posts) override;
  core::Result<core::Post> find_by_id(const core::PostId& id) override;
  core::Result<core::Post> find_by_slug(const core::Slug& slug) override;
  core::Status update(const core::Post& post) override;
  core::Status remove(const core::PostId& id) override;
  core::Result<core::Page<core::Post>> list(const core::PostQuery& query) override;
  core::Result<std::vector<core::Tag>> popular_tags(std::size_t limit) override;

 private:
  // list() with a search: ranked full-text matches (see db/migrations/*/V002__post_search.sql).
  core::Result<core::Page<core::Post>> search(const core::PostQuery& query);

  Database& database_;
};

}  // namespace parley::postgres
