#include "writer.h"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "../analysis/hangul.h"
#include "../schema.h"
#include "document.h"

namespace sosik {

void check_schema_version(const Xapian::Database& db, const std::string& path) {
  std::string v = db.get_metadata(std::string(kSchemaVersionKey));
  if (v.empty() && db.get_doccount() == 0) return;
  if (v != kSchemaVersion)
    throw std::runtime_error("index at " + path + " has schema version '" + v + "', this build reads '" +
                             std::string(kSchemaVersion) + "': re-index it");
}

namespace {

bool has_term(const Xapian::Document& doc, const std::string& term) {
  Xapian::TermIterator t = doc.termlist_begin();
  t.skip_to(term);
  return t != doc.termlist_end() && *t == term;
}

bool is_stub(const Xapian::Document& doc) { return has_term(doc, std::string(kKindPrefix) + "stub"); }

}  // namespace

std::optional<Xapian::docid> find_document(const Xapian::Database& db, const std::string& term) {
  Xapian::PostingIterator it = db.postlist_begin(term);
  if (it == db.postlist_end(term)) return std::nullopt;
  return *it;
}

std::optional<Xapian::docid> resolve_link(const Xapian::Database& db, const Analyzer& analyzer, const RelatedStory& story) {
  std::vector<std::string> keys = link_keys(analyzer, story.title, story.url);
  for (const auto& key : keys)
    if (auto d = find_document(db, key)) return d;
  for (const auto& key : keys)
    if (auto d = find_document(db, stub_key(key))) return d;
  return std::nullopt;
}

IndexWriter::IndexWriter(const std::string& path, std::shared_ptr<const Analyzer> analyzer, size_t batch_size)
    : db_(path, Xapian::DB_CREATE_OR_OPEN), analyzer_(std::move(analyzer)), batch_size_(batch_size ? batch_size : 1) {
  check_schema_version(db_, path);
  db_.set_metadata(std::string(kSchemaVersionKey), std::string(kSchemaVersion));
}

IndexWriter::~IndexWriter() {
  try {
    commit();
  } catch (...) {
    // Destructors must not throw; an uncommitted batch is lost, the last commit stays intact.
  }
}

void IndexWriter::add(const Article& article) {
  std::vector<std::string> spelling;
  Xapian::Document doc = make_document(article, *analyzer_, &spelling);
  std::string id_term = boolean_term(field("id").prefix, article.id);

  // The same id replaces itself; else a stub for the same URL or title becomes this article and
  // keeps the links that point to it.
  std::optional<Xapian::docid> target = find_document(db_, id_term);
  bool was_stub = false;
  if (!target && !article.stub) {
    for (const auto& key : link_keys(*analyzer_, article.title, article.url)) {
      if ((target = find_document(db_, stub_key(key)))) {
        was_stub = true;
        break;
      }
    }
  }
  if (target) {
    if (article.stub && !is_stub(db_.get_document(*target))) return;  // a full article is never downgraded to a stub
    db_.replace_document(*target, doc);
    if (was_stub) ++stats_.merged;
  } else {
    db_.add_document(doc);
  }
  // Spelling frequencies count each article once (new, or taking a stub's place), so
  // re-ingesting leaves them unchanged.
  if (!target || was_stub) add_spelling(spelling);
  if (!article.stub) ++stats_.indexed;
  for (const auto& story : article.related) link_to(article, story);
  maybe_commit();
}

void IndexWriter::add_spelling(std::vector<std::string>& words) { add_spelling_words(db_, words); }

void add_spelling_words(Xapian::WritableDatabase& db, std::vector<std::string>& words) {
  // Spelling suggestions come from the words an article is about: its title's (counted twice
  // by make_document), and body words it uses at least twice. All words would make indexing
  // 1.6x slower (Xapian stores fragments of each new word) for corrections nobody asks for.
  std::sort(words.begin(), words.end());
  for (size_t i = 0, j; i < words.size(); i = j) {
    for (j = i + 1; j < words.size() && words[j] == words[i]; ++j) {
    }
    if (j - i < 2) continue;
    db.add_spelling(words[i], static_cast<Xapian::termcount>(j - i));
    // The same words complete what people type: by jamo (마이크로솦 → 마이크로소프트) and by
    // initial consonants (ㅁㅇㅋ → 마이크로소프트).
    if (std::string cho = choseong(words[i]); !cho.empty()) {
      db.add_synonym(std::string(kJamoKey) + to_jamo(words[i]), words[i]);
      db.add_synonym(std::string(kChoseongKey) + cho, words[i]);
    }
  }
}

void IndexWriter::link_to(const Article& from, const RelatedStory& story) {
  // The link itself is the XR term on `from` (make_document); only a story not yet in the index
  // needs a document, its stub.
  if (resolve_link(db_, *analyzer_, story)) return;
  Article stub;
  stub.id = stub_id(*analyzer_, story);
  stub.title = story.title;
  stub.url = story.url;
  stub.outlet = from.outlet;  // linked stories are the same outlet's (seed README)
  stub.lang = from.lang;
  stub.stub = true;
  db_.add_document(make_document(stub, *analyzer_));
  ++stats_.stubs;
}

bool IndexWriter::remove(const std::string& id) {
  std::string term = boolean_term(field("id").prefix, id);
  if (!find_document(db_, term)) return false;
  db_.delete_document(term);
  ++stats_.deleted;
  maybe_commit();
  return true;
}

void IndexWriter::maybe_commit() {
  if (++pending_ >= batch_size_) commit();
}

void IndexWriter::commit() {
  db_.set_metadata(std::string(kCommittedAtKey), std::to_string(std::time(nullptr)));
  db_.commit();
  pending_ = 0;
}

}  // namespace sosik
