// query-latency: in-process query latency of sosik (the library searchd serves from), per query.
//   query-latency --db DIR --queries FILE [--limit 10] [--warmup 1] [--repeat 1] [--snippets on|off|both]
//                 [--option NAME=VALUE ...] [--agreement]
// Runs every query of FILE (bench/gen_corpus.py --queries: `kind<TAB>query` lines) through
// sosik::Searcher::search exactly as GET /api/search?q=… does (default request: relevance order,
// spelling on, no filters or facets), `limit` hits, with snippets built and without. One
// untimed warm-up pass first (page cache warm), then the timed passes. Uncached: a Searcher
// without its response cache, so every pass matches; cached: searchd's Searcher (default cache),
// the warm-up pass fills the cache and the timed pass is answered from it. Prints JSON:
// p50/p90/p99 overall and per query kind, for each mode. --option changes one of the query
// options (core/search/query.h), to measure what an option costs (proximity_weight=0).
// --agreement also compares each query's hits with those of a Searcher that scores every match
// (candidate_depth=0, candidate_max_df=1): how often the first hit is the same, and the mean
// share of its top `limit` found in ours. It is what pruning candidates costs on a corpus
// without relevance judgments (the scale corpus), reported per query kind.
#include <algorithm>
#include <chrono>
#include <map>
#include <cstdlib>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "analysis/analyzer.h"
#include "cli.h"
#include "latency.h"
#include "search/searcher.h"

namespace {
[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "query-latency: " << message
            << "\nusage: query-latency --db DIR --queries FILE [--limit N] [--warmup N] [--repeat N] "
               "[--snippets on|off|both] [--option NAME=VALUE ...] [--agreement]\n";
  std::exit(2);
}
size_t to_count(const std::string& name, const std::string& v, bool allow_zero = false) {
  if (auto n = sosik::parse_count(v, allow_zero ? 0 : 1)) return *n;
  usage_error(name + " expects a number, got '" + v + "'");
}
}  // namespace

int main(int argc, char** argv) {
  std::string db, queries_path, snippets = "both";
  size_t limit = 10;
  int warmup = 1, repeat = 1;
  bool agreement = false;
  sosik::QueryOptions options;
  nlohmann::ordered_json changed = nlohmann::ordered_json::object();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--db") db = value();
    else if (arg == "--queries") queries_path = value();
    else if (arg == "--limit") limit = to_count(arg, value());
    else if (arg == "--warmup") warmup = static_cast<int>(to_count(arg, value(), true));
    else if (arg == "--repeat") repeat = static_cast<int>(to_count(arg, value()));
    else if (arg == "--snippets") snippets = value();
    else if (arg == "--agreement") agreement = true;
    else if (arg == "--option") {
      std::string item = value();
      size_t eq = item.find('=');
      if (eq == std::string::npos || !sosik::set_query_option(options, item.substr(0, eq), item.substr(eq + 1)))
        usage_error("--option expects NAME=VALUE with a field of QueryOptions and a number, got '" + item + "'");
      changed[item.substr(0, eq)] = item.substr(eq + 1);
    }
    else usage_error("unknown argument '" + arg + "'");
  }
  if (db.empty() || queries_path.empty()) usage_error("--db and --queries are required");
  if (snippets != "on" && snippets != "off" && snippets != "both") usage_error("--snippets is on, off or both");
  try {
    auto queries = bench::read_queries(queries_path);
    auto t0 = std::chrono::steady_clock::now();
    auto analyzer = sosik::Analyzer::korean();
    sosik::Searcher searcher(db, analyzer, options, nullptr, 0);  // no response cache
    double open_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::ordered_json out = {{"system", "sosik"}, {"db", db}, {"documents", searcher.document_count()},
                                  {"queries", queries.size()}, {"limit", limit}, {"options", changed},
                                  {"open_ms", open_ms}};
    for (bool with_snippets : {true, false}) {
      if (snippets == (with_snippets ? "off" : "on")) continue;
      auto search = [&](const std::string& text) -> size_t {
        sosik::SearchRequest req;
        req.q = text;
        req.limit = limit;
        req.snippets = with_snippets;
        try {
          return searcher.search(req).hits.size();
        } catch (const Xapian::Error& e) {
          throw std::runtime_error(e.get_description());
        }
      };
      out[with_snippets ? "snippets_on" : "snippets_off"] = bench::measure(queries, warmup, repeat, search);
    }
    if (snippets != "off") {  // as searchd answers a repeated request: from its cache
      sosik::Searcher cached(db, analyzer, options);
      out["snippets_on_cached"] = bench::measure(queries, std::max(warmup, 1), repeat, [&](const std::string& text) -> size_t {
        sosik::SearchRequest req;
        req.q = text;
        req.limit = limit;
        return cached.search(req).hits.size();
      });
    }
    if (agreement) {
      sosik::QueryOptions every = options;
      every.candidate_depth = 0;
      every.candidate_max_df = 1;
      sosik::Searcher reference(db, analyzer, every, nullptr, 0);
      auto ids = [&](const sosik::Searcher& s, const std::string& text) {
        sosik::SearchRequest req;
        req.q = text;
        req.limit = limit;
        req.snippets = false;
        std::vector<std::string> out;
        for (const auto& h : s.search(req).hits) out.push_back(h.id);
        return out;
      };
      struct Tally { size_t n = 0, same_first = 0; double overlap = 0; };
      std::map<std::string, Tally> by_kind;
      for (const auto& q : queries) {
        std::vector<std::string> got = ids(searcher, q.text), want = ids(reference, q.text);
        Tally& t = by_kind[q.kind];
        ++t.n;
        t.same_first += got.empty() == want.empty() && (got.empty() || got[0] == want[0]);
        size_t found = 0;
        for (const auto& id : want) found += std::find(got.begin(), got.end(), id) != got.end();
        t.overlap += want.empty() ? 1.0 : static_cast<double>(found) / static_cast<double>(want.size());
      }
      nlohmann::ordered_json kinds = nlohmann::ordered_json::object();
      for (const auto& [kind, t] : by_kind)
        kinds[kind] = {{"n", t.n}, {"same_first_hit", t.same_first}, {"top_overlap", t.overlap / static_cast<double>(t.n)}};
      out["agreement_with_every_match"] = kinds;
    }
    std::cout << out.dump() << std::endl;
    return 0;
  } catch (const Xapian::Error& e) {
    std::cerr << "query-latency: " << db << ": " << e.get_description() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "query-latency: " << e.what() << "\n";
  }
  return 1;
}
