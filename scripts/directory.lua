-- wrk script: the directory query mix of benches/directory.rs, over HTTP with a bearer token.
-- The token and the term ids come from the environment (set by load-directory.sh).
local token = os.getenv("TOKEN")
local paths = {
  "/api/v1/programmes/bench/mentors?q=feedback&audience=" .. os.getenv("AUD1") .. "&availability=capacity",
  "/api/v1/programmes/bench/mentors?audience=" .. os.getenv("AUD2") .. "&expertise=" .. os.getenv("EXP3") .. "&language=French",
  "/api/v1/programmes/bench/mentors?q=simulation+debriefs",
  "/api/v1/programmes/bench/mentors?sort=name&page=50",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = "Bearer " .. token })
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
