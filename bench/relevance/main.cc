// bench/relevance: builds an index per system and dataset, runs every query, and prints the
// systems side by side (stdout table + JSON per dataset). See README.md in this directory.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "analysis/analyzer.h"
#include "cli.h"
#include "dataset.h"
#include "metrics.h"
#include "systems.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kResultLimit = 100;  // deepest cut-off measured (Recall@100)
constexpr size_t kExamples = 10;      // misses / zero-hit queries kept in the JSON per system
constexpr int kExitError = 1, kExitUsage = 2, kExitSkip = 77;  // 77: CTest SKIP_RETURN_CODE

struct Options {
  fs::path data_dir = fs::path(SOSIK_SOURCE_DIR) / ".." / "shared" / "data";
  fs::path out_dir = fs::path(SOSIK_SOURCE_DIR) / "bench" / "results";
  std::optional<fs::path> work_dir;  // kept when given; else a temporary one, removed at the end
  size_t max_queries = 0;            // 0 = all
  std::vector<std::string> systems = bench::all_system_names();
  std::vector<std::string> datasets = bench::dataset_names();
  bool smoke = false;
  std::string command_line;
};

const char* kUsage =
    "usage: relevance [--dataset NAME|all] [--systems a,b,...] [--max-queries N]\n"
    "                 [--data-dir DIR] [--work-dir DIR] [--out-dir DIR] [--smoke]\n"
    "datasets: korquad, korquad-keywords, news-headlines (or news), news-keywords,\n"
    "          news-headlines-mixed, news-keywords-mixed (default: all)\n"
    "systems: xapian-ngram-and, xapian-ngram-or, bigram-bm25, sosik (default: all);\n"
    "         sosik:NAME=VALUE:... is sosik with query options changed (QueryOptions in core/search/query.h)\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    if (i) o.command_line += ' ';
    o.command_line += argv[i];
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    bool has_inline = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    auto next = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= argc) throw UsageError(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg == "--smoke") {
      o.smoke = true;
    } else if (arg == "--data-dir") {
      o.data_dir = next();
    } else if (arg == "--work-dir") {
      o.work_dir = fs::path(next());
    } else if (arg == "--out-dir") {
      o.out_dir = next();
    } else if (arg == "--max-queries") {
      std::string v = next();
      auto n = sosik::parse_count(v);
      if (!n) throw UsageError("--max-queries expects a number, got '" + v + "'");
      o.max_queries = *n;
    } else if (arg == "--systems") {
      o.systems = split_list(next());
      const auto& known = bench::all_system_names();
      for (const auto& s : o.systems)
        if (std::find(known.begin(), known.end(), s) == known.end() && s.rfind("sosik:", 0) != 0)
          throw UsageError("unknown system '" + s + "'");
      if (o.systems.empty()) throw UsageError("--systems is empty");
    } else if (arg == "--dataset") {
      std::string v = next();
      const auto& names = bench::dataset_names();
      if (v == "news") v = "news-headlines";
      if (v == "all") o.datasets = names;
      else if (std::find(names.begin(), names.end(), v) != names.end()) o.datasets = {v};
      else throw UsageError("unknown dataset '" + v + "'");
    } else {
      throw UsageError("unknown option '" + arg + "'");
    }
  }
  o.data_dir = o.data_dir.lexically_normal();
  o.out_dir = o.out_dir.lexically_normal();
  return o;
}

