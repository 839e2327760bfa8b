-- GET /healthz: the liveness probe, measured by run.sh's login_flood scenario while a second
-- wrk floods the login endpoint (hashing must stay off the I/O threads and leave workers free).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

wrk.method = "GET"
wrk.path = "/healthz"
