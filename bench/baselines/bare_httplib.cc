// bare-httplib: the floor for searchd's HTTP overhead. A cpp-httplib server with its default
// thread pool and TCP_NODELAY (as searchd sets it) answering every GET with one constant JSON body.
//   bare-httplib [--host 127.0.0.1] [--port 0]
// The first line on stdout is "listening on http://HOST:PORT", like searchd.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include <httplib.h>

namespace {
httplib::Server* g_server = nullptr;
void on_signal(int) {
  if (g_server) g_server->stop();
}
}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--host" || arg == "--port") && i + 1 < argc) {
      std::string v = argv[++i];
      if (arg == "--host") host = v;
      else port = std::atoi(v.c_str());
    } else {
      std::cerr << "usage: bare-httplib [--host 127.0.0.1] [--port 0]\n";
      return 2;
    }
  }
  httplib::Server server;
  server.set_tcp_nodelay(true);
  const std::string body = R"({"status": "ok", "documents": 0})";
  server.Get(R"(/.*)", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json; charset=utf-8");
  });
  g_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    std::cerr << "bare-httplib: cannot listen on " << host << ":" << port << std::endl;
    return 1;
  }
  std::cout << "listening on http://" << host << ":" << bound << std::endl;
  return server.listen_after_bind() ? 0 : 1;
}
