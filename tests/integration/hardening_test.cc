// Reliability and security of searchd (issue 10), against the real binaries on ephemeral ports:
// methods, request limits and slow clients (searchd/gate.h), static files, the token-guarded
// write endpoints, and searchd serving while the indexer commits or is killed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <xapian.h>

#include "analysis/analyzer.h"
#include "search/searcher.h"
#include "support.h"

namespace sosik::test {
namespace {

using nlohmann::json;

const std::string kToken = "hardening-test-token-0123456789abcdef";

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Reads until the server closes or `timeout` passes.
std::string read_all(int fd, double timeout) {
  std::string out;
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout);
  for (;;) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) break;
    char buf[65536];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Sends raw bytes on a fresh connection; returns all the server sent until it closed.
std::string exchange(int port, const std::string& bytes, double timeout = 10) {
  int fd = connect_to(port);
  if (fd < 0) return "";
  (void)!send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string out = read_all(fd, timeout);
  close(fd);
  return out;
}

int status_of(const std::string& response) {
  return response.rfind("HTTP/1.1 ", 0) == 0 && response.size() >= 12 ? std::atoi(response.c_str() + 9) : 0;
}

std::string article_line(const std::string& id, const std::string& body, const std::string& date = "") {
  json j = {{"id", id}, {"title", "기사 " + id}, {"body", body}, {"outlet", "테스트일보"}};
  if (!date.empty()) j["published_at"] = date;
  return j.dump() + "\n";
}

// n articles k-0 … k-(n-1), each newer than the one before, all sharing the word 협상.
std::string numbered_articles(size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    // One article a minute from 2024-01-01 00:00 Korean time: the wall clock there is UTC + 9 h.
    std::time_t korean_wall_clock = 1704034800 + static_cast<std::time_t>(i) * 60 + 9 * 3600;
    std::tm tm{};
    gmtime_r(&korean_wall_clock, &tm);
    char date[64];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S+09:00", &tm);
    out += article_line("k-" + std::to_string(i), "마이크로소프트와 오픈AI의 협상 " + std::to_string(i) + "번째 소식. 데이터센터 투자.", date);
  }
  return out;
}

size_t index_of(const std::string& id) { return std::stoul(id.substr(2)); }

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

