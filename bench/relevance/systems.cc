#include "systems.h"

#include <stdexcept>
#include <unordered_map>

#include <xapian.h>

#include "analysis/analyzer.h"
#include "cjk_bigrams.h"
#include "index/writer.h"
#include "search/searcher.h"

namespace bench {
namespace {

namespace fs = std::filesystem;

// Documents get docid = index + 1, so a match maps back to its document without a lookup.
Xapian::docid docid_of(size_t index) { return static_cast<Xapian::docid>(index + 1); }
size_t index_of(Xapian::docid id) { return static_cast<size_t>(id) - 1; }

std::vector<size_t> ranked_indices(const Xapian::MSet& mset) {
  std::vector<size_t> out;
  out.reserve(mset.size());
  for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back(index_of(*it));
  return out;
}

// Shared by the Xapian baselines: how a document becomes terms differs, the rest does not.
class XapianSystem : public RetrievalSystem {
 public:
  void build(const std::vector<Document>& docs, const fs::path& dir) override {
    Xapian::WritableDatabase db(dir.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    for (size_t i = 0; i < docs.size(); ++i) db.replace_document(docid_of(i), make_document(docs[i]));
    db.commit();
    db.close();
    db_ = Xapian::Database(dir.string());
  }

  Hits search(const std::string& query, size_t limit) override {
    Hits hits;
    Xapian::Query q;
    try {
      q = parse(query);
    } catch (const Xapian::Error& e) {
      // Xapian 1.4.22's QueryParser throws on some CJK queries (`a 가 b`): the user gets nothing.
      hits.error = true;
      hits.error_message = e.get_description();
      return hits;
    }
    if (q.empty()) return hits;
    Xapian::Enquire enquire(db_);  // BM25Weight is Xapian's default
    enquire.set_query(q);
    hits.ranked = ranked_indices(enquire.get_mset(0, static_cast<Xapian::doccount>(limit)));
    return hits;
  }

 protected:
  virtual Xapian::Document make_document(const Document& d) = 0;
  virtual Xapian::Query parse(const std::string& query) = 0;

 private:
  Xapian::Database db_;
};

// Xapian's own CJK support: TermGenerator and QueryParser with FLAG_CJK_NGRAM.
class XapianNgram : public XapianSystem {
 public:
  explicit XapianNgram(Xapian::Query::op default_op) {
    generator_.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    parser_.set_default_op(default_op);
  }

 protected:
  Xapian::Document make_document(const Document& d) override {
    Xapian::Document doc;
    generator_.set_document(doc);
    generator_.index_text(d.title);
    generator_.increase_termpos();  // no phrase across title and body
    generator_.index_text(d.body);
    return doc;
  }

  Xapian::Query parse(const std::string& query) override {
    return parser_.parse_query(query, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM);
  }

 private:
  Xapian::TermGenerator generator_;
  Xapian::QueryParser parser_;
};

// Lucene CJKAnalyzer-style bigrams (cjk_bigrams.h), any term may match (OP_OR), BM25.
class BigramBm25 : public XapianSystem {
 protected:
  Xapian::Document make_document(const Document& d) override {
    Xapian::Document doc;
    Xapian::termpos pos = 0;
    for (const auto& t : cjk_bigram_terms(d.title)) doc.add_posting(t, ++pos);
    pos += 100;  // no phrase across title and body
    for (const auto& t : cjk_bigram_terms(d.body)) doc.add_posting(t, ++pos);
    return doc;
  }

  Xapian::Query parse(const std::string& query) override {
    std::vector<std::string> terms = cjk_bigram_terms(query);
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }
};

// The project's library through its public API only, so a change to it moves this number.
class Sosik : public RetrievalSystem {
 public:
  Sosik(std::shared_ptr<const sosik::Analyzer> analyzer, sosik::QueryOptions options)
      : analyzer_(std::move(analyzer)), options_(options) {
    if (!analyzer_) throw std::invalid_argument("the sosik system needs an Analyzer");
  }

  void build(const std::vector<Document>& docs, const fs::path& dir) override {
    {
      sosik::IndexWriter writer(dir.string(), analyzer_);
      for (size_t i = 0; i < docs.size(); ++i) {
        sosik::Article a;
        a.id = docs[i].id;
        a.title = docs[i].title;
        a.body = docs[i].body;
        writer.add(a);
        index_by_id_[docs[i].id] = i;
      }
      writer.commit();
    }
    // The product's configuration: aliases from schemas/aliases.json included.
    searcher_ = std::make_unique<sosik::Searcher>(dir.string(), analyzer_, options_,
                                                  std::make_shared<sosik::AliasTable>(sosik::AliasTable::default_path(), analyzer_));
  }

  Hits search(const std::string& query, size_t limit) override {
    Hits hits;
    sosik::SearchRequest req;  // named fields: the request keeps growing options
    req.q = query;
    req.limit = limit;
    req.snippets = false;  // ranking only: snippets are for people, and cost more than the match
    sosik::SearchResponse res;
    try {
      res = searcher_->search(req);
    } catch (const std::exception& e) {
      // Reported as a per-query error so one bad query does not hide the other thousands.
      hits.error = true;
      hits.error_message = e.what();
      return hits;
    }
    for (const auto& h : res.hits) {
      auto it = index_by_id_.find(h.id);
      if (it != index_by_id_.end()) hits.ranked.push_back(it->second);
    }
    return hits;
  }

 private:
  std::shared_ptr<const sosik::Analyzer> analyzer_;
  sosik::QueryOptions options_;
  std::unordered_map<std::string, size_t> index_by_id_;
  std::unique_ptr<sosik::Searcher> searcher_;
};

}  // namespace

const std::vector<std::string>& all_system_names() {
  static const std::vector<std::string> names = {"xapian-ngram-and", "xapian-ngram-or", "bigram-bm25", "sosik"};
  return names;
}

std::unique_ptr<RetrievalSystem> make_system(std::string_view name, std::shared_ptr<const sosik::Analyzer> analyzer) {
  if (name == "xapian-ngram-and") return std::make_unique<XapianNgram>(Xapian::Query::OP_AND);
  if (name == "xapian-ngram-or") return std::make_unique<XapianNgram>(Xapian::Query::OP_OR);
  if (name == "bigram-bm25") return std::make_unique<BigramBm25>();
  if (name == "sosik") return std::make_unique<Sosik>(std::move(analyzer), sosik::QueryOptions{});
  // sosik:name=value:name=value… : the library with some query options changed (tuning runs).
  if (name.rfind("sosik:", 0) == 0) {
    sosik::QueryOptions options;
    std::string_view rest = name.substr(6);
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string_view item = rest.substr(0, colon);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
      size_t eq = item.find('=');
      if (eq == std::string_view::npos || !sosik::set_query_option(options, item.substr(0, eq), item.substr(eq + 1)))
        throw std::invalid_argument("bad option '" + std::string(item) + "' in system '" + std::string(name) + "'");
    }
    return std::make_unique<Sosik>(std::move(analyzer), options);
  }
  throw std::invalid_argument("unknown system '" + std::string(name) + "'");
}

}  // namespace bench
