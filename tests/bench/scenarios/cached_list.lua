-- The first page of the feed (page 1, size 20): after the first request, served from the cache.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

wrk.method = "GET"
wrk.path = "/api/v1/posts?page=1&size=20"
