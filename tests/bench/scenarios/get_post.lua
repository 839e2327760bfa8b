-- One post by id, picked at random from a pool of seeded ids (BENCH_IDS_FILE, one a line).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local ids = read_lines(os.getenv("BENCH_IDS_FILE"))

function request()
  return wrk.format("GET", "/api/v1/posts/" .. ids[math.random(#ids)])
end
