-- wrk: signed-in people sending prepared POSTs, each line of the file used in turn
-- ("cookie<TAB>csrf token<TAB>path<TAB>body" per line: a pairwise choice with its
-- one-time pair token, an answer to a statement). Lines go round-robin to wrk's threads
-- as sessions.lua shares people out; a line is sent once unless the run outlasts the
-- file (then the pair tokens come back used, and their 409s count as errors).
-- Arguments after `--`: the file and the number of wrk threads. 303 is the success.
dofile("bench/report.lua")

dofile("bench/sessions.lua")  -- threads, setup, response

function init(args)
  lines, turn = {}, 0
  local n = 0
  for line in io.lines(args[1]) do
    if n % tonumber(args[2]) == index then
      local cookie, token, path, body = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]*)")
      table.insert(lines, {cookie = cookie, token = token, path = path, body = body})
    end
    n = n + 1
  end
end

function request()
  local line = lines[(turn % #lines) + 1]
  turn = turn + 1
  return wrk.format("POST", line.path, {
    ["Cookie"] = line.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrf_token=" .. line.token .. "&" .. line.body)
end
