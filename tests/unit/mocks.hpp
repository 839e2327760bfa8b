// trompeloeil mocks of the core ports, for tests about interactions.
#pragma once

#include <catch2/catch.hpp>
#include <catch2/trompeloeil.hpp>

#include "parley/core/ports/audit_log.hpp"
#include "parley/core/ports/comment_repository.hpp"
#include "parley/core/ports/follow_repository.hpp"
#include "parley/core/ports/like_repository.hpp"
#include "parley/core/ports/password_hasher.hpp"
#include "parley/core/ports/post_repository.hpp"
#include "parley/core/ports/token_signer.hpp"
#include "parley/core/ports/token_store.hpp"
#include "parley/core/ports/user_repository.hpp"

namespace parley::unit {

class MockUserRepository final : public trompeloeil::mock_interface<core::UserRepository> {
 public:
  IMPLEMENT_MOCK1(create);
  IMPLEMENT_MOCK1(create_many);
  IMPLEMENT_MOCK1(find_by_id);
  IMPLEMENT_MOCK1(find_many);
  IMPLEMENT_MOCK1(find_by_email);
  IMPLEMENT_MOCK1(find_by_username);
  IMPLEMENT_MOCK1(update);
  IMPLEMENT_MOCK0(ping);
};

class MockPostRepository final : public trompeloeil::mock_interface<core::PostRepository> {
 public:
  IMPLEMENT_MOCK1(create);
  IMPLEMENT_MOCK1(create_many);
  IMPLEMENT_MOCK1(find_by_id);
  IMPLEMENT_MOCK1(find_by_slug);
  IMPLEMENT_MOCK1(update);
  IMPLEMENT_MOCK1(remove);
  IMPLEMENT_MOCK1(list);
  IMPLEMENT_MOCK1(popular_tags);
};

class MockLikeRepository final : public trompeloeil::mock_interface<core::LikeRepository> {
 public:
  IMPLEMENT_MOCK2(like);
  IMPLEMENT_MOCK2(unlike);
  IMPLEMENT_MOCK2(liked_among);
};

class MockFollowRepository final : public trompeloeil::mock_interface<core::FollowRepository> {
 public:
  IMPLEMENT_MOCK2(follow);
  IMPLEMENT_MOCK2(unfollow);
  IMPLEMENT_MOCK2(following_among);
};

class MockCommentRepository final : public trompeloeil::mock_interface<core::CommentRepository> {
 public:
  IMPLEMENT_MOCK1(create);
  IMPLEMENT_MOCK1(create_many);
  IMPLEMENT_MOCK1(find_by_id);
  IMPLEMENT_MOCK1(remove);
  IMPLEMENT_MOCK2(list_for_post);
};

class MockAuditLog final : public trompeloeil::mock_interface<core::AuditLog> {
 public:
  IMPLEMENT_MOCK1(append);
  IMPLEMENT_MOCK1(list);
};

class MockTokenStore final : public trompeloeil::mock_interface<core::TokenStore> {
 public:
  IMPLEMENT_MOCK2(revoke_access_token);
  IMPLEMENT_MOCK1(is_access_token_revoked);
  IMPLEMENT_MOCK1(save_refresh_token);
  IMPLEMENT_MOCK1(consume_refresh_token);
  IMPLEMENT_MOCK2(revoke_family);
  IMPLEMENT_MOCK1(is_family_revoked);
  IMPLEMENT_MOCK2(revoke_user_families);
  IMPLEMENT_MOCK0(ping);
};

class MockPasswordHasher final : public trompeloeil::mock_interface<core::PasswordHasher> {
 public:
  IMPLEMENT_MOCK1(hash);
  IMPLEMENT_MOCK2(verify);
  IMPLEMENT_MOCK1(needs_rehash);
};

class MockTokenSigner final : public trompeloeil::mock_interface<core::TokenSigner> {
 public:
  IMPLEMENT_MOCK1(sign);
  IMPLEMENT_MOCK1(verify);
};

}  // namespace parley::unit
