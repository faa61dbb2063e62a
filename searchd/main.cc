// searchd: serves Korean search over HTTP.
//   searchd --db DIR [--host 127.0.0.1] [--port 8080] [--aliases FILE] [--quiet] [--write-token-file FILE]
// The first line on stdout is "listening on http://HOST:PORT" (with --port 0, the port chosen).
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "cli.h"
#include "server.h"

using namespace sosik;

namespace {
SearchServer* g_server = nullptr;
void on_signal(int) {
  if (g_server) g_server->stop();
}
void usage(std::ostream& out) {
  out << "usage: searchd --db DIR [--host 127.0.0.1] [--port 8080] [--aliases FILE] [--quiet]\n"
         "               [--write-token-file FILE] [--threads 8] [--max-connections 512]\n"
         "               [--request-timeout 10] [--idle-timeout 5] [--write-timeout 5] [--cache 1024]\n"
         "  --port 0   bind any free port (printed on the first line of stdout)\n"
         "  --aliases  alias groups (default: schemas/aliases.json); re-read when the file changes\n"
         "  --quiet    no access log\n"
         "  --write-token-file FILE   turn on POST /api/articles and DELETE /api/articles/{id} for\n"
         "             requests with 'Authorization: Bearer TOKEN' (the file's first line; or set\n"
         "             SOSIK_WRITE_TOKEN). Off by default. Do not run the indexer on the same index\n"
         "             meanwhile: a write while it holds the index gets 503 index_locked.\n"
         "             With --db DIR/sosik.stub (indexer --shards), each write goes to its shard;\n"
         "             a stub of remote shards refuses writes (409 shards_not_writable).\n"
         "  --threads N            worker threads (default 8)\n"
         "  --max-connections N    open connections (default 512); beyond, the longest-waiting goes\n"
         "  --request-timeout S    seconds for a request to arrive, head and body (default 10)\n"
         "  --idle-timeout S       seconds a keep-alive connection may idle (default 5)\n"
         "  --write-timeout S      seconds to send one response; a client that stops reading is\n"
         "                         dropped then and frees its worker (default 5)\n"
         "  --cache N              search responses kept for repeated requests until the next commit\n"
         "                         (default 1024; 0: none, every request is matched)\n"
         "  --db STUB              a Xapian stub file listing shards ('auto PATH', 'remote HOST:PORT'):\n"
         "                         one index over them (docs/scale-out.md)\n"
         "  --side DIR             the side index (spelling, completions) for a stub; default: 'side'\n"
         "                         next to the stub file\n"
         "  --remote-timeout-ms N  for each request to a remote shard and for connecting (default\n"
         "                         10000); a shard that does not answer is left out, not waited for\n";
}

// A positive number option, or exit 2 naming it.
double positive(const std::string& name, const std::string& v, double max) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !(d > 0) || d > max) {
    std::cerr << "searchd: " << name << " must be a number above 0 and at most " << max << ", got '" << v << "'\n";
    std::exit(2);
  }
  return d;
}

// The token: the file's first line without surrounding spaces. Empty when unreadable.
std::string read_token_file(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  size_t b = line.find_first_not_of(" \t\r"), e = line.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : line.substr(b, e - b + 1);
}
}  // namespace

int main(int argc, char** argv) {
  std::string db;
  std::string aliases = AliasTable::default_path();
  std::string token_file;
  ServerOptions opts;
  ShardOptions shard_opts;
  size_t cache_size = Searcher::kDefaultCacheSize;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "searchd: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--db") {
      db = value();
    } else if (arg == "--host") {
      opts.host = value();
    } else if (arg == "--port") {
      std::string v = value();
      try {
        opts.port = std::stoi(v);
      } catch (...) {
        opts.port = -1;
      }
      if (opts.port < 0 || opts.port > 65535) {
        std::cerr << "searchd: --port must be 0..65535, got '" << v << "'\n";
        return 2;
      }
    } else if (arg == "--aliases") {
      aliases = value();
    } else if (arg == "--quiet") {
      opts.access_log = false;
    } else if (arg == "--write-token-file") {
      token_file = value();
    } else if (arg == "--threads") {
      opts.threads = static_cast<size_t>(positive(arg, value(), 256));
    } else if (arg == "--max-connections") {
      opts.max_connections = static_cast<size_t>(positive(arg, value(), 100000));
    } else if (arg == "--request-timeout") {
      opts.request_timeout = positive(arg, value(), 3600);
    } else if (arg == "--idle-timeout") {
      opts.idle_timeout = positive(arg, value(), 3600);
    } else if (arg == "--write-timeout") {
      opts.write_timeout = positive(arg, value(), 3600);
    } else if (arg == "--cache") {
      std::string v = value();
      auto n = parse_count(v, 0, 10000000);
      if (!n) {
        std::cerr << "searchd: --cache must be a number from 0 to 10000000, got '" << v << "'\n";
        return 2;
      }
      cache_size = *n;
    } else if (arg == "--side") {
      shard_opts.side = value();
    } else if (arg == "--remote-timeout-ms") {
      shard_opts.remote_timeout_ms = static_cast<unsigned>(positive(arg, value(), 3600000));
    } else if (arg == "-h" || arg == "--help") {
      usage(std::cout);
      return 0;
    } else {
      std::cerr << "searchd: unknown argument '" << arg << "'\n";
      usage(std::cerr);
      return 2;
    }
  }
  if (db.empty()) {
    usage(std::cerr);
    return 2;
  }
  // Writes are on only with a token, from a file or the environment (never the command line,
  // where other users can read it).
  std::optional<std::string> token;
  const char* env_token = std::getenv("SOSIK_WRITE_TOKEN");
  if (!token_file.empty() && env_token && *env_token) {
    std::cerr << "searchd: both --write-token-file and SOSIK_WRITE_TOKEN are set; give one\n";
    return 2;
  }
  if (!token_file.empty()) {
    token = read_token_file(token_file);
    if (token->empty()) {
      std::cerr << "searchd: --write-token-file " << token_file << ": no token (missing, unreadable or empty file)\n";
      return 2;
    }
  } else if (env_token && *env_token) {
    token = env_token;
  }
  if (token && token->size() < kMinWriteTokenBytes) {
    std::cerr << "searchd: the write token must be at least " << kMinWriteTokenBytes << " bytes (e.g. openssl rand -hex 32)\n";
    return 2;
  }
  try {
    auto analyzer = Analyzer::korean();
    auto searcher = std::make_shared<Searcher>(db, analyzer, QueryOptions{}, std::make_shared<AliasTable>(aliases, analyzer),
                                               cache_size, shard_opts);
    std::optional<WriteAccess> writes;
    if (token) writes = WriteAccess{db, *token, analyzer};
    if (token) {  // a stub of remote shards: reads are served, each write is refused saying why
      if (std::string why = why_writes_refused(db); !why.empty()) std::cerr << "searchd: writes will be refused (409): " << why << "\n";
    }
    SearchServer server(searcher, opts, writes);
    g_server = &server;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    return server.run() ? 0 : 1;
  } catch (const Xapian::Error& e) {
    std::cerr << "searchd: " << db << ": " << e.get_description() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "searchd: " << e.what() << "\n";
  }
  return 1;
}
