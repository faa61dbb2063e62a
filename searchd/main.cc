// searchd: serves Korean search over HTTP.
//   searchd --db DIR [--host 127.0.0.1] [--port 8080] [--aliases FILE] [--quiet]
// The first line on stdout is "listening on http://HOST:PORT" (with --port 0, the port chosen).
#include <csignal>
#include <iostream>
#include <string>

#include "server.h"

using namespace sosik;

namespace {
SearchServer* g_server = nullptr;
void on_signal(int) {
  if (g_server) g_server->stop();
}
void usage(std::ostream& out) {
  out << "usage: searchd --db DIR [--host 127.0.0.1] [--port 8080] [--aliases FILE] [--quiet]\n"
         "  --port 0   bind any free port (printed on the first line of stdout)\n"
         "  --aliases  alias groups (default: schemas/aliases.json); re-read when the file changes\n"
         "  --quiet    no access log\n";
}
}  // namespace

int main(int argc, char** argv) {
  std::string db;
  std::string aliases = AliasTable::default_path();
  ServerOptions opts;
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
  try {
    auto analyzer = Analyzer::korean();
    auto searcher = std::make_shared<Searcher>(db, analyzer, QueryOptions{}, std::make_shared<AliasTable>(aliases, analyzer));
    SearchServer server(searcher, opts);
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
