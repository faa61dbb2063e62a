// Shared by the query-latency programs (bench/query_latency.cc, bench/baselines/xapian_ngram.cc):
// the query file and the latency summary, so every system is read and measured the same way.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bench {

struct Query {
  std::string kind;  // "keyword", "question", … (the part before a tab; "query" without one)
  std::string text;
};

// One query a line, `kind<TAB>query` or just `query` (bench/gen_corpus.py --queries).
inline std::vector<Query> read_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<Query> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto tab = line.find('\t');
    if (tab == std::string::npos) out.push_back({"query", line});
    else out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

// Nearest-rank percentile of sorted values.
inline double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

inline nlohmann::ordered_json summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  return {{"n", ms.size()},
          {"p50_ms", percentile(ms, 50)},
          {"p90_ms", percentile(ms, 90)},
          {"p99_ms", percentile(ms, 99)},
          {"max_ms", ms.empty() ? 0.0 : ms.back()},
          {"mean_ms", ms.empty() ? 0.0 : sum / static_cast<double>(ms.size())}};
}

// Times `run(query)` over every query, `warmup` untimed passes first (the page cache warm, as on a
// server that has been up a while), then `repeat` timed passes. `run` returns the number of hits
// and throws on error. Summary overall and per kind.
template <class Run>
nlohmann::ordered_json measure(const std::vector<Query>& queries, int warmup, int repeat, Run run) {
  using Clock = std::chrono::steady_clock;
  size_t errors = 0, zero_hits = 0;
  std::string first_error;
  for (int w = 0; w < warmup; ++w)
    for (const auto& q : queries) try { run(q.text); } catch (...) {}
  std::vector<double> all;
  std::map<std::string, std::vector<double>> by_kind;
  for (int r = 0; r < repeat; ++r) {
    for (const auto& q : queries) {
      auto t0 = Clock::now();
      size_t hits = 0;
      bool failed = false;
      try {
        hits = run(q.text);
      } catch (const std::exception& e) {
        failed = true;
        if (first_error.empty()) first_error = q.text + ": " + e.what();
      } catch (...) {
        failed = true;
      }
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (r == 0) {
        errors += failed;
        zero_hits += !failed && hits == 0;
      }
      all.push_back(ms);
      by_kind[q.kind].push_back(ms);
    }
  }
  nlohmann::ordered_json out = summarize(all);
  out["errors"] = errors;
  out["zero_hits"] = zero_hits;
  if (!first_error.empty()) out["first_error"] = first_error;
  nlohmann::ordered_json kinds = nlohmann::ordered_json::object();
  for (auto& [kind, v] : by_kind) kinds[kind] = summarize(v);
  out["by_kind"] = kinds;
  return out;
}

}  // namespace bench