// Progress goes to a person watching, never into a log or a CI transcript.
class Progress {
 public:
  Progress() : enabled_(isatty(STDERR_FILENO)) {}
  void status(const std::string& line) {
    if (!enabled_) return;
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
  }
  void done() {
    if (enabled_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  bool enabled_;
};

// The directory that holds the indexes: a fresh temporary one unless the user named one.
class WorkDir {
 public:
  explicit WorkDir(const std::optional<fs::path>& given) {
    if (given) {
      path_ = *given;
      fs::create_directories(path_);
      return;
    }
    std::string tmpl = (fs::temp_directory_path() / "sosik-relevance-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temporary directory like " + tmpl);
    path_ = tmpl;
    temporary_ = true;
  }
  ~WorkDir() {
    if (!temporary_) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
    if (ec) std::cerr << "warning: could not remove " << path_ << ": " << ec.message() << "\n";
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  bool temporary_ = false;
};

uintmax_t directory_bytes(const fs::path& dir) {
  uintmax_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

struct SystemResult {
  std::string system;
  bench::RunScores scores;
  size_t zero_hits = 0;
  size_t errors = 0;
  double build_seconds = 0;
  uintmax_t index_bytes = 0;
  double median_query_ms = 0;
  std::vector<size_t> first_relevant_rank;  // per query, aligned with the dataset's queries
  nlohmann::ordered_json misses = nlohmann::ordered_json::array();     // relevant document not in the top 10
  nlohmann::ordered_json zero_hit = nlohmann::ordered_json::array();   // queries that returned nothing
  nlohmann::ordered_json slowest = nlohmann::ordered_json::array();
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Up to `n` of `items`, spread over the whole list rather than its start.
template <class T>
std::vector<T> spread(const std::vector<T>& items, size_t n) {
  if (items.size() <= n) return items;
  std::vector<T> out;
  for (size_t i = 0; i < n; ++i) out.push_back(items[i * items.size() / n]);
  return out;
}

SystemResult run_system(const bench::Dataset& ds, const std::string& name, const fs::path& index_dir,
                        std::shared_ptr<const sosik::Analyzer> analyzer, Progress& progress) {
  SystemResult r;
  r.system = name;
  std::error_code ec;
  fs::remove_all(index_dir, ec);  // a kept --work-dir from an earlier run
  if (ec) throw std::runtime_error("cannot clear " + index_dir.string() + ": " + ec.message());
  fs::create_directories(index_dir);

  std::unique_ptr<bench::RetrievalSystem> system = bench::make_system(name, analyzer);
  progress.status("[" + ds.name + "] " + name + ": indexing " + std::to_string(ds.documents.size()) + " documents");
  Clock::time_point start = Clock::now();
  system->build(ds.documents, index_dir);
  r.build_seconds = seconds_since(start);
  r.index_bytes = directory_bytes(index_dir);

  std::vector<bench::QueryScores> per_query;
  std::vector<double> ms;
  std::vector<size_t> missed, empty;
  struct Outcome {
    std::optional<size_t> top;  // the first hit, for the examples
    std::string error;
  };
  std::vector<Outcome> outcomes;
  outcomes.reserve(ds.queries.size());
  per_query.reserve(ds.queries.size());
  ms.reserve(ds.queries.size());
  for (size_t qi = 0; qi < ds.queries.size(); ++qi) {
    if (qi % 100 == 0) progress.status("[" + ds.name + "] " + name + ": query " + std::to_string(qi) + "/" + std::to_string(ds.queries.size()));
    const bench::Query& q = ds.queries[qi];
    Clock::time_point t = Clock::now();
    bench::Hits hits = system->search(q.text, kResultLimit);
    ms.push_back(seconds_since(t) * 1000);
    per_query.push_back(bench::score_query(hits.ranked, q.relevant));
    r.first_relevant_rank.push_back(per_query.back().first_relevant_rank);
    if (hits.error) ++r.errors;
    if (hits.ranked.empty()) {
      ++r.zero_hits;
      empty.push_back(qi);
    }
    if (per_query.back().first_relevant_rank == 0 || per_query.back().first_relevant_rank > 10) missed.push_back(qi);
    outcomes.push_back(Outcome{hits.ranked.empty() ? std::nullopt : std::optional<size_t>(hits.ranked.front()),
                               hits.error ? hits.error_message : std::string()});
  }
  progress.done();
  r.scores = bench::average(per_query);
  r.median_query_ms = bench::median(ms);

  auto example = [&](size_t qi) {
    const bench::Query& q = ds.queries[qi];
    const Outcome& out = outcomes[qi];
    nlohmann::ordered_json e = {{"query", q.text},
                        {"expected", ds.documents[q.relevant.front()].label},
                        {"expected_id", ds.documents[q.relevant.front()].id},
                        {"first_relevant_rank", r.first_relevant_rank[qi]},
                        {"top", out.top ? nlohmann::ordered_json(ds.documents[*out.top].label) : nlohmann::ordered_json(nullptr)},
                        {"top_id", out.top ? nlohmann::ordered_json(ds.documents[*out.top].id) : nlohmann::ordered_json(nullptr)},
                        {"ms", ms[qi]}};
    if (!out.error.empty()) e["error"] = out.error;
    return e;
  };
  for (size_t qi : spread(missed, kExamples)) r.misses.push_back(example(qi));
  for (size_t qi : spread(empty, kExamples)) r.zero_hit.push_back(example(qi));
  std::vector<size_t> by_time;
  by_time.reserve(ds.queries.size());
  for (size_t i = 0; i < ds.queries.size(); ++i) by_time.push_back(i);
  size_t n_slow = std::min<size_t>(5, by_time.size());
  std::partial_sort(by_time.begin(), by_time.begin() + static_cast<std::ptrdiff_t>(n_slow), by_time.end(),
                    [&](size_t a, size_t b) { return ms[a] > ms[b]; });
  for (size_t i = 0; i < n_slow; ++i) r.slowest.push_back(example(by_time[i]));
  return r;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

fs::path write_json(const Options& o, const bench::Dataset& ds, const std::vector<SystemResult>& results) {
  nlohmann::ordered_json systems = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    systems.push_back({{"system", r.system},
                       {"mrr_at_10", r.scores.mrr_10},
                       {"ndcg_at_10", r.scores.ndcg_10},
                       {"recall_at_1", r.scores.recall_1},
                       {"recall_at_10", r.scores.recall_10},
                       {"recall_at_100", r.scores.recall_100},
                       {"zero_hit_queries", r.zero_hits},
                       {"query_errors", r.errors},
                       {"index_build_seconds", r.build_seconds},
                       {"index_bytes", r.index_bytes},
                       {"median_query_ms", r.median_query_ms},
                       {"misses_examples", r.misses},
                       {"zero_hit_examples", r.zero_hit},
                       {"slowest_queries", r.slowest},
                       {"first_relevant_rank", r.first_relevant_rank}});
  }
  nlohmann::ordered_json j = {{"benchmark", "relevance"},
                      {"dataset", ds.name},
                      {"source", ds.source},
                      {"documents", ds.documents.size()},
                      {"queries", ds.queries.size()},
                      {"max_queries", o.max_queries},
                      {"smoke", o.smoke},
                      {"result_limit", kResultLimit},
                      {"command", o.command_line},
                      {"xapian_version", Xapian::version_string()},
                      {"finished_at", utc_now()},
                      {"notes", "first_relevant_rank is per query in dataset order, 0 = not in the top 100"},
                      {"systems", systems}};
  fs::create_directories(o.out_dir);
  fs::path path = o.out_dir / ("relevance-" + ds.name + ".json");
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
  return path;
}

void print_table(const std::vector<std::pair<const bench::Dataset*, SystemResult>>& rows) {
  std::printf("%-15s %-17s %6s %7s %7s %7s %6s %6s %6s %5s %4s %8s %12s %9s\n", "dataset", "system", "docs", "queries",
              "MRR@10", "nDCG@10", "R@1", "R@10", "R@100", "zero", "err", "build_s", "index_bytes", "median_ms");
  for (const auto& [ds, r] : rows)
    std::printf("%-15s %-17s %6zu %7zu %7.4f %7.4f %6.4f %6.4f %6.4f %5zu %4zu %8.2f %12ju %9.3f\n", ds->name.c_str(),
                r.system.c_str(), ds->documents.size(), ds->queries.size(), r.scores.mrr_10, r.scores.ndcg_10,
                r.scores.recall_1, r.scores.recall_10, r.scores.recall_100, r.zero_hits, r.errors, r.build_seconds,
                r.index_bytes, r.median_query_ms);
  std::fflush(stdout);
}

int run(const Options& o) {
  for (const auto& name : o.datasets) {
    if (auto missing = bench::missing_data(name, o.data_dir)) {
      if (o.smoke) {
        std::cerr << "relevance: SKIP: benchmark data not found: " << missing->string() << " (--data-dir)\n";
        return kExitSkip;
      }
      std::cerr << "relevance: benchmark data not found: " << missing->string()
                << "\n  (see ../shared/data/README.md; point --data-dir at the folder holding korquad-v1-dev/ and sci-news-sum-kr-50/)\n";
      return kExitError;
    }
  }

  Progress progress;
  std::shared_ptr<const sosik::Analyzer> analyzer;
  if (std::any_of(o.systems.begin(), o.systems.end(), [](const std::string& s) { return s.rfind("sosik", 0) == 0; })) {
    progress.status("loading the sosik analyzer");
    analyzer = sosik::Analyzer::korean();  // loaded once: its ~0.3 s is not part of any index build
  }
  WorkDir work(o.work_dir);

  std::vector<std::unique_ptr<bench::Dataset>> datasets;
  std::vector<std::pair<const bench::Dataset*, SystemResult>> rows;
  std::vector<fs::path> written;
  for (const auto& name : o.datasets) {
    progress.status("loading " + name);
    auto ds = std::make_unique<bench::Dataset>(bench::load_dataset(name, o.data_dir, o.smoke));
    bench::sample_queries(*ds, o.max_queries);
    std::vector<SystemResult> results;
    for (const auto& system : o.systems)
      results.push_back(run_system(*ds, system, work.path() / ds->name / system, analyzer, progress));
    written.push_back(write_json(o, *ds, results));
    for (auto& r : results) rows.emplace_back(ds.get(), std::move(r));
    datasets.push_back(std::move(ds));
  }
  progress.done();
  print_table(rows);
  for (const auto& p : written) std::cerr << "wrote " << p.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "relevance: " << e.what() << "\n" << kUsage;
    return kExitUsage;
  }
  try {
    return run(options);
  } catch (const Xapian::Error& e) {
    std::cerr << "relevance: " << e.get_description() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "relevance: " << e.what() << "\n";
  }
  return kExitError;
}
