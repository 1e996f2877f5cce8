-- wrk prints this one JSON line when the run ends: what requests_bench.py reads.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('{"p50_ms": %.1f, "p95_ms": %.1f, "requests": %d, "errors": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.requests, errors))
end
