#include "shards.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace sosik {
namespace fs = std::filesystem;

nlohmann::json to_json(const ShardHealth& h) {
  return {{"total", h.total}, {"answered", h.answered}, {"failed", h.failed}};
}

std::vector<StubEntry> parse_stub(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Xapian::DatabaseOpeningError("cannot read stub database file " + path + ": " + std::strerror(errno));
  // Relative paths are relative to the stub's directory, as Xapian reads them.
  const fs::path base = fs::path(path).parent_path();
  std::vector<StubEntry> out;
  std::string line;
  for (unsigned line_no = 1; std::getline(in, line); ++line_no) {
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) {
      return Xapian::DatabaseOpeningError(path + ":" + std::to_string(line_no) + ": " + why +
                                          " (Xapian 1.4 stub lines: 'auto PATH' or 'remote HOST:PORT')");
    };
    size_t space = line.find(' ');
    std::string type = line.substr(0, space), rest = space == std::string::npos ? "" : line.substr(space + 1);
    StubEntry e;
    e.line = line;
    if (type == "auto" || type == "glass" || type == "chert") {
      if (rest.empty()) throw bad("no path");
      e.kind = StubEntry::Kind::Local;
      e.path = fs::path(rest).is_absolute() || base.empty() ? rest : (base / rest).string();
      e.backend = type == "glass" ? Xapian::DB_BACKEND_GLASS : type == "chert" ? Xapian::DB_BACKEND_CHERT : 0;
    } else if (type == "remote" && !rest.empty() && rest[0] == ':') {
      e.kind = StubEntry::Kind::Program;  // remote :PROGRAM ARGS (xapian-progsrv, e.g. over ssh)
      size_t sp = rest.find(' ');
      e.path = rest.substr(1, sp == std::string::npos ? std::string::npos : sp - 1);
      if (sp != std::string::npos) e.args = rest.substr(sp + 1);
      if (e.path.empty()) throw bad("no program");
    } else if (type == "remote") {
      size_t colon = rest.rfind(':');
      if (colon == std::string::npos || colon == 0) throw bad("expected HOST:PORT");
      std::string port = rest.substr(colon + 1);
      if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(port) == 0 || std::stoul(port) > 65535)
        throw bad("bad port '" + port + "'");
      e.kind = StubEntry::Kind::Remote;
      e.host = rest.substr(0, colon);
      if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']') e.host = e.host.substr(1, e.host.size() - 2);
      e.port = static_cast<unsigned>(std::stoul(port));
    } else {
      throw bad("unknown line");
    }
    out.push_back(std::move(e));
  }
  return out;
}

bool is_stub_file(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  // A single-file glass database starts with Xapian's magic; a stub file is text.
  char magic[9] = {};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;  // unreadable: let parse_stub say so
  ssize_t n = ::read(fd, magic, sizeof magic);
  ::close(fd);
  return !(n == sizeof magic && std::memcmp(magic, "\x0f\x0dXapian ", sizeof magic) == 0);
}

void IndexHandle::reopen() {
  main_.reopen();
  if (side_) side_->reopen();
}

IndexSource::IndexSource(std::string path, ShardOptions options) : path_(std::move(path)), options_(std::move(options)) {
  std::error_code ec;
  std::string stub_file = path_;
  // A "stub directory" (Xapian): a directory holding a stub file named XAPIANDB.
  if (fs::is_directory(path_, ec) && !fs::exists(path_ + "/iamglass", ec) && fs::exists(path_ + "/XAPIANDB", ec))
    stub_file = path_ + "/XAPIANDB";
  stub_ = is_stub_file(stub_file);
  if (stub_) path_ = stub_file;
  side_path_ = options_.side;
  if (side_path_.empty() && stub_) {
    fs::path side = fs::path(path_).parent_path() / "side";
    if (fs::exists(side / "iamglass", ec)) side_path_ = side.string();
  }
  if (stub_) {
    std::lock_guard lock(mu_);
    reload_locked();
  }
}

void IndexSource::reload_locked() {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) {
    if (shards_.empty()) throw Xapian::DatabaseOpeningError("cannot read stub database file " + path_ + ": " + std::strerror(errno));
    return;  // gone for a moment (being replaced): keep the shards we know
  }
  if (st.st_mtim.tv_sec == stub_mtime_.tv_sec && st.st_mtim.tv_nsec == stub_mtime_.tv_nsec && st.st_size == stub_size_) return;
  std::vector<StubEntry> entries;
  try {
    entries = parse_stub(path_);
  } catch (const Xapian::Error&) {
    if (shards_.empty()) throw;
    return;  // half-edited: keep the shards we know, read it again when it changes
  }
  stub_mtime_ = st.st_mtim;
  stub_size_ = st.st_size;
  std::vector<Shard> next;
  for (auto& e : entries) {
    Shard s{std::move(e), false, {}};
    for (const auto& old : shards_)
      if (old.entry.line == s.entry.line) {
        s.failed = old.failed;
        s.retry_at = old.retry_at;
      }
    next.push_back(std::move(s));
  }
  shards_ = std::move(next);
  ++generation_;
}

