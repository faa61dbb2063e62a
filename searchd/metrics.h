// Request counters and latency histograms per route, in the Prometheus text format
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>

namespace sosik {

class Metrics {
 public:
  void observe(const std::string& route, int status, double seconds);
  // The exposition text; `gauges` are appended as given (name → value).
  std::string render(const std::map<std::string, double>& gauges) const;

 private:
  // Upper bounds in seconds: sub-millisecond cache hits to one-second outliers.
  static constexpr std::array<double, 11> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};
  struct Route {
    std::map<int, uint64_t> by_status;
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Route> routes_;
};

}  // namespace sosik
