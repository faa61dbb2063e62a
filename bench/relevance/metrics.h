// Ranking metrics with binary relevance, per query and averaged over a run.
#pragma once

#include <cstddef>
#include <vector>

namespace bench {

struct QueryScores {
  double reciprocal_rank_10 = 0;  // 1/rank of the first relevant document within the top 10
  double ndcg_10 = 0;             // binary gains; ideal = every relevant document on top
  double recall_1 = 0, recall_10 = 0, recall_100 = 0;  // share of the relevant documents found
  size_t first_relevant_rank = 0;  // 1-based; 0 when none was returned
};

// `ranked`: returned document indices, best first. `relevant`: the query's relevant documents.
QueryScores score_query(const std::vector<size_t>& ranked, const std::vector<size_t>& relevant);

struct RunScores {
  double mrr_10 = 0, ndcg_10 = 0, recall_1 = 0, recall_10 = 0, recall_100 = 0;
  size_t queries = 0;
};

RunScores average(const std::vector<QueryScores>& per_query);

// Median of `values` (0 when empty).
double median(std::vector<double> values);

}  // namespace bench