std::string body_of(const std::string& response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

// Why `body` does not match schemas/NAME.schema.json (python3-jsonschema, as api_test.cc
// checks); empty when it does.
std::string schema_errors(const std::string& body, const std::string& name) {
  TempDir tmp;
  write_file(tmp / "body.json", body);
  CommandResult v = run_command({"/usr/bin/python3", "-c",
                                 "import json,sys,jsonschema\n"
                                 "jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))\n",
                                 source_path("schemas/" + name + ".schema.json"), tmp / "body.json"});
  return v.exit_code == 0 ? "" : v.err.substr(0, 1500);
}

// ---------------------------------------------------------------------------------------------
// Methods

class Methods : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_EQ(run_indexer(*dir_ / "db", {source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
    server_ = new Searchd(*dir_ / "db");  // no token: writes are off
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static inline TempDir* dir_ = nullptr;
  static inline Searchd* server_ = nullptr;
};

// cpp-httplib answers 404 to a method a route lacks; searchd says 405 with the methods it takes.
TEST_F(Methods, OnlyGetAndHeadOnPublicRoutes) {
  auto before = dump_index(*dir_ / "db");
  struct Case {
    const char* method;
    const char* path;
    int status;
    const char* allow;  // expected Allow header (405 only)
  } cases[] = {
      {"POST", "/api/search?q=x", 405, "GET, HEAD"},       {"PUT", "/api/search", 405, "GET, HEAD"},
      {"DELETE", "/healthz", 405, "GET, HEAD"},            {"PATCH", "/metrics", 405, "GET, HEAD"},
      {"OPTIONS", "/api/suggest?q=a", 405, "GET, HEAD"},   {"POST", "/", 405, "GET, HEAD"},
      {"PUT", "/articles/api-01", 405, "GET, HEAD"},       {"DELETE", "/static/style.css", 405, "GET, HEAD"},
      {"POST", "/opensearch.xml", 405, "GET, HEAD"},       {"DELETE", "/api/articles/api-01", 405, "GET, HEAD"},
      {"POST", "/api/articles", 405, ""},                  {"POST", "/no-such-route", 404, nullptr},
      {"TRACE", "/healthz", 400, nullptr},                 {"CONNECT", "/healthz", 400, nullptr},
  };
  for (const auto& c : cases) {
    std::string request = std::string(c.method) + " " + c.path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    std::string response = exchange(server_->port(), request);
    EXPECT_EQ(status_of(response), c.status) << c.method << " " << c.path << ":\n" << response;
    EXPECT_EQ(schema_errors(body_of(response), "error-response"), "") << c.method << " " << c.path << ":\n" << response;
    if (c.allow) {
      EXPECT_NE(response.find(std::string("Allow: ") + c.allow + "\r\n"), std::string::npos) << c.method << " " << c.path << ":\n" << response;
    }
  }
  std::string off = exchange(server_->port(), "DELETE /api/articles/api-01 HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(off.find("writes are off"), std::string::npos) << "a write while writes are off says how to turn them on:\n" << off;
  EXPECT_EQ(dump_index(*dir_ / "db"), before) << "no method may change the index while writes are off";

  // HEAD is GET without the body.
  std::string head = exchange(server_->port(), "HEAD /api/search?q=x HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(head), 200) << head;
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "") << "HEAD sends no body";
}

// Paths the existing web test does not send through httplib's client: the raw forms a browser
// never sends but an attacker can.
TEST_F(Methods, StaticFilesOnlyByTheirName) {
  const std::string marker = "#include";  // in every source file, in no embedded asset
  for (const char* target : {"/static/..%252fserver.cc", "/static/%c0%ae%c0%ae/server.cc", "/static/..\\server.cc",
                             "/static/style.css/../../server.cc", "/static/%00", "http://x/static/../server.cc",
                             "/static/%2e%2e%2f%2e%2e%2fCMakeLists.txt", "/static/....//server.cc", "//static/style.css",
                             "/static/style.css?/../../server.cc", "/articles/..%2f..%2fCMakeLists.txt"}) {
    for (const char* method : {"GET", "HEAD"}) {
      std::string response = exchange(server_->port(), std::string(method) + " " + target + " HTTP/1.1\r\nConnection: close\r\n\r\n");
      int status = status_of(response);
      bool is_asset = std::string(target).rfind("/static/style.css?", 0) == 0;  // a query string: the real file
      EXPECT_TRUE(is_asset ? status == 200 : (status == 404 || status == 400)) << method << " " << target << " → " << status;
      EXPECT_EQ(response.find(marker), std::string::npos) << method << " " << target << " leaked a source file";
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Request limits and slow clients (searchd/gate.h)

TEST(Limits, OversizedOrUnfinishedRequestsGetTheirStatus) {
  TempDir dir;
  ASSERT_EQ(run_indexer(dir / "db", {source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
  Searchd server(dir / "db", {"--request-timeout", "1", "--idle-timeout", "1"});
  const std::string big(9000, 'a');
  struct Case {
    const char* what;
    std::string request;
    int status;
  } cases[] = {
      {"headers over 16 KiB in all", "GET /healthz HTTP/1.1\r\nA: " + big + "\r\nB: " + big + "\r\n\r\n", 431},
      {"headers over 16 KiB, never ended", "GET /healthz HTTP/1.1\r\nA: " + big + big, 431},
      {"one header line over 8 KiB", "GET /healthz HTTP/1.1\r\nA: " + big + "\r\n\r\n", 400},
      {"request line over 8 KiB", "GET /api/search?q=" + big + " HTTP/1.1\r\n\r\n", 414},
      {"query over 1 KiB", "GET /api/search?q=" + std::string(1100, 'a') + " HTTP/1.1\r\n\r\n", 400},
      {"body over 64 KiB on a public route", "POST /api/search HTTP/1.1\r\nContent-Length: 70000\r\n\r\n", 413},
      {"chunked body", "POST /api/search HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411},
      {"two different lengths", "POST /api/search HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
      {"bad length", "POST /api/search HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"head never finished", "GET /healthz HTTP/1.1\r\nHost: x\r\n", 408},
      {"body never finished", "POST /api/search HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 408},
      {"nothing sent", "", 408},
  };
  for (const auto& c : cases) {
    auto t0 = Clock::now();
    std::string response = exchange(server.port(), c.request, 10);
    double took = seconds_since(t0);
    EXPECT_EQ(status_of(response), c.status) << c.what << ":\n" << response.substr(0, 300);
    EXPECT_EQ(schema_errors(body_of(response), "error-response"), "") << c.what << ":\n" << response.substr(0, 300);
    EXPECT_LT(took, 5) << c.what << ": answered and closed within the request timeout (1 s) and a margin, see gate.cc";
  }
  EXPECT_TRUE(server.running());

  // A POST without a body answers at once: httplib alone would wait for the client to close.
  auto t0 = Clock::now();
  std::string empty_post = exchange(server.port(), "POST /api/search HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(empty_post), 405) << empty_post;
  EXPECT_LT(seconds_since(t0), 0.9) << "a POST without Content-Length has an empty body (RFC 9112 6.3)";

  // Keep-alive: two pipelined requests on one connection, then closed after the idle timeout.
  int fd = connect_to(server.port());
  ASSERT_GE(fd, 0);
  std::string two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(send(fd, two.data(), two.size(), MSG_NOSIGNAL), static_cast<ssize_t>(two.size()));
  t0 = Clock::now();
  std::string both = read_all(fd, 5);
  double idle = seconds_since(t0);
  close(fd);
  size_t first = both.find("HTTP/1.1 200"), second = both.find("HTTP/1.1 200", first + 1);
  EXPECT_TRUE(first != std::string::npos && second != std::string::npos) << "both pipelined requests answered:\n" << both;
  EXPECT_NE(both.find("Keep-Alive: timeout=1, max="), std::string::npos) << both;
  EXPECT_GT(idle, 0.8) << "the connection stays open for the next request";
  EXPECT_LT(idle, 3) << "an idle keep-alive connection is closed after --idle-timeout 1";
}

// Slowloris: many connections that send their headers a line at a time and never finish. They
// wait in the gate's poll(), not in workers, so an ordinary client is still answered at once;
// beyond --max-connections the longest-waiting slow connection is dropped for the new one.
TEST(Limits, SlowClientsCannotExhaustTheWorkers) {
  TempDir dir;
  ASSERT_EQ(run_indexer(dir / "db", {source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
  struct Case {
    const char* what;
    size_t slow;
    const char* max_connections;
  } cases[] = {{"fewer slow clients than the connection limit", 150, "512"},
               {"more slow clients than the connection limit", 300, "100"}};
  for (const auto& c : cases) {
    Searchd server(dir / "db", {"--threads", "4", "--max-connections", c.max_connections, "--request-timeout", "3"});
    std::atomic<bool> stop{false};
    std::atomic<size_t> dropped{0}, timed_out{0};
    std::thread flood([&] {
      std::vector<int> fds(c.slow, -1);
      const std::string start = "GET /api/search?q=slow HTTP/1.1\r\nHost: x\r\n", line = "X-Slow: 1\r\n";
      while (!stop) {
        for (int& fd : fds) {
          if (fd >= 0) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, 0) > 0) {  // the server answered (408/503) or closed: reconnect
              char buf[512];
              ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
              if (n > 0 && std::string(buf, static_cast<size_t>(n)).find(" 408 ") != std::string::npos) ++timed_out;
              ++dropped;
              close(fd);
              fd = -1;
            } else if (send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
              ++dropped;
              close(fd);
              fd = -1;
            }
          }
          if (fd < 0 && (fd = connect_to(server.port())) >= 0) (void)!send(fd, start.data(), start.size(), MSG_NOSIGNAL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
      for (int fd : fds)
        if (fd >= 0) close(fd);
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the flood is connected

    double worst = 0;
    for (int i = 0; i < 20; ++i) {
      auto t0 = Clock::now();
      auto r = server.get("/api/search?q=" + url_encode("오픈AI"));
      double took = seconds_since(t0);
      worst = std::max(worst, took);
      EXPECT_EQ(r.status, 200) << c.what << ": request " << i << " failed under the flood";
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    stop = true;
    flood.join();
    std::cerr << c.what << ": worst ordinary request " << worst << " s; slow connections dropped " << dropped
              << " (408: " << timed_out << ")\n";
    EXPECT_LT(worst, 2.0) << c.what << ": an ordinary request waited behind slow clients (searchd/gate.cc)";
    EXPECT_GT(dropped, 0u) << c.what << ": slow clients are timed out (408) or dropped, never kept forever";
    EXPECT_TRUE(server.running());
  }
}

// A client that sends requests and never reads the responses fills the socket buffers; the worker
// writing to it gives up after --write-timeout and drops it. With one worker, an ordinary request
// is answered within that time, not after the stuck client (searchd/gate.cc, ConnStream::write).
TEST(Limits, AClientThatNeverReadsIsDroppedAndFreesItsWorker) {
  TempDir dir;
  ASSERT_EQ(run_indexer(dir / "db", {source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
  Searchd server(dir / "db", {"--threads", "1", "--write-timeout", "1"});
  const size_t page = server.get("/").body.size();  // the search page, about 9 KB

  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int small = 4096;  // a receive window that closes quickly
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const size_t requests = 900;  // under the 1000 a connection may make; far more than the buffers hold
  std::string pipelined;
  for (size_t i = 0; i < requests; ++i) pipelined += "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  std::thread sender([&] { (void)!send(fd, pipelined.data(), pipelined.size(), MSG_NOSIGNAL); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the worker is now blocked writing

  auto t0 = Clock::now();
  auto r = server.get("/healthz");
  double waited = seconds_since(t0);
  EXPECT_EQ(r.status, 200);
  EXPECT_LT(waited, 2.5) << "an ordinary request waited behind a client that never reads";

  // The stuck client was dropped: it gets fewer responses than it asked for, then the end. Read
  // only well after the drop, or reading would unblock the worker.
  std::this_thread::sleep_until(t0 + std::chrono::seconds(4));
  shutdown(fd, SHUT_WR);
  std::string got = read_all(fd, 10);
  sender.join();
  close(fd);
  size_t responses = 0;
  for (size_t at = got.find("HTTP/1.1 200"); at != std::string::npos; at = got.find("HTTP/1.1 200", at + 1)) ++responses;
  std::cerr << "ordinary request answered in " << waited << " s; the client that never read got " << responses << " of "
            << requests << " responses (" << got.size() / 1024 << " KiB, page " << page << " B)\n";
  EXPECT_LT(responses, requests) << "the client that never reads was not dropped";
  EXPECT_TRUE(server.running());
}

// Found by bench/load_test: a prefix with more than 50 expansions (suggest q=이, a 초성 query)
// threw Xapian::WildcardError, a 503. Now the most frequent expansions are used.
TEST(Limits, CommonPrefixesNeverFail) {
  TempDir dir;
  const char* syllables[] = {"나", "다", "라", "마", "바", "사", "자", "차", "카", "타"};  // ten initial consonants
  std::string jsonl;
  for (const char* x : syllables)
    for (const char* y : syllables) {
      std::string word = std::string("이가") + x + y;
      jsonl += article_line(word, word + " 소식이 들어왔다");
    }
  write_file(dir / "words.jsonl", jsonl);
  ASSERT_EQ(run_indexer(dir / "db", {dir / "words.jsonl"}).exit_code, 0);
  Searchd server(dir / "db");
  for (const std::string& path : {"/api/suggest?q=" + url_encode("이"), "/api/suggest?q=" + url_encode("이가"),
                                 "/api/search?q=" + url_encode("ㅇㄱ"), "/api/search?q=" + url_encode("소식 ㅇㄱ"),
                                 "/?q=" + url_encode("ㅇㄱ")}) {
    auto r = server.get(path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body.substr(0, 300);
  }
  EXPECT_GT(server.get("/api/search?q=" + url_encode("ㅇㄱ")).json["total"], 0);
  EXPECT_FALSE(server.get("/api/suggest?q=" + url_encode("이가")).json["suggestions"].empty());
}

// ---------------------------------------------------------------------------------------------
// Write endpoints

class Writes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_indexer(dir_ / "db", {source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
    write_file(dir_ / "token", kToken + "\n");
  }
  httplib::Client client(const Searchd& s) {
    httplib::Client cli("127.0.0.1", s.port());
    cli.set_read_timeout(30, 0);
    return cli;
  }
  TempDir dir_;
};

TEST_F(Writes, MissingOrWrongTokenIs401AndChangesNothing) {
  Searchd server(dir_ / "db", {"--write-token-file", dir_ / "token"});
  auto cli = client(server);
  auto before = dump_index(dir_ / "db");
  const std::string body = article_line("new-1", "새 기사 본문");
  struct Case {
    const char* what;
    httplib::Headers headers;
  } cases[] = {
      {"no Authorization", {}},
      {"wrong token", bearer("wrong-token-wrong-token-wrong-token")},
      {"empty token", {{"Authorization", "Bearer "}}},
      {"token with a byte more", bearer(kToken + "x")},
      {"token with a byte less", bearer(kToken.substr(0, kToken.size() - 1))},
      {"another scheme", {{"Authorization", "Basic " + kToken}}},
      {"scheme in lower case", {{"Authorization", "bearer " + kToken}}},
      {"token alone", {{"Authorization", kToken}}},
  };
  for (const auto& c : cases) {
    auto post = cli.Post("/api/articles", c.headers, body, "application/x-ndjson");
    ASSERT_TRUE(post) << c.what;
    EXPECT_EQ(post->status, 401) << c.what << ": " << post->body;
    EXPECT_EQ(json::parse(post->body, nullptr, false)["error"]["code"], "unauthorized") << c.what;
    EXPECT_EQ(schema_errors(post->body, "error-response"), "") << c.what;
    EXPECT_EQ(post->get_header_value("WWW-Authenticate"), "Bearer") << c.what;
    auto del = cli.Delete("/api/articles/api-01", c.headers);
    ASSERT_TRUE(del) << c.what;
    EXPECT_EQ(del->status, 401) << c.what << ": " << del->body;
  }
  // Over 64 KiB without the token: refused before the body is read.
  std::string large = article_line("large", std::string(100000, 'a'));
  auto big = cli.Post("/api/articles", large, "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413) << big->body;
  EXPECT_EQ(dump_index(dir_ / "db"), before) << "a refused write changed the index";
  EXPECT_EQ(server.get("/api/articles/api-01").status, 200);
}

// Token from a file or from the environment; a write is searchable at the next request.
TEST_F(Writes, PostAndDeleteWithTheToken) {
  struct Case {
    const char* how;
    std::vector<std::string> args;
    bool env;
  } cases[] = {{"--write-token-file", {"--write-token-file", dir_ / "token"}, false}, {"SOSIK_WRITE_TOKEN", {}, true}};
  for (const auto& c : cases) {
    if (c.env) setenv("SOSIK_WRITE_TOKEN", kToken.c_str(), 1);
    Searchd server(dir_ / "db", c.args);
    if (c.env) unsetenv("SOSIK_WRITE_TOKEN");
    auto cli = client(server);
    const std::string word = "블록체인" + std::string(c.env ? "환경" : "파일");

    auto one = cli.Post("/api/articles", bearer(kToken), article_line("w-1", word + " 기사가 들어왔다"), "application/json");
    ASSERT_TRUE(one) << c.how;
    ASSERT_EQ(one->status, 200) << c.how << ": " << one->body;
    json r = json::parse(one->body);
    EXPECT_EQ(schema_errors(one->body, "write-response"), "") << c.how << ": " << one->body;
    EXPECT_EQ(r["indexed"], 1) << c.how;
    EXPECT_EQ(r["ids"], json::array({"w-1"})) << c.how;
    auto hits = server.get("/api/search?q=" + url_encode(word));
    ASSERT_EQ(hits.json["total"], 1) << c.how << ": the write is searchable at the next request: " << hits.body;
    EXPECT_EQ(hits.json["hits"][0]["id"], "w-1");

    // JSON Lines: all or nothing.
    std::string lines = article_line("w-2", word + " 둘째") + "\n" + article_line("w-3", word + " 셋째");
    auto bad = cli.Post("/api/articles", bearer(kToken), lines + "{\"id\": \"w-4\"}\n", "application/x-ndjson");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400) << bad->body;
    json e = json::parse(bad->body, nullptr, false);
    EXPECT_EQ(e["error"]["records"][0]["line"], 4) << "the bad record's line: " << bad->body;
    EXPECT_EQ(schema_errors(bad->body, "error-response"), "") << bad->body;
    EXPECT_EQ(server.get("/api/articles/w-2").status, 404) << c.how << ": a rejected batch writes nothing";
    auto batch = cli.Post("/api/articles", bearer(kToken), lines, "application/x-ndjson");
    ASSERT_TRUE(batch);
    EXPECT_EQ(batch->status, 200) << batch->body;
    EXPECT_EQ(json::parse(batch->body)["indexed"], 2);
    EXPECT_EQ(server.get("/api/search?q=" + url_encode(word)).json["total"], 3);

    // An authorised body may be larger than 64 KiB.
    auto large = cli.Post("/api/articles", bearer(kToken), article_line("w-big", word + " " + std::string(100000, 'a')), "application/json");
    ASSERT_TRUE(large);
    EXPECT_EQ(large->status, 200) << large->body;

    for (const char* id : {"w-1", "w-2", "w-3", "w-big"}) {
      auto del = cli.Delete(std::string("/api/articles/") + id, bearer(kToken));
      ASSERT_TRUE(del);
      EXPECT_EQ(del->status, 200) << c.how << " " << id << ": " << del->body;
      EXPECT_EQ(schema_errors(del->body, "write-response"), "") << del->body;
    }
    EXPECT_EQ(server.get("/api/search?q=" + url_encode(word)).json["total"], 0) << c.how << ": deleted articles are gone";
    auto again = cli.Delete("/api/articles/w-1", bearer(kToken));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 404) << again->body;
  }
}

// Xapian allows one writer: while the indexer (here: the test) holds the index, a write is
// refused with 503 index_locked, and succeeds once the lock is gone.
TEST_F(Writes, LockedIndexIs503) {
  Searchd server(dir_ / "db", {"--write-token-file", dir_ / "token"});
  auto cli = client(server);
  {
    Xapian::WritableDatabase held(dir_ / "db", Xapian::DB_OPEN);
    auto r = cli.Post("/api/articles", bearer(kToken), article_line("lock-1", "잠금 중 기사"), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503) << r->body;
    EXPECT_EQ(json::parse(r->body, nullptr, false)["error"]["code"], "index_locked") << r->body;
    EXPECT_EQ(schema_errors(r->body, "error-response"), "") << r->body;
    EXPECT_FALSE(r->get_header_value("Retry-After").empty());
    CommandResult indexer = run_indexer(dir_ / "db", {source_path("tests/fixtures/api/articles.jsonl")});
    EXPECT_NE(indexer.exit_code, 0) << "the indexer cannot write while another writer holds the index";
  }
  auto r = cli.Post("/api/articles", bearer(kToken), article_line("lock-1", "잠금 후 기사"), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(server.get("/api/articles/lock-1").status, 200);
}

TEST_F(Writes, BadTokenConfigurationStopsSearchd) {
  write_file(dir_ / "short", "short\n");
  write_file(dir_ / "empty", "\n");
  struct Case {
    const char* what;
    std::vector<std::string> args;
    const char* env;
    const char* says;
  } cases[] = {
      {"token too short", {"--write-token-file", dir_ / "short"}, nullptr, "at least 16 bytes"},
      {"empty token file", {"--write-token-file", dir_ / "empty"}, nullptr, "no token"},
      {"missing token file", {"--write-token-file", dir_ / "nothing"}, nullptr, "no token"},
      {"file and environment", {"--write-token-file", dir_ / "token"}, "environment-token-0123456789", "give one"},
      {"short environment token", {}, "short", "at least 16 bytes"},
  };
  for (const auto& c : cases) {
    if (c.env) setenv("SOSIK_WRITE_TOKEN", c.env, 1);
    std::vector<std::string> argv{SOSIK_SEARCHD, "--db", dir_ / "db", "--port", "0"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    CommandResult r = run_command(argv);
    unsetenv("SOSIK_WRITE_TOKEN");
    EXPECT_EQ(r.exit_code, 2) << c.what << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.what << ": " << r.err;
  }
}

// ---------------------------------------------------------------------------------------------
// Crash safety and concurrency

// Polls searchd from a thread and checks every answer: status 200, the document count a whole
// number of batches that never goes down, and the newest hits all committed (their index below
// the count). `max_seen` is shared, so a reader may lag another's view by at most one commit.
struct Reader {
  const Searchd& server;
  size_t batch;
  std::atomic<size_t>& max_seen;
  std::atomic<bool>& stop;
  size_t requests = 0;
  std::vector<std::string> problems;

  // The first few problems and how many there were, as one failure.
  void report(const char* who) const {
    if (problems.empty()) return;
    std::string first;
    for (size_t i = 0; i < problems.size() && i < 5; ++i) first += "\n  " + problems[i];
    ADD_FAILURE() << who << ": " << problems.size() << " bad answers in " << requests << " requests, first:" << first;
  }

  void run() {
    // One keep-alive connection, as a browser or proxy would hold: a new connection per request
    // would run the machine out of ephemeral ports (TIME_WAIT) long before searchd tires.
    httplib::Client cli("127.0.0.1", server.port());
    cli.set_keep_alive(true);
    cli.set_read_timeout(10, 0);
    size_t last = 0;
    while (!stop) {
      size_t floor = max_seen.load();
      auto res = cli.Get(requests % 2 ? "/api/search?sort=date&limit=5" : "/api/search?q=" + url_encode("협상") + "&limit=3&sort=date");
      ++requests;
      if (!res || res->status != 200) {
        problems.push_back(res ? "status " + std::to_string(res->status) + ": " + res->body.substr(0, 200)
                               : "no answer: " + httplib::to_string(res.error()));
        continue;
      }
      json j = json::parse(res->body, nullptr, false);
      if (!j.is_object() || !j["total"].is_number() || !j["total_is_exact"].is_boolean()) {
        problems.push_back("not a search response: " + res->body.substr(0, 200));
        continue;
      }
      size_t total = j["total"];
      if (!j["total_is_exact"].get<bool>()) continue;  // an estimate says nothing about commits
      if (total % batch != 0) problems.push_back("a partial batch is visible: total " + std::to_string(total));
      if (total < last) problems.push_back("total went back from " + std::to_string(last) + " to " + std::to_string(total));
      if (total + batch < floor)
        problems.push_back("stale by more than one commit: " + std::to_string(total) + " after another reader saw " + std::to_string(floor));
      for (const auto& h : j["hits"])
        if (index_of(h["id"]) >= total) problems.push_back("uncommitted id " + h["id"].get<std::string>() + " with total " + std::to_string(total));
      last = total;
      for (size_t seen = max_seen.load(); total > seen && !max_seen.compare_exchange_weak(seen, total);) {
      }
    }
  }
};

TEST(CrashSafety, SearchdAnswersFromTheLastCommitWhileTheIndexerIsKilled) {
  TempDir dir;
  const size_t n = 3000, batch = 250;
  write_file(dir / "first.jsonl", numbered_articles(0, batch));
  write_file(dir / "all.jsonl", numbered_articles(0, n));
  ASSERT_EQ(run_indexer(dir / "db", {dir / "first.jsonl"}).exit_code, 0);
  Searchd server(dir / "db");

  std::atomic<size_t> max_seen{0};
  std::atomic<bool> stop{false};
  Reader reader{server, batch, max_seen, stop, 0, {}};
  std::thread t([&] { reader.run(); });
  std::mt19937 rng(std::random_device{}());
  for (int round = 0; round < 4; ++round) {
    // Each run re-adds the articles from the start: kill it at a random moment after it has
    // committed past the last run, so every kill lands mid-run with commits behind it.
    size_t before = std::max(max_seen.load(), batch);
    pid_t pid = spawn({SOSIK_INDEXER, "--db", dir / "db", "--batch", std::to_string(batch), dir / "all.jsonl"});
    bool exited = false;
    for (auto t0 = Clock::now(); max_seen.load() <= before && seconds_since(t0) < 60;) {
      if ((exited = waitpid(pid, nullptr, WNOHANG) == pid)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    if (!exited) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    std::cerr << "round " << round << ": " << (exited ? "finished" : "killed") << "; searchd sees "
              << server.get("/healthz").json["documents"] << " documents\n";
  }
  ASSERT_EQ(run_indexer(dir / "db", {"--batch", std::to_string(batch), dir / "all.jsonl"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  t.join();
  EXPECT_EQ(server.get("/healthz").json["documents"], n);
  EXPECT_GT(reader.requests, 20u);
  reader.report("reader");
}

TEST(Concurrency, SearchdServesWhileTheIndexerCommits) {
  TempDir dir;
  const size_t n = 4000, batch = 200;
  write_file(dir / "first.jsonl", numbered_articles(0, batch));
  write_file(dir / "all.jsonl", numbered_articles(0, n));
  ASSERT_EQ(run_indexer(dir / "db", {dir / "first.jsonl"}).exit_code, 0);
  Searchd server(dir / "db");

  std::atomic<size_t> max_seen{0};
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Reader>> readers;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    readers.push_back(std::make_unique<Reader>(Reader{server, batch, max_seen, stop, 0, {}}));
    threads.emplace_back([r = readers.back().get()] { r->run(); });
  }
  CommandResult r = run_indexer(dir / "db", {"--batch", std::to_string(batch), dir / "all.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (auto& t : threads) t.join();
  size_t requests = 0;
  for (const auto& reader : readers) {
    requests += reader->requests;
    reader->report("reader");
  }
  std::cerr << requests << " requests while the indexer committed " << n / batch << " batches\n";
  EXPECT_GT(requests, 40u);
  EXPECT_EQ(max_seen.load(), n);
}

// Found by ASan in CI: Xapian::Query::MatchAll is one static object with a plain reference
// count, and browses (no words: a filter or an exclusion alone) copied it from every request
// thread at once. A Searcher without a cache, so every request builds its query.
TEST(Concurrency, BrowsesFromManyThreadsAtOnce) {
  TempDir dir;
  ASSERT_EQ(run_indexer(dir / "db", {source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
  Searcher searcher(dir / "db", Analyzer::korean(), {}, nullptr, 0);
  const size_t all = searcher.document_count();
  struct Case {
    const char* q;
    std::map<std::string, std::vector<std::string>> filters;
  } cases[] = {{"", {}}, {"-없는낱말", {}}, {"", {{"section", {"IT"}}}}};
  std::atomic<size_t> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        const Case& c = cases[static_cast<size_t>(t + i) % std::size(cases)];
        SearchRequest req;
        req.q = c.q;
        req.filters = c.filters;
        SearchResponse res = searcher.search(req);
        if (res.total == 0 || (c.filters.empty() && res.total != all)) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0u) << "a browse lost or gained documents under concurrency (core/search/query.h match_all)";
}

}  // namespace
}  // namespace sosik::test
