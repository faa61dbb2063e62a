// The plain-Xapian baseline of the speed benchmarks: Xapian's own CJK support, nothing of sosik.
// Built twice (bench/CMakeLists.txt):
//   xapian-ngram-index --db DIR [--batch N] FILE.jsonl...
//       TermGenerator with FLAG_CJK_NGRAM over title (wdf x3, as sosik weights titles) then body,
//       a unique id term (replace by id, as sosik does), the JSON line as document data; commits
//       every N articles (default 1000, as the sosik indexer). One thread: Xapian's TermGenerator
//       has no parallel mode. Prints {"indexed", "rejected", "documents", "seconds", "docs_per_sec"}.
//   xapian-ngram-query --db DIR --queries FILE [--limit 10] [--warmup 1] [--repeat 1] [--op and|or]
//       QueryParser (FLAG_DEFAULT | FLAG_CJK_NGRAM, default_op AND), BM25, top `limit` with each
//       hit's stored data read (what a server returns). Prints latency p50/p90/p99 as JSON.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "../../core/cli.h"
#include "../latency.h"

namespace {

[[noreturn]] void usage_error(const std::string& message) {
#ifdef XAPIAN_NGRAM_INDEX
  std::cerr << "xapian-ngram-index: " << message << "\nusage: xapian-ngram-index --db DIR [--batch N] FILE.jsonl...\n";
#else
  std::cerr << "xapian-ngram-query: " << message
            << "\nusage: xapian-ngram-query --db DIR --queries FILE [--limit N] [--warmup N] [--repeat N] [--op and|or]\n";
#endif
  std::exit(2);
}

size_t to_count(const std::string& name, const std::string& v, bool allow_zero = false) {
  if (auto n = sosik::parse_count(v, allow_zero ? 0 : 1)) return *n;
  usage_error(name + " expects a number, got '" + v + "'");
}

#ifdef XAPIAN_NGRAM_INDEX
int run(const std::string& db_path, const std::vector<std::string>& files, size_t batch) {
  auto t0 = std::chrono::steady_clock::now();
  Xapian::WritableDatabase db(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator gen;
  gen.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  size_t indexed = 0, rejected = 0, pending = 0;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << file << ": cannot read\n";
      ++rejected;
      continue;
    }
    size_t lineno = 0;
    for (std::string line; std::getline(in, line);) {
      ++lineno;
      if (line.empty()) continue;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("body") || !j["body"].is_string()) {
        std::cerr << file << ":" << lineno << ": not an article\n";
        ++rejected;
        continue;
      }
      Xapian::Document doc;
      gen.set_document(doc);
      if (j.contains("title") && j["title"].is_string()) gen.index_text(j["title"].get<std::string>(), 3);
      gen.increase_termpos();  // no phrase across title and body
      gen.index_text(j["body"].get<std::string>());
      std::string idterm = "Q";
      idterm += j["id"].get_ref<const std::string&>();
      doc.add_boolean_term(idterm);
      doc.set_data(line);
      db.replace_document(idterm, doc);
      ++indexed;
      if (++pending >= batch) {
        db.commit();
        pending = 0;
      }
    }
  }
  db.commit();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::ordered_json summary = {{"db", db_path}, {"indexed", indexed}, {"rejected", rejected},
                                    {"documents", db.get_doccount()}, {"seconds", secs},
                                    {"docs_per_sec", secs > 0 ? indexed / secs : 0.0}};
  std::cout << summary.dump() << std::endl;
  return rejected ? 1 : 0;
}
#else
int run(const std::string& db_path, const std::string& queries_path, size_t limit, int warmup, int repeat,
        Xapian::Query::op op) {
  auto queries = bench::read_queries(queries_path);
  Xapian::Database db(db_path);
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_default_op(op);
  Xapian::Enquire enquire(db);  // BM25Weight is Xapian's default
  size_t bytes = 0;
  auto search = [&](const std::string& text) -> size_t {
    try {
      Xapian::Query q = parser.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM);
      if (q.empty()) return 0;
      enquire.set_query(q);
      Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
      for (auto it = mset.begin(); it != mset.end(); ++it) bytes += it.get_document().get_data().size();
      return mset.size();
    } catch (const Xapian::Error& e) {  // 1.4's QueryParser throws on some CJK queries
      throw std::runtime_error(e.get_description());
    }
  };
  nlohmann::ordered_json out = {{"system", "xapian-ngram"}, {"db", db_path}, {"documents", db.get_doccount()},
                                {"queries", queries.size()}, {"limit", limit}};
  out["latency"] = bench::measure(queries, warmup, repeat, search);
  std::cout << out.dump() << std::endl;
  return 0;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  std::vector<std::string> positional;
  size_t batch = 1000, limit = 10;
  int warmup = 1, repeat = 1;
  std::string queries, op = "and";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--db") db = value();
    else if (arg == "--batch") batch = to_count(arg, value());
    else if (arg == "--queries") queries = value();
    else if (arg == "--limit") limit = to_count(arg, value());
    else if (arg == "--warmup") warmup = static_cast<int>(to_count(arg, value(), true));
    else if (arg == "--repeat") repeat = static_cast<int>(to_count(arg, value()));
    else if (arg == "--op") op = value();
    else if (!arg.empty() && arg[0] == '-') usage_error("unknown option '" + arg + "'");
    else positional.push_back(arg);
  }
  if (db.empty()) usage_error("--db is required");
  try {
#ifdef XAPIAN_NGRAM_INDEX
    (void)limit, (void)warmup, (void)repeat;
    if (positional.empty()) usage_error("no input file");
    return run(db, positional, batch);
#else
    (void)batch;
    if (queries.empty()) usage_error("--queries is required");
    if (op != "and" && op != "or") usage_error("--op is and or or");
    return run(db, queries, limit, warmup, repeat, op == "and" ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
#endif
  } catch (const Xapian::Error& e) {
    std::cerr << db << ": " << e.get_description() << "\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
  }
  return 1;
}
