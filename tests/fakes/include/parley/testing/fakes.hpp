// All the fakes in one include.
#pragma once

#include "parley/testing/fake_clock.hpp"
#include "parley/testing/fake_opaque_tokens.hpp"
#include "parley/testing/fake_password_hasher.hpp"
#include "parley/testing/fake_token_signer.hpp"
#include "parley/testing/sequential_ids.hpp"
