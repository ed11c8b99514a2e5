-- wrk: logged-in people supporting ideas, then taking the support back, as the page's
-- button does with JavaScript (POST, session cookie, CSRF token, JSON answer).
-- Arguments after `--`: the sessions file (one line per person,
-- "cookie<TAB>csrf token<TAB>idea id") and the number of wrk threads. Each thread takes
-- its own share of people and goes round them, so one person's support and withdrawal
-- never race each other.
dofile("bench/report.lua")  -- the JSON summary (wrk runs from the repository root)

dofile("bench/sessions.lua")  -- threads, setup, my_sessions, init

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

-- gunicorn's sync workers close every connection; when wrk reconnects it may drop a
-- request it had already asked us for, which shifts one person's alternation by one: the
-- application then rightly refuses the withdrawal of a support it never received (409).
-- Those refusals are counted apart; anything else is an error (and printed).
function response(status, headers, body)
  if status == 409 then
    refused = refused + 1
  elseif status >= 400 then
    io.stderr:write(status .. " " .. body:sub(1, 300) .. "\n")
  end
end

local report = done
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("refused") end
  summary.errors.status = summary.errors.status - total
  io.stderr:write("refused_409 " .. total .. "\n")
  report(summary, latency, requests)
end