Xapian::Database IndexSource::open_shard(const StubEntry& e) const {
  switch (e.kind) {
    case StubEntry::Kind::Local:
      return Xapian::Database(e.path, e.backend);
    case StubEntry::Kind::Remote:
      return Xapian::Remote::open(e.host, e.port, options_.remote_timeout_ms, options_.remote_timeout_ms);
    case StubEntry::Kind::Program:
      return Xapian::Remote::open(e.path, e.args, options_.remote_timeout_ms);
  }
  throw Xapian::InvalidArgumentError("unknown stub entry kind");
}

std::unique_ptr<IndexHandle> IndexSource::open() {
  auto h = std::make_unique<IndexHandle>();
  if (!side_path_.empty()) h->side_ = Xapian::Database(side_path_);
  if (!stub_) {
    h->main_ = Xapian::Database(path_);
    return h;
  }
  struct Try {
    StubEntry entry;
    bool skip = false;
    std::string error;
  };
  std::vector<Try> tries;
  {
    std::lock_guard lock(mu_);
    reload_locked();
    auto now = std::chrono::steady_clock::now();
    for (auto& s : shards_) {
      bool skip = s.failed && now < s.retry_at;
      // This reader tries the failed shard again; the others go on without it meanwhile, so a
      // shard that is down costs one timeout per retry period, not one per search.
      if (s.failed && !skip) s.retry_at = now + std::chrono::milliseconds(options_.retry_after_ms);
      tries.push_back(Try{s.entry, skip, ""});
    }
  }
  ShardHealth health;
  health.total = tries.size();
  std::string errors;
  for (auto& t : tries) {
    if (!t.skip) {
      try {
        h->main_.add_database(open_shard(t.entry));
        ++health.answered;
        continue;
      } catch (const Xapian::Error& e) {
        t.error = e.get_description();
        errors += "; " + t.entry.line + ": " + t.error;
      }
    } else {
      errors += "; " + t.entry.line + ": failed recently";
    }
    health.failed.push_back(t.entry.line);
  }
  {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    for (const auto& t : tries) {
      if (t.skip) continue;
      for (auto& s : shards_) {
        if (s.entry.line != t.entry.line) continue;
        bool failed = !t.error.empty();
        if (failed != s.failed) ++generation_;  // other readers reopen: without it, or with it again
        s.failed = failed;
        if (failed) s.retry_at = now + std::chrono::milliseconds(options_.retry_after_ms);
      }
    }
    h->generation_ = generation_;
  }
  if (health.answered == 0)
    throw Xapian::DatabaseOpeningError("no shard of " + path_ + " answered" + (errors.empty() ? std::string(" (no shards listed)") : errors));
  h->health_ = std::move(health);
  return h;
}

bool IndexSource::current(const IndexHandle& h) {
  if (!stub_) return true;
  std::lock_guard lock(mu_);
  reload_locked();
  if (h.generation_ != generation_) return false;
  auto now = std::chrono::steady_clock::now();
  for (const auto& s : shards_)
    if (s.failed && now >= s.retry_at) return false;  // time to try it again
  return true;
}

std::vector<std::string> IndexSource::lines() {
  std::vector<std::string> out;
  if (!stub_) return out;
  std::lock_guard lock(mu_);
  reload_locked();
  for (const auto& s : shards_) out.push_back(s.entry.line);
  return out;
}

void IndexSource::probe() {
  if (!stub_) return;
  std::vector<StubEntry> entries;
  {
    std::lock_guard lock(mu_);
    for (const auto& s : shards_) entries.push_back(s.entry);
  }
  std::vector<bool> failed;
  for (const auto& e : entries) {
    try {
      open_shard(e);
      failed.push_back(false);
    } catch (const Xapian::Error&) {
      failed.push_back(true);
    }
  }
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < entries.size(); ++i)
    for (auto& s : shards_) {
      if (s.entry.line != entries[i].line) continue;
      if (failed[i] != s.failed) ++generation_;
      s.failed = failed[i];
      if (failed[i]) s.retry_at = now + std::chrono::milliseconds(options_.retry_after_ms);
    }
}

}  // namespace sosik
