-- wrk: signed-in people registering to the same event (30 seats) and cancelling, as the
-- registration form and the cancel button post them (session cookie, CSRF token): the
-- seats, the waiting line and its promotions under contention. Arguments after `--`:
-- the sessions file ("cookie<TAB>csrf token<TAB>event id") and the number of threads.
dofile("bench/report.lua")  -- the JSON summary (wrk runs from the repository root)

dofile("bench/sessions.lua")  -- threads, setup, my_sessions, init, response

function request()
  local person = sessions[(turn % #sessions) + 1]
  local action = (math.floor(turn / #sessions) % 2 == 0) and "inscription" or "desinscription"
  turn = turn + 1
  return wrk.format("POST", "/evenements/" .. person.idea .. "/" .. action, {
    ["Cookie"] = person.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrf_token=" .. person.token .. "&needs=")
end
