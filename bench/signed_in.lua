-- wrk: signed-in people reading a page (the idea list of the large challenge, an idea),
-- each request as another of the people of the sessions file, so each page shows that
-- person's own supports and ballot. Arguments after `--`: the sessions file
-- ("cookie<TAB>csrf token<TAB>…" per person) and the number of wrk threads.
dofile("bench/report.lua")

dofile("bench/sessions.lua")  -- threads, setup, my_sessions, init

function request()
  turn = turn + 1
  return wrk.format("GET", nil, {["Cookie"] = sessions[(turn % #sessions) + 1].cookie})
end
