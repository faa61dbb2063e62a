// The relevance sets: documents, queries and which documents answer each query.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bench {

struct Document {
  std::string id;     // unique; the sosik Article id
  std::string title;  // indexed title (empty when the set indexes the body only)
  std::string body;
  std::string label;  // shown in reports: the Wikipedia title or the news headline
};

struct Query {
  std::string text;
  std::vector<size_t> relevant;  // indices into Dataset::documents; never empty
};

struct Dataset {
  std::string name;    // one of dataset_names()
  std::string source;  // the file or directory it was read from
  std::vector<Document> documents;
  std::vector<Query> queries;
};

// The files a dataset needs under `data_dir`; the first missing one, if any.
std::optional<std::filesystem::path> missing_data(const std::string& dataset, const std::filesystem::path& data_dir);

// KorQuAD 1.0 dev: a document per paragraph, a query per question. `smoke` keeps the first two
// Wikipedia articles. Throws std::runtime_error naming the file when it cannot be read or parsed.
Dataset load_korquad(const std::filesystem::path& data_dir, bool smoke);

// The same paragraphs, queried by each question's three longest words (headline_keywords):
// short keyword queries (all words required) in numbers the 50 news articles cannot give.
Dataset load_korquad_keywords(const std::filesystem::path& data_dir, bool smoke);

// sci-news-sum-kr-50: a document per article (body only), its headline as the query. `smoke`
// keeps the first ten articles. Throws std::runtime_error naming the file on read/parse errors.
Dataset load_news_headlines(const std::filesystem::path& data_dir, bool smoke);
// The same articles, queried by three words of each headline (short keyword queries).
Dataset load_news_keywords(const std::filesystem::path& data_dir, bool smoke);

// Every dataset by name, in the order `--dataset all` runs them: the four above, and the news
// sets again among distractors (news-headlines-mixed, news-keywords-mixed): the 964 KorQuAD
// paragraphs (titles indexed) join the 50 articles, as an archive holds other stories that share
// their words. Fifty documents alone are fewer than Sosik's candidate_depth, so its candidate
// stage never ran on the news sets, and both sat at or near the ceiling.
const std::vector<std::string>& dataset_names();
// The dataset called `name` (one of dataset_names()). Throws std::invalid_argument for another.
Dataset load_dataset(const std::string& name, const std::filesystem::path& data_dir, bool smoke);

// Keeps `n` queries spread evenly over the set (not the first n, which would all come from the
// first few articles). No-op when n is 0 or not smaller than the set.
void sample_queries(Dataset& ds, size_t n);

}  // namespace bench
