-- wrk: signed-in people answering the benchmark's questionnaire again and again (each
-- answer replaces their previous one, as « Modifier mes réponses » does): POST with the
-- session cookie, the CSRF token and the twenty questions' answers; 303 when saved.
-- Arguments after `--`: the sessions file ("cookie<TAB>csrf token<TAB>…" per person),
-- the number of wrk threads and the file holding the answers (URL-encoded).
dofile("bench/report.lua")

dofile("bench/sessions.lua")  -- threads, setup, my_sessions, response

function init(args)
  sessions = my_sessions(args[1], args[2])
  local file = io.open(args[3])
  answers = file:read("*a")
  file:close()
  turn = 0
end

function request()
  local person = sessions[(turn % #sessions) + 1]
  turn = turn + 1
  return wrk.format("POST", nil, {
    ["Cookie"] = person.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrf_token=" .. person.token .. "&" .. answers)
end
