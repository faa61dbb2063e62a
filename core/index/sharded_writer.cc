#include "sharded_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "../schema.h"
#include "document.h"

namespace sosik {
namespace fs = std::filesystem;

std::string ShardLayout::to_string() const { return by == By::Month ? "month" : "hash " + std::to_string(shards); }

std::optional<ShardLayout> ShardLayout::parse(std::string_view text) {
  if (text == "month") return ShardLayout{By::Month, 0};
  if (text.substr(0, 5) != "hash ") return std::nullopt;
  std::string n(text.substr(5));
  if (n.empty() || n.size() > 4 || n.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  size_t shards = std::stoul(n);
  if (shards == 0) return std::nullopt;
  return ShardLayout{By::Hash, shards};
}

std::string shard_name(const ShardLayout& layout, std::string_view id, std::string_view month) {
  if (layout.by == ShardLayout::By::Month) return month.empty() ? "shard-undated" : "shard-" + std::string(month);
  char buf[32];
  std::snprintf(buf, sizeof buf, "shard-%02zu", stable_bucket(id, layout.shards));
  return buf;
}

namespace {

bool is_shard_dir_name(const std::string& name) { return name.rfind("shard-", 0) == 0; }

}  // namespace

std::optional<ShardLayout> ShardedIndexWriter::existing_layout(const std::string& dir) {
  std::error_code ec;
  fs::path side = fs::path(dir) / kSideIndexName;
  if (!fs::exists(fs::path(dir) / kStubFileName, ec) || !fs::is_directory(side, ec)) return std::nullopt;
  return ShardLayout::parse(Xapian::Database(side.string()).get_metadata(std::string(kLayoutKey)));
}

ShardedIndexWriter::ShardedIndexWriter(const std::string& dir, std::optional<ShardLayout> layout,
                                       std::shared_ptr<const Analyzer> analyzer, size_t batch_size)
    : dir_(dir), analyzer_(std::move(analyzer)), batch_size_(batch_size ? batch_size : 1) {
  std::error_code ec;
  if (fs::exists(fs::path(dir) / "iamglass", ec))
    throw std::runtime_error(dir + " holds an unsharded index: give a new directory for a sharded one");
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());

  const std::string side_path = (fs::path(dir) / kSideIndexName).string();
  side_ = Xapian::WritableDatabase(side_path, Xapian::DB_CREATE_OR_OPEN);
  check_schema_version(side_, side_path, *analyzer_);
  auto written = ShardLayout::parse(side_.get_metadata(std::string(kLayoutKey)));
  if (written && layout && *written != *layout)
    throw std::runtime_error(dir + " was written with layout '" + written->to_string() + "', not '" + layout->to_string() +
                             "': ids would land in other shards; index into a new directory to change the layout");
  if (!written && !layout) throw std::runtime_error(dir + " is not a sharded index (no " + side_path + " with a layout)");
  layout_ = written ? *written : *layout;
  side_.set_metadata(std::string(kLayoutKey), layout_.to_string());
  stamp_schema_version(side_, *analyzer_);

  if (layout_.by == ShardLayout::By::Hash) {
    for (size_t i = 0; i < layout_.shards; ++i) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "shard-%02zu", i);
      shard(buf);
    }
  } else {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_directory() && is_shard_dir_name(e.path().filename().string())) names.push_back(e.path().filename().string());
    if (ec) throw std::runtime_error("cannot list " + dir + ": " + ec.message());
    std::sort(names.begin(), names.end());
    for (const auto& n : names) shard(n);
  }
  write_stub();
}

ShardedIndexWriter::~ShardedIndexWriter() {
  try {
    commit();
  } catch (...) {
    // Destructors must not throw; an uncommitted batch is lost, each shard's last commit stays.
  }
}

ShardedIndexWriter::Shard& ShardedIndexWriter::shard(const std::string& name) {
  if (auto it = by_name_.find(name); it != by_name_.end()) return *it->second;
  const std::string path = (fs::path(dir_) / name).string();
  auto s = std::make_unique<Shard>(Shard{name, Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN)});
  check_schema_version(s->db, path, *analyzer_);
  stamp_schema_version(s->db, *analyzer_);
  Shard* p = s.get();
  // Stub order: by name (shard-00 < shard-01; months in order, then shard-undated).
  auto at = std::lower_bound(shards_.begin(), shards_.end(), name, [](const auto& a, const std::string& n) { return a->name < n; });
  shards_.insert(at, std::move(s));
  by_name_[name] = p;
  return *p;
}

ShardedIndexWriter::Shard& ShardedIndexWriter::home_of(const std::string& id, const Xapian::Document& doc) {
  // The month is the one make_document put in the month facet (Korean time), so shard and facet agree.
  return shard(shard_name(layout_, id, layout_.by == ShardLayout::By::Month ? doc.get_value(kMonthSlot) : std::string()));
}

std::optional<ShardedIndexWriter::Location> ShardedIndexWriter::find_any(const std::string& term) {
  for (auto& s : shards_)
    if (auto d = find_document(s->db, term)) return Location{s.get(), *d};
  return std::nullopt;
}

