-- Logins of random seeded users (seed<i>@seed.parley.test, i < BENCH_USERS) with the demo
-- password (BENCH_PASSWORD): each one runs the password hash, the server's slowest request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local users = env_number("BENCH_USERS", 1)
local password = assert(os.getenv("BENCH_PASSWORD"), "BENCH_PASSWORD is not set")
local headers = { ["Content-Type"] = "application/json" }
-- More logins than the hashing limits admit are refused with 503 + Retry-After by design
-- (PARLEY_HASH_CONCURRENCY / PARLEY_HASH_QUEUE): counted as shed, not as errors.
shed_is_expected = true

function request()
  local body = string.format('{"email":"seed%d@seed.parley.test","password":"%s"}', math.random(users) - 1, password)
  return wrk.format("POST", "/api/v1/auth/login", headers, body)
end
