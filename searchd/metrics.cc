#include "metrics.h"

#include <sstream>

namespace sosik {

void Metrics::observe(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  Route& r = routes_[route];
  ++r.by_status[status];
  ++r.count;
  r.sum += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++r.buckets[i];
}

std::string Metrics::render(const std::map<std::string, double>& gauges) const {
  std::ostringstream out;
  out.precision(9);
  std::lock_guard lock(mu_);
  out << "# HELP sosik_http_requests_total HTTP requests by route and status.\n"
         "# TYPE sosik_http_requests_total counter\n";
  for (const auto& [route, r] : routes_)
    for (const auto& [status, n] : r.by_status)
      out << "sosik_http_requests_total{route=\"" << route << "\",status=\"" << status << "\"} " << n << "\n";
  out << "# HELP sosik_http_request_duration_seconds Time to answer a request, by route.\n"
         "# TYPE sosik_http_request_duration_seconds histogram\n";
  for (const auto& [route, r] : routes_) {
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out << "sosik_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << kBuckets[i] << "\"} " << r.buckets[i] << "\n";
    out << "sosik_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << r.count << "\n"
        << "sosik_http_request_duration_seconds_sum{route=\"" << route << "\"} " << r.sum << "\n"
        << "sosik_http_request_duration_seconds_count{route=\"" << route << "\"} " << r.count << "\n";
  }
  for (const auto& [name, value] : gauges) out << "# TYPE " << name << " gauge\n" << name << " " << value << "\n";
  return out.str();
}

}  // namespace sosik
