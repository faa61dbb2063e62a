#include "dataset.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace bench {
namespace fs = std::filesystem;

namespace {

const fs::path kKorquadFile = "korquad-v1-dev/KorQuAD_v1.0_dev.json";
const fs::path kNewsDir = "sci-news-sum-kr-50/data";

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

// Paragraphs with identical text answer the same questions (KorQuAD has a few repeated
// paragraphs): every document whose body equals the answering one is relevant.
std::vector<std::vector<size_t>> identical_bodies(const std::vector<Document>& docs) {
  std::unordered_map<std::string_view, std::vector<size_t>> by_body;
  for (size_t i = 0; i < docs.size(); ++i) by_body[docs[i].body].push_back(i);
  std::vector<std::vector<size_t>> out(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) out[i] = by_body[docs[i].body];
  return out;
}

}  // namespace

std::optional<fs::path> missing_data(const std::string& dataset, const fs::path& data_dir) {
  if (!fs::is_directory(data_dir)) return data_dir;
  if ((dataset.starts_with("korquad") || dataset.ends_with("-mixed")) && !fs::is_regular_file(data_dir / kKorquadFile))
    return data_dir / kKorquadFile;
  if (dataset.starts_with("news-")) {
    fs::path dir = data_dir / kNewsDir;
    if (!fs::is_directory(dir)) return dir;
    bool any = false;
    for (const auto& e : fs::directory_iterator(dir)) any = any || e.path().extension() == ".json";
    if (!any) return dir / "*.json";
  }
  return std::nullopt;
}

Dataset load_korquad(const fs::path& data_dir, bool smoke) {
  fs::path path = data_dir / kKorquadFile;
  nlohmann::json root = read_json(path);
  Dataset ds{"korquad", path.string(), {}, {}};
  std::vector<std::pair<std::string, size_t>> questions;  // question, answering paragraph
  try {
    const auto& articles = root.at("data");
    size_t n_articles = smoke ? std::min<size_t>(2, articles.size()) : articles.size();
    for (size_t a = 0; a < n_articles; ++a) {
      const auto& article = articles[a];
      std::string title = article.at("title").get<std::string>();
      const auto& paragraphs = article.at("paragraphs");
      for (size_t p = 0; p < paragraphs.size(); ++p) {
        size_t doc = ds.documents.size();
        ds.documents.push_back(Document{"kq-" + std::to_string(a) + "-" + std::to_string(p), title,
                                        paragraphs[p].at("context").get<std::string>(), title});
        for (const auto& qa : paragraphs[p].at("qas")) questions.emplace_back(qa.at("question").get<std::string>(), doc);
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path.string() + ": not KorQuAD (SQuAD) format: " + e.what());
  }
  auto same = identical_bodies(ds.documents);
  for (auto& [text, doc] : questions) ds.queries.push_back(Query{std::move(text), same[doc]});
  return ds;
}

// Keyword queries as people type them into a news search box: the headline's three longest
// words, in headline order, particles attached (정부의, 협상했다), edge punctuation dropped.
std::string headline_keywords(const std::string& headline) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    // Trim ASCII punctuation and the common Korean quote/ellipsis marks from both ends.
    static const std::vector<std::string> marks = {"\"", "'", "[", "]", "(", ")", ",", ".", "…", "“", "”", "‘", "’", "·", "?", "!", ":"};
    bool changed = true;
    while (changed && !cur.empty()) {
      changed = false;
      for (const auto& m : marks) {
        if (cur.size() >= m.size() && cur.compare(0, m.size(), m) == 0) { cur.erase(0, m.size()); changed = true; }
        if (cur.size() >= m.size() && cur.compare(cur.size() - m.size(), m.size(), m) == 0) { cur.resize(cur.size() - m.size()); changed = true; }
      }
    }
    if (!cur.empty()) words.push_back(cur);
    cur.clear();
  };
  for (char c : headline) {
    if (c == ' ') flush(); else cur += c;
  }
  flush();
  std::vector<size_t> order(words.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return words[a].size() > words[b].size(); });
  if (order.size() > 3) order.resize(3);
  std::sort(order.begin(), order.end());
  std::string q;
  for (size_t i : order) q += (q.empty() ? "" : " ") + words[i];
  return q;
}

Dataset load_korquad_keywords(const fs::path& data_dir, bool smoke) {
  Dataset ds = load_korquad(data_dir, smoke);
  ds.name = "korquad-keywords";
  for (auto& q : ds.queries) q.text = headline_keywords(q.text);
  return ds;
}

Dataset load_news_keywords(const fs::path& data_dir, bool smoke) {
  Dataset ds = load_news_headlines(data_dir, smoke);
  ds.name = "news-keywords";
  for (auto& q : ds.queries) q.text = headline_keywords(q.text);
  return ds;
}

Dataset load_news_headlines(const fs::path& data_dir, bool smoke) {
  fs::path dir = data_dir / kNewsDir;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (smoke && files.size() > 10) files.resize(10);

  Dataset ds{"news-headlines", dir.string(), {}, {}};
  std::vector<std::string> headlines;
  for (const auto& f : files) {
    nlohmann::json j = read_json(f);
    try {
      std::string body;
      for (const auto& s : j.at("sentences")) {
        if (!body.empty()) body += '\n';
        body += s.get<std::string>();
      }
      std::string headline = j.at("title").get<std::string>();
      // The headline is the query, so it is not indexed: the body alone must find the article.
      ds.documents.push_back(Document{"news-" + f.stem().string(), "", std::move(body), headline});
      headlines.push_back(std::move(headline));
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(f.string() + ": expected {title, sentences[]}: " + e.what());
    }
  }
  auto same = identical_bodies(ds.documents);
  for (size_t i = 0; i < headlines.size(); ++i) ds.queries.push_back(Query{std::move(headlines[i]), same[i]});
  return ds;
}

namespace {

Dataset with_distractors(Dataset ds, const fs::path& data_dir, bool smoke) {
  ds.name += "-mixed";
  for (auto& d : load_korquad(data_dir, smoke).documents) ds.documents.push_back(std::move(d));
  return ds;
}

using Loader = Dataset (*)(const fs::path&, bool);
// Every dataset, in the order `--dataset all` runs them.
const std::vector<std::pair<std::string, Loader>>& loaders() {
  static const std::vector<std::pair<std::string, Loader>> all = {
      {"korquad", load_korquad},
      {"korquad-keywords", load_korquad_keywords},
      {"news-headlines", load_news_headlines},
      {"news-keywords", load_news_keywords},
      {"news-headlines-mixed", [](const fs::path& d, bool s) { return with_distractors(load_news_headlines(d, s), d, s); }},
      {"news-keywords-mixed", [](const fs::path& d, bool s) { return with_distractors(load_news_keywords(d, s), d, s); }},
  };
  return all;
}

}  // namespace

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, load] : loaders()) out.push_back(name);
    return out;
  }();
  return names;
}

Dataset load_dataset(const std::string& name, const fs::path& data_dir, bool smoke) {
  for (const auto& [known, load] : loaders())
    if (known == name) return load(data_dir, smoke);
  throw std::invalid_argument("unknown dataset '" + name + "'");
}

void sample_queries(Dataset& ds, size_t n) {
  size_t total = ds.queries.size();
  if (n == 0 || n >= total) return;
  std::vector<Query> kept;
  kept.reserve(n);
  for (size_t i = 0; i < n; ++i) kept.push_back(std::move(ds.queries[i * total / n]));
  ds.queries = std::move(kept);
}

}  // namespace bench
