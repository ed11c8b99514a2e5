-- wrk: signed-in people answering the benchmark's questionnaire again and again (each
-- answer replaces their previous one, as « Modifier mes réponses » does): POST with the
-- session cookie, the CSRF token and the twenty questions' answers; 303 when saved.
-- Arguments after `--`: the sessions file ("cookie<TAB>csrf token<TAB>…" per person),
-- the number of wrk threads and the file holding the answers (URL-encoded).
dofile("bench/report.lua")

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  sessions = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % tonumber(args[2]) == index then
      local cookie, token = line:match("([^\t]+)\t([^\t]+)")
      table.insert(sessions, {cookie = cookie, token = token})
    end
    n = n + 1
  end
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

function response(status, headers, body)
  if status >= 400 then
    io.stderr:write(status .. " " .. body:sub(1, 300) .. "\n")
  end
end