std::optional<ShardedIndexWriter::Location> ShardedIndexWriter::find_id(const std::string& id_term, Shard& home) {
  if (auto d = find_document(home.db, id_term)) return Location{&home, *d};
  // By hash an id is only ever in its home shard; by month an update may change the month.
  if (layout_.by == ShardLayout::By::Hash) return std::nullopt;
  return find_any(id_term);
}

std::optional<ShardedIndexWriter::Location> ShardedIndexWriter::resolve(const std::vector<std::string>& keys) {
  // As resolve_link: a full article by any key first, then a stub.
  for (const auto& key : keys)
    if (auto l = find_any(key)) return l;
  for (const auto& key : keys)
    if (auto l = find_any(stub_key(key))) return l;
  return std::nullopt;
}

void ShardedIndexWriter::add(PreparedArticle&& p) {
  const Article& article = p.article;
  const Xapian::Document& doc = p.doc;
  const std::string& id_term = p.id_term;
  Shard& home = home_of(article.id, doc);

  // As IndexWriter::add, across shards: the same id replaces itself; else a stub for the same URL
  // or title, in whichever shard, gives way to this article. (Links are XR terms on the linking
  // article, so nothing else moves.)
  std::optional<Location> target = find_id(id_term, home);
  bool was_stub = false;
  if (!target && !article.stub) {
    for (const auto& key : p.keys) {
      if ((target = find_any(stub_key(key)))) {
        was_stub = true;
        break;
      }
    }
  }
  if (target) {
    if (article.stub && !is_stub(target->shard->db.get_document(target->docid))) return;  // never downgraded to a stub
    if (target->shard == &home) {
      home.db.replace_document(target->docid, doc);
    } else {  // the article lives in its own shard, never beside a stub's or an old month's copy
      target->shard->db.delete_document(target->docid);
      home.db.add_document(doc);
    }
    if (was_stub) ++stats_.merged;
  } else {
    home.db.add_document(doc);
  }
  if (!article.stub) {
    // A stub of this story can be left in another shard only by a kill between two shard
    // commits; one database never holds both. Re-running the input removes it.
    for (const auto& key : p.keys)
      for (auto& s : shards_)
        if (find_document(s->db, stub_key(key))) s->db.delete_document(stub_key(key));
  }
  if (!target || was_stub) vocabulary_.add(p.spelling);
  if (!article.stub) ++stats_.indexed;
  for (auto& link : p.links) link_to(link);
  maybe_commit();
}

void ShardedIndexWriter::link_to(PreparedArticle::Link& link) {
  // As IndexWriter::link_to: the link is the XR term on the linking article; only a story in no
  // shard yet needs a document, its stub.
  if (resolve(link.keys)) return;
  const Xapian::Document stub = make_document(link.stub, *analyzer_);
  home_of(link.stub.id, stub).db.add_document(stub);  // the shard of the stub's own id (undated by month)
  ++stats_.stubs;
}

bool ShardedIndexWriter::remove(const std::string& id) {
  const std::string term = boolean_term(field("id").prefix, id);
  // By hash, the id's shard; by month the id does not say which: each shard is asked.
  std::optional<Location> at =
      layout_.by == ShardLayout::By::Hash ? find_id(term, shard(shard_name(layout_, id, ""))) : find_any(term);
  if (!at) return false;
  at->shard->db.delete_document(term);
  ++stats_.deleted;
  maybe_commit();
  return true;
}

void ShardedIndexWriter::maybe_commit() {
  if (++pending_ >= batch_size_) commit();
}

void ShardedIndexWriter::commit() {
  // Xapian commits each database atomically, not several together: shards first, then the side
  // index (its spelling counts follow the articles), then the stub, so a new month's shard is
  // listed only once it holds committed articles. docs/scale-out.md says what a kill between
  // two shard commits leaves.
  const std::string now = std::to_string(std::time(nullptr));
  for (auto& s : shards_) {
    s->db.set_metadata(std::string(kCommittedAtKey), now);
    s->db.commit();
  }
  vocabulary_.write(side_);
  side_.set_metadata(std::string(kCommittedAtKey), now);
  side_.commit();
  write_stub();
  pending_ = 0;
}

Xapian::doccount ShardedIndexWriter::document_count() const {
  Xapian::doccount n = 0;
  for (const auto& s : shards_) n += s->db.get_doccount();
  return n;
}

std::string ShardedIndexWriter::stub_path() const { return (fs::path(dir_) / kStubFileName).string(); }

std::vector<std::string> ShardedIndexWriter::shard_names() const {
  std::vector<std::string> out;
  for (const auto& s : shards_) out.push_back(s->name);
  return out;
}

void ShardedIndexWriter::write_stub() {
  std::string content = "# Xapian stub database written by the sosik indexer (layout: " + layout_.to_string() +
                        "): one line per shard.\n"
                        "# The indexer rewrites this file; write stubs with remote shards elsewhere (docs/scale-out.md).\n";
  for (const auto& s : shards_) content += "auto " + s->name + "\n";
  if (content == stub_written_) return;
  // A reader (searchd) sees the old file or the new one, never half of one.
  const std::string path = stub_path(), tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + ec.message());
  stub_written_ = content;
}

}  // namespace sosik
