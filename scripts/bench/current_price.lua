-- wrk script: GET /api/prices/gold/current/ against a running app, the public endpoint every
-- page polls. Start the app with its rate limits lifted (every request comes from one IP,
-- and the per-IP backstop allows 600 a minute):
--
--   RATE_LIMIT_SCALE=100000 make run
--   wrk -t2 -c64 -d10s --latency -s scripts/bench/current_price.lua http://127.0.0.1:8000
--
-- wrk prints its usual summary; done() adds p50/p99/max in milliseconds and the failures,
-- and exits 1 when any request failed (connect, read, write or timeout error, or a status
-- of 400 or more).

wrk.method = "GET"
wrk.path = "/api/prices/gold/current/"
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  local failed = e.connect + e.read + e.write + e.timeout + e.status
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "current price: %d requests in %.2fs, %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d failed\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, failed))
  if failed > 0 then
    os.exit(1)
  end
end
