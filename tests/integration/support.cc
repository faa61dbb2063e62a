#include "support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include <xapian.h>

#include "article.h"
#include "schema.h"
#include "search/snippet.h"
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace sosik::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "sosik-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

std::vector<char*> c_args(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string drain(int fd) {
  std::string s;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv) {
  // Output goes to temporary files: no pipe can fill up and deadlock a chatty child.
  TempDir tmp;
  std::string out_path = tmp / "out", err_path = tmp / "err";
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    auto args = c_args(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int o = open(out_path.c_str(), O_RDONLY), e = open(err_path.c_str(), O_RDONLY);
  r.out = drain(o);
  r.err = drain(e);
  close(o);
  close(e);
  return r;
}

CommandResult run_indexer(const std::string& db, const std::vector<std::string>& args) {
  std::vector<std::string> argv{SOSIK_INDEXER, "--db", db};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

pid_t spawn(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    auto args = c_args(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::map<std::string, std::string> dump_index(const std::string& path) {
  Xapian::Database db(path);
  std::map<std::string, std::string> out;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    Xapian::Document doc = db.get_document(*it);
    std::string json = unpack_stored(stored_article(doc));
    std::string id = nlohmann::json::parse(json).value("id", "");
    std::string dump = json + "\n";
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      dump += *t + ":" + std::to_string(t.get_wdf());
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) dump += "," + std::to_string(*p);
      dump += "\n";
    }
    out[id] = dump;
  }
  return out;
}

Searchd::Searchd(const std::string& db, const std::vector<std::string>& extra, const std::string& log_file) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv{SOSIK_SEARCHD, "--db", db, "--port", "0"};
  if (log_file.empty()) argv.push_back("--quiet");
  argv.insert(argv.end(), extra.begin(), extra.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    if (!log_file.empty()) {
      int log = open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(log, 2);
    }
    auto args = c_args(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  // Wait (bounded) for "listening on http://127.0.0.1:PORT\n".
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[256];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
  }
  close(out[0]);
  const std::string prefix = "listening on http://127.0.0.1:";
  if (line.rfind(prefix, 0) != 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    throw std::runtime_error("searchd did not start; first line was '" + line + "'");
  }
  port_ = std::stoi(line.substr(prefix.size()));
}

Searchd::~Searchd() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

bool Searchd::running() const { return pid_ > 0 && kill(pid_, 0) == 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }

Searchd::Reply Searchd::get(const std::string& path) const {
  httplib::Client cli("127.0.0.1", port_);
  cli.set_connection_timeout(5, 0);
  cli.set_read_timeout(10, 0);
  Reply r;
  if (auto res = cli.Get(path)) {
    r.status = res->status;
    r.body = res->body;
    r.content_type = res->get_header_value("Content-Type");
    r.json = nlohmann::json::parse(r.body, nullptr, false);
    if (r.json.is_discarded()) r.json = nullptr;
  }
  return r;
}

std::string url_encode(const std::string& s) { return percent_encode(s); }

std::string source_path(const std::string& relative) { return std::string(SOSIK_SOURCE_DIR) + "/" + relative; }

}  // namespace sosik::test
