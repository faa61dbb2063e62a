// Helpers for tests that run the real binaries: a temporary directory (never a fixed /tmp path),
// running a command to completion, and searchd on an ephemeral port (cpp-httplib's own tests bind
// port 0 and wait until ready; we read the port from searchd's first line).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace sosik::test {

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs argv to completion, capturing stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv);

// Runs the indexer on `paths` into `db`.
CommandResult run_indexer(const std::string& db, const std::vector<std::string>& args);

// Starts argv in the background (output discarded); returns its pid.
pid_t spawn(const std::vector<std::string>& argv);

// Writes `content` to `path`.
void write_file(const std::string& path, const std::string& content);

// Every document of the index at `db`, keyed by external id: its stored JSON and its terms
// (with wdf and positions), so two indexes can be compared for equality.
std::map<std::string, std::string> dump_index(const std::string& db);

// searchd on 127.0.0.1 and a free port, stopped (SIGTERM) on destruction.
class Searchd {
 public:
  // `log_file`: where searchd's stderr goes, with the access log on; empty = quiet, stderr kept.
  explicit Searchd(const std::string& db, const std::vector<std::string>& extra = {}, const std::string& log_file = "");
  ~Searchd();
  int port() const { return port_; }
  bool running() const;
  // GET path; parses the body as JSON (null when it is not JSON).
  struct Reply {
    int status = 0;
    std::string body;
    nlohmann::json json;
    std::string content_type;
  };
  Reply get(const std::string& path_and_query) const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int stderr_fd_ = -1;
};

std::string url_encode(const std::string& s);
std::string source_path(const std::string& relative);  // path inside the source tree

}  // namespace sosik::test
