-- wrk: logged-in people supporting ideas, then taking the support back, as the page's
-- button does with JavaScript (POST, session cookie, CSRF token, JSON answer).
-- Arguments after `--`: the sessions file (one line per person,
-- "cookie<TAB>csrf token<TAB>idea id") and the number of wrk threads. Each thread takes
-- its own share of people and goes round them, so one person's support and withdrawal
-- never race each other.
dofile("bench/report.lua")  -- the JSON summary (wrk runs from the repository root)

local created = 0

function setup(thread)
  thread:set("index", created)
  created = created + 1
end

function init(args)
  sessions = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % tonumber(args[2]) == index then
      local cookie, token, idea = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
      table.insert(sessions, {cookie = cookie, token = token, idea = idea})
    end
    n = n + 1
  end
  turn = 0
end

function request()
  local person = sessions[(turn % #sessions) + 1]
  local action = (math.floor(turn / #sessions) % 2 == 0) and "soutenir" or "retirer-soutien"
  turn = turn + 1
  return wrk.format("POST", "/idees/" .. person.idea .. "/" .. action, {
    ["Cookie"] = person.cookie,
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrf_token=" .. person.token)
end
