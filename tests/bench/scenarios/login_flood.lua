-- The login flood of the login_flood scenario: the same requests as login.lua, driven by
-- run.sh in the background while healthz.lua measures /healthz next to it.
dofile(os.getenv("BENCH_LUA_DIR") .. "/login.lua")
