#include "metrics.h"

#include <algorithm>
#include <cmath>

namespace bench {

QueryScores score_query(const std::vector<size_t>& ranked, const std::vector<size_t>& relevant) {
  QueryScores s;
  if (relevant.empty()) return s;
  auto is_relevant = [&](size_t doc) { return std::find(relevant.begin(), relevant.end(), doc) != relevant.end(); };
  size_t found_1 = 0, found_10 = 0, found_100 = 0;
  double dcg = 0;
  for (size_t i = 0; i < ranked.size() && i < 100; ++i) {
    if (!is_relevant(ranked[i])) continue;
    size_t rank = i + 1;
    if (s.first_relevant_rank == 0) s.first_relevant_rank = rank;
    if (rank <= 1) ++found_1;
    if (rank <= 10) {
      ++found_10;
      dcg += 1.0 / std::log2(static_cast<double>(rank) + 1);
    }
    ++found_100;
  }
  double ideal = 0;
  for (size_t rank = 1; rank <= std::min<size_t>(relevant.size(), 10); ++rank) ideal += 1.0 / std::log2(static_cast<double>(rank) + 1);
  double n = static_cast<double>(relevant.size());
  s.reciprocal_rank_10 = s.first_relevant_rank && s.first_relevant_rank <= 10 ? 1.0 / static_cast<double>(s.first_relevant_rank) : 0;
  s.ndcg_10 = dcg / ideal;
  s.recall_1 = static_cast<double>(found_1) / n;
  s.recall_10 = static_cast<double>(found_10) / n;
  s.recall_100 = static_cast<double>(found_100) / n;
  return s;
}

RunScores average(const std::vector<QueryScores>& per_query) {
  RunScores r;
  r.queries = per_query.size();
  if (per_query.empty()) return r;
  for (const auto& q : per_query) {
    r.mrr_10 += q.reciprocal_rank_10;
    r.ndcg_10 += q.ndcg_10;
    r.recall_1 += q.recall_1;
    r.recall_10 += q.recall_10;
    r.recall_100 += q.recall_100;
  }
  double n = static_cast<double>(per_query.size());
  r.mrr_10 /= n;
  r.ndcg_10 /= n;
  r.recall_1 /= n;
  r.recall_10 /= n;
  r.recall_100 /= n;
  return r;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  double upper = values[mid];
  if (values.size() % 2) return upper;
  double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

}  // namespace bench
