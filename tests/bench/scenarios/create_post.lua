-- A new published post of ~500 bytes by a seeded user (bearer token in BENCH_TOKEN).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local headers = {
  ["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set"),
  ["Content-Type"] = "application/json",
}
local counter = 0

function request()
  counter = counter + 1
  local body = string.format('{"title":"Bench post %d","body":"%s","is_published":true}', counter, text(500))
  return wrk.format("POST", "/api/v1/posts", headers, body)
end
