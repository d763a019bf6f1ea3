-- wrk's summary as one JSON line (wrk --latency prints no 95th percentile).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, '
      .. '"p99_ms": %.2f, "max_ms": %.2f, "errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status))
end
