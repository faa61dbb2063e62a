// Scale-out (issue 9, docs/scale-out.md) against the real binaries: indexer --shards, searchd over
// a stub of local and remote (xapian-tcpsrv) shards with its side index, a shard that goes down or
// never answers, and a read replica kept by xapian-replicate. Every server listens on a loopback
// port picked at run time; xapian-tcpsrv cannot bind port 0, so a free port is found first and
// another one tried when it was taken meanwhile.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <xapian.h>

#include "analysis/analyzer.h"
#include "article.h"
#include "index/document.h"
#include "index/sharded_writer.h"
#include "search/searcher.h"
#include "search/shards.h"
#include "support.h"

namespace sosik::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kTcpSrv = "/usr/bin/xapian-tcpsrv";
const std::string kReplicateServer = "/usr/bin/xapian-replicate-server";
const std::string kReplicate = "/usr/bin/xapian-replicate";

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

bool have(const std::string& tool) { return access(tool.c_str(), X_OK) == 0; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A port nothing listens on right now (bind to port 0, read it, close).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a loopback socket");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// Starts argv in a process group of its own (output discarded), so stopping it also stops the
// processes it forked: xapian-tcpsrv serves each connection from a child.
pid_t spawn_group(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test leaves no server behind
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here: no race with the child's own call
  return pid;
}

// A server on a loopback port of its own: `argv_for(port)` is its command line. Waits (bounded)
// until the port accepts connections; when the server exits first (the port was taken
// meanwhile), tries another port. stop() is the machine going down: every connection drops.
class Daemon {
 public:
  explicit Daemon(std::function<std::vector<std::string>(int)> argv_for) : argv_for_(std::move(argv_for)) {
    for (int attempt = 0; attempt < 5; ++attempt)
      if (start_on(free_port())) return;
    throw std::runtime_error("'" + argv_for_(0)[0] + "' did not start listening on 5 free ports");
  }
  Daemon(const Daemon&) = delete;
  ~Daemon() { stop(); }
  int port() const { return port_; }
  void stop() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // Again on the same port (the stub file names it).
  bool restart() {
    stop();
    for (int attempt = 0; attempt < 20; ++attempt) {
      if (start_on(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  bool start_on(int port) {
    port_ = port;
    pid_ = spawn_group(argv_for_(port));
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {  // exited: the port is someone else's
        pid_ = -1;
        return false;
      }
      if (accepts(port)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    return false;
  }
  std::function<std::vector<std::string>(int)> argv_for_;
  pid_t pid_ = -1;
  int port_ = 0;
};

Daemon tcpsrv(const std::string& db) {
  return Daemon([db](int port) { return std::vector<std::string>{kTcpSrv, "--port", std::to_string(port), "--interface", "127.0.0.1", "--quiet", db}; });
}

std::string remote_line(const Daemon& d) { return "remote 127.0.0.1:" + std::to_string(d.port()); }

std::vector<std::string> ids(const json& j) {
  std::vector<std::string> out;
  for (const auto& h : j["hits"]) out.push_back(h["id"]);
  return out;
}

bool same_score(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a)); }

// What of a search response must not depend on the layout: everything, hits in the same order
// (ties too: they are ordered by the order key, never by docid), scores to 1e-9 (one database and
// shards may add a document's parts in another order and round the last bits differently).
json canonical(const json& r) {
  json out = {{"total", r["total"]}, {"total_is_exact", r["total_is_exact"]}, {"relaxed", r["relaxed"]},
              {"did_you_mean", r["did_you_mean"]}, {"corrected", r["corrected"]}, {"facets", r["facets"]}, {"hits", json::array()}};
  for (json h : r["hits"]) {
    h.erase("score");
    out["hits"].push_back(h);
  }
  return out;
}

// Where two responses' scores differ by more than rounding, or "" when they do not.
std::string score_difference(const json& a, const json& b) {
  for (size_t i = 0; i < a["hits"].size() && i < b["hits"].size(); ++i)
    if (!same_score(a["hits"][i]["score"], b["hits"][i]["score"]))
      return "hit " + std::to_string(i) + ": " + a["hits"][i]["score"].dump() + " vs " + b["hits"][i]["score"].dump();
  return "";
}

// The shard an id lives in under --shards 2.
std::string hash2_shard(const std::string& id) { return shard_name(ShardLayout{ShardLayout::By::Hash, 2}, id, ""); }

std::set<std::string> ids_in(const std::string& db) {
  std::set<std::string> out;
  Xapian::Database d(db);
  for (auto it = d.postlist_begin(""); it != d.postlist_end(""); ++it) out.insert(parse_stored(stored_article(d.get_document(*it))).value("id", ""));
  return out;
}

void validate(const std::string& schema, const json& body) {
  TempDir tmp;
  write_file(tmp / "response.json", body.dump());
  CommandResult v = run_command({"/usr/bin/python3", "-c",
                                 "import json,sys,jsonschema\n"
                                 "jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))\n",
                                 source_path("schemas/" + schema + ".schema.json"), tmp / "response.json"});
  EXPECT_EQ(v.exit_code, 0) << "does not match schemas/" << schema << ".schema.json:\n" << v.err.substr(0, 2000);
}

// The fixture corpus indexed three ways, the two shards served by xapian-tcpsrv, and searchd over
// one database, over the local stub and over a stub of the remote shards with the side index.
class Shards : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have(kTcpSrv)) GTEST_SKIP() << kTcpSrv << " is missing: apt-get install xapian-tools (scripts/setup)";
    dir_ = new TempDir();
    const std::vector<std::string> corpus = {source_path("tests/fixtures/api/articles.jsonl"), source_path("corpus")};
    std::vector<std::string> sharded = {"--shards", "2"};
    sharded.insert(sharded.end(), corpus.begin(), corpus.end());
    for (auto [db, args] : {std::pair{*dir_ / "single", corpus}, std::pair{*dir_ / "sharded", sharded}}) {
      CommandResult r = run_indexer(db, args);
      ASSERT_EQ(r.exit_code, 0) << "indexer into " << db << ": " << r.err;
    }
    shard0_ = new Daemon(tcpsrv(*dir_ / "sharded/shard-00"));
    shard1_ = new Daemon(tcpsrv(*dir_ / "sharded/shard-01"));
    // The front machine: a stub of remote shards, the side index passed with --side.
    std::string front = remote_stub("front", {"# two shards on xapian-tcpsrv", remote_line(*shard0_), remote_line(*shard1_)});
    single_ = new Searchd(*dir_ / "single");
    local_ = new Searchd(*dir_ / "sharded/sosik.stub");
    remote_ = new Searchd(front, {"--side", *dir_ / "sharded/side", "--remote-timeout-ms", "5000"});
  }
  static void TearDownTestSuite() {
    for (Searchd* s : {single_, local_, remote_}) delete s;
    delete shard0_;
    delete shard1_;
    delete dir_;
    single_ = local_ = remote_ = nullptr;
    shard0_ = shard1_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!have(kTcpSrv)) GTEST_SKIP() << kTcpSrv << " is missing";
  }
  // A stub file DIR/NAME/remote.stub of these lines (remote shards, comments); its path.
  static std::string remote_stub(const std::string& name, const std::vector<std::string>& lines) {
    fs::create_directories(*dir_ / name);
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    write_file(*dir_ / (name + "/remote.stub"), text);
    return *dir_ / (name + "/remote.stub");
  }
  static json get(const Searchd& s, const std::string& path) {
    auto r = s.get(path);
    EXPECT_EQ(r.status, 200) << path << " → " << r.body;
    return r.json;
  }
  static inline TempDir* dir_ = nullptr;
  static inline Daemon *shard0_ = nullptr, *shard1_ = nullptr;
  static inline Searchd *single_ = nullptr, *local_ = nullptr, *remote_ = nullptr;
};

TEST_F(Shards, EveryDocumentOnceAndAsInOneDatabase) {
  // The same documents (data, terms, wdf, positions: inlinks and stubs included) as one database.
  EXPECT_EQ(dump_index(*dir_ / "sharded/sosik.stub"), dump_index(*dir_ / "single"))
      << "the shards hold other documents than one database (core/index/sharded_writer.cc)";
  std::set<std::string> zero = ids_in(*dir_ / "sharded/shard-00"), one = ids_in(*dir_ / "sharded/shard-01");
  EXPECT_FALSE(zero.empty());
  EXPECT_FALSE(one.empty());
  for (const auto& id : zero) {
    EXPECT_EQ(one.count(id), 0u) << id << " is in both shards";
    EXPECT_EQ(hash2_shard(id), "shard-00") << id << " is not in the shard its id hashes to";
  }
  for (const auto& id : one) EXPECT_EQ(hash2_shard(id), "shard-01") << id << " is not in the shard its id hashes to";
}

TEST_F(Shards, SameResultsAsOneDatabaseLocallyAndOverTcp) {
  const std::string all_facets = "&facets=outlet,reporter,section,month";
  struct Case {
    std::string q, params;
    const char* why;
  };
  const Case cases[] = {
      {"오픈AI", "&limit=100" + all_facets, "mixed-script word"},
      {"마이크로소프트", "&limit=100" + all_facets, "particles stripped"},
      {"데이터센터", "&limit=100", "compound"},
      {"데이터 센터", "&limit=100", "spacing variant"},
      {"\"데이터 센터\"", "&limit=100", "phrase"},
      {"나델러", "&limit=100", "did_you_mean from the side index, corrected"},
      {"dhvms", "&limit=100", "wrong keyboard layout"},
      {"ㅁㅇㅋ", "&limit=100" + all_facets, "초성: a wildcard, expanded over all shards"},
      {"ㅅㄹㅇㅁ", "&limit=100", "초성"},
      {"오픈AI -오라클", "&limit=100", "exclusion"},
      {"title:오픈AI", "&limit=100", "field"},
      {"outlet:디지털투데이 AI", "&limit=100", "outlet filter in the query"},
      {"마이크로소프트 오픈AI 협력 데이터센터 투자", "&limit=100" + all_facets, "long query: any word"},
      {"삼성 냉장고", "&limit=100", "relaxed: no article has both"},
      {"zzzz", "&limit=100", "nothing"},
      {"AI", "&sort=date&limit=100", "by date"},
      {"", "&limit=100" + all_facets, "browse everything, newest first"},
      {"", "&section=IT&from=2024-09-01&limit=100", "browse with filters"},
      {"오픈AI", "&limit=2&offset=1", "a page"},
      {"AI", "&limit=3&offset=8", "a page inside a run of equal scores (an article and five stubs)"},
      {"AI", "&limit=8", "a page that ends inside a run of equal scores"},
      {"AI", "&limit=100&facets=outlet,month", "equal scores: newest first, then by id"},
      {"", "&limit=4&offset=13", "browsing: a page among the undated (article and stubs)"},
      {"", "&sort=date&limit=100", "browsing by date"},
  };
  for (const auto& [name, server] : {std::pair{"local stub", local_}, std::pair{"remote stub", remote_}}) {
    for (const auto& c : cases) {
      std::string path = "/api/search?q=" + url_encode(c.q) + c.params;
      json one = get(*single_, path), sharded = get(*server, path);
      EXPECT_EQ(canonical(sharded), canonical(one)) << name << ", " << c.why << ": " << path;
      EXPECT_EQ(score_difference(sharded, one), "") << name << ", " << c.why << ": " << path;
      if (sharded.contains("shards")) {
        EXPECT_EQ(sharded["shards"], json({{"total", 2}, {"answered", 2}, {"failed", json::array()}})) << name << ": " << path;
      }
    }
    // The side index makes did-you-mean work although remote shards have no spelling table.
    json dym = get(*server, "/api/search?q=" + url_encode("나델러"));
    EXPECT_EQ(dym["did_you_mean"], "나델라") << name << ": " << dym;
    EXPECT_EQ(dym["corrected"], true) << name;
  }
}

TEST_F(Shards, ArticlesAndSuggestionsAsInOneDatabase) {
  json all = get(*single_, "/api/search?limit=100");
  ASSERT_GE(all["hits"].size(), 20u) << all;
  for (const auto& [name, server] : {std::pair{"local stub", local_}, std::pair{"remote stub", remote_}}) {
    for (const auto& id : ids(all))  // related stories and inlinks resolved across shards
      EXPECT_EQ(get(*server, "/api/articles/" + url_encode(id)), get(*single_, "/api/articles/" + url_encode(id))) << name << ": " << id;
    EXPECT_EQ(server->get("/api/articles/no-such-id").status, 404) << name;
    // Completions come from the side index's vocabulary (synonym table) and the shards' terms;
    // titles of equal weight may come in another order (docid), so they are compared as sets.
    for (std::string q : {"마이크로", "ㅁㅇㅋ", "슐레ㅇ", "dhvms", "오픈AI 지", "데이터"}) {
      std::string path = "/api/suggest?limit=20&q=" + url_encode(q);
      json a = get(*single_, path), b = get(*server, path);
      auto split = [](const json& j, const char* kind) {
        std::vector<std::string> out;
        for (const auto& s : j["suggestions"])
          if (s["kind"] == kind) out.push_back(s["text"]);
        return out;
      };
      EXPECT_EQ(split(b, "term"), split(a, "term")) << name << ": " << path;
      auto ta = split(a, "title"), tb = split(b, "title");
      std::sort(ta.begin(), ta.end());
      std::sort(tb.begin(), tb.end());
      EXPECT_EQ(tb, ta) << name << ": " << path;
    }
    json ms = get(*server, "/api/suggest?q=" + url_encode("ㅁㅇㅋ"));
    ASSERT_FALSE(ms["suggestions"].empty()) << name << ": " << ms;
    EXPECT_EQ(ms["suggestions"][0]["text"], "마이크로소프트") << name << ": " << ms;
  }
}

TEST_F(Shards, WithoutTheSideIndexRemoteShardsOfferNoSpelling) {
  // Why the side index exists: Xapian's remote backend serves no spelling or synonym table.
  Searchd bare(remote_stub("bare", {remote_line(*shard0_), remote_line(*shard1_)}));
  json j = get(bare, "/api/search?q=" + url_encode("나델러"));
  EXPECT_TRUE(j["did_you_mean"].is_null()) << "Xapian now serves spelling remotely? then docs/scale-out.md is out of date: " << j;
  EXPECT_EQ(get(bare, "/api/search?q=" + url_encode("나델라"))["total"], get(*single_, "/api/search?q=" + url_encode("나델라"))["total"]);
}

TEST_F(Shards, ADownShardGivesADegradedResponseNotAHang) {
  Daemon a = tcpsrv(*dir_ / "sharded/shard-00"), b = tcpsrv(*dir_ / "sharded/shard-01");
  Searchd server(remote_stub("down", {remote_line(a), remote_line(b)}), {"--side", *dir_ / "sharded/side", "--remote-timeout-ms", "1500"});
  const std::string path = "/api/search?limit=100&q=" + url_encode("오픈AI");
  json full = get(server, path);
  ASSERT_GE(full["total"].get<int>(), 5) << full;

  b.stop();
  auto t0 = Clock::now();
  auto r = server.get(path);
  double took = ms_since(t0);
  ASSERT_EQ(r.status, 200) << "a shard going down must not fail the search: " << r.body;
  EXPECT_LT(took, 3000) << "the degraded search waited " << took << " ms (remote timeout 1500 ms)";
  std::vector<std::string> got = ids(r.json);
  EXPECT_FALSE(got.empty()) << r.body;
  EXPECT_LT(r.json["total"].get<int>(), full["total"].get<int>()) << r.body;
  const std::vector<std::string> all = ids(full);
  for (const auto& id : got) {
    EXPECT_EQ(hash2_shard(id), "shard-00") << id << " cannot have come from the shard that is down";
    EXPECT_NE(std::find(all.begin(), all.end(), id), all.end()) << id;
  }
  if (r.json.contains("shards")) {  // SearchResponsesSayWhichShardsAnswered checks that it is there
    EXPECT_EQ(r.json["shards"], json({{"total", 2}, {"answered", 1}, {"failed", json::array({remote_line(b)})}})) << r.body;
    validate("search-response", r.json);
  }

  // searchd keeps serving, fast, from the shard that answers.
  t0 = Clock::now();
  EXPECT_EQ(server.get("/healthz").status, 200);
  EXPECT_EQ(server.get("/api/suggest?q=" + url_encode("마이크로")).status, 200);
  std::string here, there;
  for (const auto& id : all) (hash2_shard(id) == "shard-00" ? here : there) = id;
  ASSERT_FALSE(here.empty());
  ASSERT_FALSE(there.empty());
  EXPECT_EQ(server.get("/api/articles/" + url_encode(here)).status, 200) << here;
  auto gone = server.get("/api/articles/" + url_encode(there));
  EXPECT_EQ(gone.status, 503) << there << " is on the shard that is down: not a 404 'no such article': " << gone.body;
  EXPECT_LT(ms_since(t0), 3000) << "requests after the shard went down";
  EXPECT_TRUE(server.running());
}

TEST_F(Shards, SearchResponsesSayWhichShardsAnswered) {
  json j = get(*remote_, "/api/search?q=" + url_encode("오픈AI"));
  ASSERT_TRUE(j.contains("shards")) << "searchd/server.cc (get_search) must add \"shards\": to_json(*r.shards) when r.shards "
                                       "is set (core/search/shards.h); schemas/search-response.schema.json has it: " << j.dump().substr(0, 300);
  EXPECT_EQ(j["shards"], json({{"total", 2}, {"answered", 2}, {"failed", json::array()}}));
  validate("search-response", j);
  EXPECT_FALSE(get(*single_, "/api/search?q=" + url_encode("오픈AI")).contains("shards")) << "one database has no shards";
}

TEST_F(Shards, AShardThatNeverAnswersCostsOneTimeoutNotAHang) {
  // A listening socket nobody accepts on: connecting works, the handshake never comes (a host
  // that hangs). Only --remote-timeout-ms bounds it.
  int hole = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(hole, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(hole, 64), 0);
  getsockname(hole, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string hole_line = "remote 127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  std::string stub = remote_stub("hang", {remote_line(*shard0_), hole_line});
  auto t0 = Clock::now();
  Searchd server(stub, {"--side", *dir_ / "sharded/side", "--remote-timeout-ms", "500"});
  double start_ms = ms_since(t0);
  EXPECT_LT(start_ms, 5000) << "searchd took " << start_ms << " ms to start with a shard that never answers";
  for (int i = 0; i < 3; ++i) {
    t0 = Clock::now();
    auto r = server.get("/api/search?q=" + url_encode("오픈AI"));
    double took = ms_since(t0);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_LT(took, 2000) << "search " << i << " took " << took << " ms (remote timeout 500 ms)";
    if (r.json.contains("shards")) {
      EXPECT_EQ(r.json["shards"]["failed"], json::array({hole_line})) << r.body;
    }
  }
  close(hole);
}

// /healthz, /metrics and the search page say which shards answer, over HTTP with a shard killed.
TEST_F(Shards, HealthAndTheSearchPageSayWhichShardsAnswered) {
  Daemon a = tcpsrv(*dir_ / "sharded/shard-00"), b = tcpsrv(*dir_ / "sharded/shard-01");
  Searchd server(remote_stub("health", {remote_line(a), remote_line(b)}), {"--side", *dir_ / "sharded/side", "--remote-timeout-ms", "1500"});
  const std::string page = "/?q=" + url_encode("오픈AI");

  auto ok = server.get("/healthz");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["status"], "ok") << ok.body;
  EXPECT_EQ(ok.json["documents"], get(*single_, "/healthz")["documents"]) << ok.body;
  EXPECT_EQ(ok.json["shards"], json({{"total", 2}, {"answered", 2}, {"ok", {remote_line(a), remote_line(b)}}, {"failed", json::array()}}));
  validate("healthz-response", ok.json);
  EXPECT_NE(server.get(page).body.find("샤드 2개 모두 응답"), std::string::npos) << "the page says every shard answered";
  EXPECT_EQ(get(*single_, "/healthz").count("shards"), 0u) << "one database has no shards";
  EXPECT_EQ(single_->get(page).body.find("샤드"), std::string::npos) << "nor does its page mention any";

  b.stop();
  auto down = server.get("/healthz");
  EXPECT_EQ(down.status, 200) << "degraded, still serving (docs/scale-out.md): " << down.body;
  EXPECT_EQ(down.json["status"], "degraded") << down.body;
  EXPECT_EQ(down.json["shards"], json({{"total", 2}, {"answered", 1}, {"ok", {remote_line(a)}}, {"failed", {remote_line(b)}}}));
  EXPECT_LT(down.json["documents"].get<int>(), ok.json["documents"].get<int>()) << down.body;
  validate("healthz-response", down.json);
  auto html = server.get(page);
  EXPECT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("class=\"notice shards-degraded\" role=\"alert\""), std::string::npos) << html.body.substr(0, 3000);
  EXPECT_NE(html.body.find("2개 중 1개만 응답"), std::string::npos) << html.body.substr(0, 3000);
  EXPECT_NE(html.body.find("응답 없음: <code>" + remote_line(b) + "</code>"), std::string::npos) << "names the shard that is down";
  EXPECT_NE(html.body.find("응답: <code>" + remote_line(a) + "</code>"), std::string::npos) << "and the one that answered";
  auto metrics = server.get("/metrics").body;
  EXPECT_NE(metrics.find("sosik_shards 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("sosik_shards_answered 1\n"), std::string::npos) << metrics;

  a.stop();
  auto none = server.get("/healthz");
  EXPECT_EQ(none.status, 503) << none.body;
  EXPECT_EQ(none.json["status"], "unavailable") << none.body;
  EXPECT_EQ(none.json["documents"], 0);
  EXPECT_EQ(none.json["shards"]["answered"], 0) << none.body;
  EXPECT_EQ(none.json["shards"]["failed"], json({remote_line(a), remote_line(b)})) << none.body;
  validate("healthz-response", none.json);
  EXPECT_EQ(server.get("/api/search?q=" + url_encode("오픈AI")).status, 503);

  ASSERT_TRUE(a.restart() && b.restart()) << "xapian-tcpsrv did not come back";
  json back;
  for (auto t0 = Clock::now(); ms_since(t0) < 15000; std::this_thread::sleep_for(std::chrono::milliseconds(250))) {
    back = server.get("/healthz").json;
    if (back.is_object() && back["status"] == "ok") break;
  }
  EXPECT_EQ(back["status"], "ok") << "shards that come back are searched again (retried after 5 s): " << back;
}

// The same through the library, where the retry period is short enough to see a shard come back.
TEST_F(Shards, SearcherSaysWhichShardsAnsweredAndTakesBackOneThatReturns) {
  Daemon a = tcpsrv(*dir_ / "sharded/shard-00"), b = tcpsrv(*dir_ / "sharded/shard-01");
  ShardOptions options{*dir_ / "sharded/side", 1000, 200};
  Searcher searcher(remote_stub("lib", {remote_line(a), remote_line(b)}), Analyzer::korean(), {}, nullptr, 0, options);
  SearchRequest req;
  req.q = "오픈AI";
  req.limit = 100;
  SearchResponse full = searcher.search(req);
  ASSERT_TRUE(full.shards) << "a stub's response says which shards answered";
  EXPECT_EQ(*full.shards, (ShardHealth{2, 2, {}}));

  b.stop();
  auto t0 = Clock::now();
  SearchResponse degraded = searcher.search(req);
  EXPECT_LT(ms_since(t0), 2000);
  ASSERT_TRUE(degraded.shards);
  EXPECT_EQ(*degraded.shards, (ShardHealth{2, 1, {remote_line(b)}}));
  EXPECT_LT(degraded.total, full.total);
  EXPECT_EQ(to_json(*degraded.shards), json({{"total", 2}, {"answered", 1}, {"failed", json::array({remote_line(b)})}}));
  EXPECT_GT(searcher.document_count(), 0u) << "counts what answers";

  ASSERT_TRUE(b.restart()) << "xapian-tcpsrv did not come back on port " << b.port();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // past retry_after_ms
  SearchResponse back = searcher.search(req);
  ASSERT_TRUE(back.shards);
  EXPECT_EQ(*back.shards, (ShardHealth{2, 2, {}})) << "the shard that came back is searched again";
  EXPECT_EQ(back.total, full.total);
}

// Writer behaviour on small purpose-made inputs, each compared with one database.
struct Layouts {
  TempDir dir;
  CommandResult index(const std::string& name, std::vector<std::string> layout, const std::vector<std::string>& inputs) {
    layout.insert(layout.end(), inputs.begin(), inputs.end());
    return run_indexer(dir / name, layout);
  }
};

// A links to a story known only by its headline (a stub, in the shard of the stub's id); the
// article B with that headline lives in the shard of its own id: another one (under --shards 2).
struct LinkedPair {
  std::string b_id, a, b;
  LinkedPair() {
    auto analyzer = Analyzer::korean();
    std::string stub_shard = hash2_shard(stub_id(*analyzer, RelatedStory{"엔비디아 새 칩 발표", ""}));
    for (int i = 0; b_id.empty(); ++i)
      if (hash2_shard("b-" + std::to_string(i)) != stub_shard) b_id = "b-" + std::to_string(i);
    a = R"({"id":"a-1","title":"반도체 시장 전망","body":"반도체 시장이 커진다.","related":[{"title":"엔비디아 새 칩 발표"}]})";
    b = R"({"id":")" + b_id + R"(","title":"엔비디아 새 칩 발표","body":"엔비디아가 새 칩을 발표했다."})";
  }
};

TEST(ShardedIndex, LinkedStoriesMeetTheirArticleAcrossShards) {
  const LinkedPair p;
  const std::string &a = p.a, &b = p.b, &b_id = p.b_id;
  struct Case {
    const char* order;
    std::vector<std::string> lines;
  };
  const Case cases[] = {{"link first, article later", {a, b}}, {"article first, link later", {b, a}}};
  for (const auto& c : cases) {
    Layouts l;
    std::string in = l.dir / "in.jsonl";
    write_file(in, c.lines[0] + "\n" + c.lines[1] + "\n");
    ASSERT_EQ(l.index("single", {}, {in}).exit_code, 0) << c.order;
    CommandResult r = l.index("sharded", {"--shards", "2"}, {in});
    ASSERT_EQ(r.exit_code, 0) << c.order << ": " << r.err;
    EXPECT_EQ(dump_index(l.dir / "sharded/sosik.stub"), dump_index(l.dir / "single"))
        << c.order << ": the article must take the stub's place (and inlinks) whichever shard each is in";
    std::set<std::string> all;
    for (const char* s : {"shard-00", "shard-01"})
      for (const auto& id : ids_in(l.dir / (std::string("sharded/") + s))) EXPECT_TRUE(all.insert(id).second) << c.order << ": " << id << " twice";
    EXPECT_EQ(all, (std::set<std::string>{"a-1", b_id})) << c.order << ": no stub may remain beside its article";
  }
}

TEST(ShardedIndex, ARerunRemovesAStubLeftBesideItsArticle) {
  // What a kill between two shard commits can leave: the article committed in its shard, the
  // stub it replaced still in another. Indexing the article again removes the stub.
  const LinkedPair p;
  Layouts l;
  write_file(l.dir / "a.jsonl", p.a + "\n");
  write_file(l.dir / "b.jsonl", p.b + "\n");
  ASSERT_EQ(l.index("sharded", {"--shards", "2"}, {l.dir / "a.jsonl"}).exit_code, 0);
  {
    auto analyzer = Analyzer::korean();
    ParseError error;
    auto article = article_from_json(json::parse(p.b), error);
    ASSERT_TRUE(article) << error.message;
    Xapian::WritableDatabase shard(l.dir / ("sharded/" + hash2_shard(p.b_id)), Xapian::DB_OPEN);
    shard.add_document(make_document(*article, *analyzer));
    shard.commit();
  }
  ASSERT_EQ(ids_in(l.dir / "sharded/sosik.stub").size(), 3u) << "the stub beside its article";
  ASSERT_EQ(l.index("sharded", {}, {l.dir / "b.jsonl"}).exit_code, 0);
  EXPECT_EQ(ids_in(l.dir / "sharded/sosik.stub"), (std::set<std::string>{"a-1", p.b_id}));
  ASSERT_EQ(l.index("single", {}, {l.dir / "a.jsonl", l.dir / "b.jsonl"}).exit_code, 0);
  EXPECT_EQ(dump_index(l.dir / "sharded/sosik.stub"), dump_index(l.dir / "single"));
}

TEST(ShardedIndex, RerunsAreIdempotentAndKeepTheirLayout) {
  Layouts l;
  const std::vector<std::string> corpus = {source_path("tests/fixtures/api/articles.jsonl"), source_path("corpus")};
  ASSERT_EQ(l.index("s", {"--shards", "2"}, corpus).exit_code, 0);
  auto before = dump_index(l.dir / "s/sosik.stub");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    const char* expect;  // in stdout (summary) or stderr
  };
  const Case cases[] = {
      {{"--shards", "2"}, 0, "\"layout\":\"hash 2\""},
      {{}, 0, "\"layout\":\"hash 2\""},  // a sharded directory keeps its layout
      {{"--shards", "3"}, 1, "was written with layout 'hash 2'"},
      {{"--shard-by", "month"}, 1, "was written with layout 'hash 2'"},
  };
  for (const auto& c : cases) {
    CommandResult r = l.index("s", c.args, corpus);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_NE((r.out + r.err).find(c.expect), std::string::npos) << "expected '" << c.expect << "' in: " << r.out << r.err;
    if (c.exit_code == 0) {
      EXPECT_NE(r.out.find("\"stubs\":0"), std::string::npos) << "a rerun adds no stubs: " << r.out;
    }
    EXPECT_EQ(dump_index(l.dir / "s/sosik.stub"), before) << "the index changed after indexer " << testing::PrintToString(c.args);
  }
  // --db may name the stub file; an unsharded directory is never turned into shards.
  EXPECT_EQ(run_indexer(l.dir / "s/sosik.stub", corpus).exit_code, 0);
  ASSERT_EQ(l.index("plain", {}, corpus).exit_code, 0);
  CommandResult r = l.index("plain", {"--shards", "2"}, corpus);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unsharded"), std::string::npos) << r.err;
}

TEST(ShardedIndex, ByMonthUpdatesAndDeletesFindTheirShard) {
  Layouts l;
  const std::string fixture = source_path("tests/fixtures/api/articles.jsonl");
  ASSERT_EQ(l.index("m", {"--shard-by", "month"}, {fixture, source_path("corpus")}).exit_code, 0);
  ASSERT_EQ(l.index("single", {}, {fixture, source_path("corpus")}).exit_code, 0);
  EXPECT_EQ(dump_index(l.dir / "m/sosik.stub"), dump_index(l.dir / "single"));
  EXPECT_EQ(ids_in(l.dir / "m/shard-2024-09"), (std::set<std::string>{"api-03", "api-04"}));
  EXPECT_TRUE(ids_in(l.dir / "m/shard-undated").count("000_1f698f136fdf8a36")) << "undated articles (and stubs) go to shard-undated";

  // api-03 republished in December moves to that month's shard; api-05 is deleted.
  std::string moved = l.dir / "moved.jsonl";
  write_file(moved, R"({"id":"api-03","title":"엔비디아, 새 AI 칩 공개","body":"엔비디아가 새로운 인공지능 칩을 공개했다.","published_at":"2024-12-01T09:00:00+09:00"})" "\n");
  CommandResult r = l.index("m", {}, {moved, "--delete", "api-05"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"deleted\":1"), std::string::npos) << r.out;
  EXPECT_EQ(ids_in(l.dir / "m/shard-2024-09"), (std::set<std::string>{"api-04"}));
  EXPECT_EQ(ids_in(l.dir / "m/shard-2024-12"), (std::set<std::string>{"api-03"}));
  EXPECT_EQ(ids_in(l.dir / "m/shard-2024-08").count("api-05"), 0u);
  EXPECT_NE(read_text(l.dir / "m/sosik.stub").find("auto shard-2024-12\n"), std::string::npos) << "the stub lists the new month";

  // By hash, a delete goes to the id's shard.
  ASSERT_EQ(l.index("h", {"--shards", "2"}, {fixture}).exit_code, 0);
  r = l.index("h", {}, {"--delete", "api-07"});
  EXPECT_NE(r.out.find("\"deleted\":1"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(ids_in(l.dir / "h/sosik.stub").count("api-07"), 0u);
}

// Writes over HTTP on a sharded index go to the shard the indexer would pick: the documents are
// those one database given the same writes holds, each in the shard of its id.
TEST(ShardedWrites, PostAndDeleteOverHttpGoToTheShardOfTheId) {
  Layouts l;
  const std::string token = "shard-write-token-0123456789abcdef";
  write_file(l.dir / "token", token + "\n");
  const std::string fixture = source_path("tests/fixtures/api/articles.jsonl");
  ASSERT_EQ(l.index("sharded", {"--shards", "2"}, {fixture}).exit_code, 0);
  ASSERT_EQ(l.index("single", {}, {fixture}).exit_code, 0);
  Searchd sharded(l.dir / "sharded/sosik.stub", {"--write-token-file", l.dir / "token"});
  Searchd single(l.dir / "single", {"--write-token-file", l.dir / "token"});
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};

  // Ids for both shards; one article takes the place of the stub its link made.
  std::vector<std::string> ids;
  for (int i = 0; ids.size() < 4; ++i)
    if (hash2_shard("w-" + std::to_string(i)) == (ids.size() % 2 ? "shard-01" : "shard-00")) ids.push_back("w-" + std::to_string(i));
  const std::string body =
      R"({"id":")" + ids[0] + R"(","title":"양자컴퓨터 상용화","body":"양자컴퓨터가 상용화 단계에 들어섰다.","published_at":"2024-11-02T09:00:00+09:00","related":[{"title":"양자 암호 표준 발표"}]})" "\n" +
      R"({"id":")" + ids[1] + R"(","title":"양자 암호 표준 발표","body":"양자 암호 표준이 발표됐다.","published_at":"2024-11-03T09:00:00+09:00"})" "\n" +
      R"({"id":")" + ids[2] + R"(","title":"양자 센서 연구","body":"양자 센서 연구가 활발하다."})" "\n" +
      R"({"id":")" + ids[3] + R"(","title":"양자 소재","body":"양자 소재 시장이 커진다."})" "\n";
  for (const Searchd* s : {&sharded, &single}) {
    httplib::Client cli("127.0.0.1", s->port());
    cli.set_read_timeout(30, 0);
    auto post = cli.Post("/api/articles", auth, body, "application/x-ndjson");
    ASSERT_TRUE(post);
    ASSERT_EQ(post->status, 200) << post->body;
    validate("write-response", json::parse(post->body));
    EXPECT_EQ(json::parse(post->body)["indexed"], 4) << post->body;
    auto del = cli.Delete("/api/articles/" + ids[3], auth);
    ASSERT_TRUE(del);
    EXPECT_EQ(del->status, 200) << del->body;
    validate("write-response", json::parse(del->body));
    auto again = cli.Delete("/api/articles/" + ids[3], auth);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 404) << again->body;
    auto api = cli.Delete("/api/articles/api-07", auth);  // one the indexer wrote
    ASSERT_TRUE(api);
    EXPECT_EQ(api->status, 200) << api->body;
  }
  for (const auto& id : {ids[0], ids[1], ids[2]})
    EXPECT_EQ(ids_in(l.dir / ("sharded/" + hash2_shard(id))).count(id), 1u) << id << " is not in the shard its id hashes to";
  EXPECT_EQ(ids_in(l.dir / "sharded/sosik.stub").count(ids[3]), 0u);
  EXPECT_EQ(ids_in(l.dir / "sharded/sosik.stub").count("api-07"), 0u);
  EXPECT_EQ(dump_index(l.dir / "sharded/sosik.stub"), dump_index(l.dir / "single"))
      << "the shards hold other documents than one database given the same writes";
  json found = sharded.get("/api/search?limit=100&q=" + url_encode("양자")).json;
  EXPECT_EQ(found["total"], 3) << found;
  EXPECT_EQ(canonical(found), canonical(single.get("/api/search?limit=100&q=" + url_encode("양자")).json));
  // The indexer finds each article where the write put it: indexing the same articles again
  // replaces them in place and changes nothing.
  auto before = dump_index(l.dir / "sharded/sosik.stub");
  write_file(l.dir / "again.jsonl", body.substr(0, body.find(R"({"id":")" + ids[3])));
  CommandResult rerun = l.index("sharded", {}, {l.dir / "again.jsonl"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find("\"indexed\":3"), std::string::npos) << rerun.out;
  EXPECT_EQ(dump_index(l.dir / "sharded/sosik.stub"), before) << "the indexer put an article written over HTTP elsewhere";
}

// A stub naming shards on other machines cannot be written through: 409 with the reason, and
// reads go on.
TEST(ShardedWrites, AStubOfRemoteShardsRefusesWritesSayingWhy) {
  if (!have(kTcpSrv)) GTEST_SKIP() << kTcpSrv << " is missing";
  Layouts l;
  const std::string token = "shard-write-token-0123456789abcdef";
  write_file(l.dir / "token", token + "\n");
  ASSERT_EQ(l.index("sharded", {"--shards", "2"}, {source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
  Daemon a = tcpsrv(l.dir / "sharded/shard-00"), b = tcpsrv(l.dir / "sharded/shard-01");
  fs::create_directories(l.dir / "front");
  write_file(l.dir / "front/news.stub", remote_line(a) + "\n" + remote_line(b) + "\n");
  write_file(l.dir / "front/mixed.stub", "auto " + (l.dir / "sharded/shard-00") + "\n" + remote_line(b) + "\n");
  write_file(l.dir / "front/hand.stub", "auto " + (l.dir / "sharded/shard-00") + "\nauto " + (l.dir / "sharded/shard-01") + "\n");
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  struct Case {
    std::string stub, says;
  };
  const Case cases[] = {
      {"front/news.stub", "lists shards on other machines ('" + remote_line(a) + "', '" + remote_line(b) + "')"},
      {"front/mixed.stub", "lists shards on other machines ('" + remote_line(b) + "')"},
      {"front/hand.stub", "is not the stub of a sharded index directory written by the indexer"},
  };
  auto before = dump_index(l.dir / "sharded/sosik.stub");
  for (const auto& c : cases) {
    Searchd server(l.dir / c.stub, {"--write-token-file", l.dir / "token", "--side", l.dir / "sharded/side"});
    httplib::Client cli("127.0.0.1", server.port());
    cli.set_read_timeout(30, 0);
    auto post = cli.Post("/api/articles", auth, R"({"id":"r-1","title":"원격 쓰기","body":"원격 샤드에는 쓸 수 없다."})", "application/json");
    ASSERT_TRUE(post) << c.stub;
    EXPECT_EQ(post->status, 409) << c.stub << ": " << post->body;
    json e = json::parse(post->body, nullptr, false);
    EXPECT_EQ(e["error"]["code"], "shards_not_writable") << post->body;
    EXPECT_NE(post->body.find(c.says), std::string::npos) << c.stub << ": " << post->body;
    validate("error-response", e);
    auto del = cli.Delete("/api/articles/api-01", auth);
    ASSERT_TRUE(del);
    EXPECT_EQ(del->status, 409) << c.stub << ": " << del->body;
    auto unauthorised = cli.Post("/api/articles", R"({"id":"r-1","body":"x"})", "application/json");
    ASSERT_TRUE(unauthorised);
    EXPECT_EQ(unauthorised->status, 401) << "the token is checked first";
    EXPECT_EQ(server.get("/api/articles/api-01").status, 200) << c.stub << ": reads go on";
  }
  EXPECT_EQ(dump_index(l.dir / "sharded/sosik.stub"), before) << "a refused write changed a shard";
}

TEST(ShardLayouts, NamesAndShardsAreStable) {
  // Routing must never change for a directory already written: these are fixed for good.
  struct Case {
    std::string layout, id, month, shard;
  };
  const Case cases[] = {
      {"hash 4", "api-01", "", "shard-03"},
      {"hash 4", "api-02", "", "shard-02"},
      {"hash 4", "000_1f698f136fdf8a36", "", "shard-02"},
      {"hash 4", "stub-1247e7587ad530cc", "", "shard-03"},
      {"hash 1", "api-01", "", "shard-00"},
      {"month", "api-01", "2024-10", "shard-2024-10"},
      {"month", "stub-1247e7587ad530cc", "", "shard-undated"},
  };
  for (const auto& c : cases) {
    auto layout = ShardLayout::parse(c.layout);
    ASSERT_TRUE(layout) << c.layout;
    EXPECT_EQ(layout->to_string(), c.layout);
    EXPECT_EQ(shard_name(*layout, c.id, c.month), c.shard) << c.layout << " " << c.id << " (core/index/sharded_writer.cc)";
  }
  for (const char* bad : {"hash 0", "hash", "hash x", "hash -1", "hash 99999", "months", ""})
    EXPECT_FALSE(ShardLayout::parse(bad)) << "'" << bad << "' is no layout";
}

TEST(StubFiles, ReadAsXapianReadsThem) {
  TempDir dir;
  struct Case {
    std::string line;
    const char* expect;  // kind:detail, or "error:" + part of the message
  };
  const Case cases[] = {
      {"auto shard-00", "local:DIR/shard-00"},
      {"auto /srv/sosik/shard-01", "local:/srv/sosik/shard-01"},
      {"glass shard-02", "local:DIR/shard-02"},
      {"remote 10.0.0.2:7001", "remote:10.0.0.2:7001"},
      {"remote [::1]:7002", "remote:::1:7002"},
      {"remote :ssh search2 xapian-progsrv /srv/shard-03", "program:ssh"},
      {"remote tcp 10.0.0.2 7001", "error:expected HOST:PORT"},  // not Xapian's syntax
      {"remote 10.0.0.2:http", "error:bad port"},
      {"remote 10.0.0.2:0", "error:bad port"},
      {"shard-00", "error:unknown line"},
  };
  for (const auto& c : cases) {
    std::string path = dir / "x.stub";
    write_file(path, "# comment\n\n" + c.line + "\n");
    std::string got;
    try {
      auto entries = parse_stub(path);
      EXPECT_EQ(entries.size(), 1u) << c.line;
      const StubEntry& e = entries.at(0);
      EXPECT_EQ(e.line, c.line);
      got = e.kind == StubEntry::Kind::Local    ? "local:" + e.path
            : e.kind == StubEntry::Kind::Remote ? "remote:" + e.host + ":" + std::to_string(e.port)
                                                : "program:" + e.path;
      size_t at = got.find(dir.path().string());
      if (at != std::string::npos) got.replace(at, dir.path().string().size(), "DIR");
    } catch (const Xapian::DatabaseOpeningError& e) {
      got = "error:" + e.get_msg();
      EXPECT_NE(got.find(path + ":3:"), std::string::npos) << "the message names FILE:LINE: " << got;
    }
    if (std::string(c.expect).rfind("error:", 0) == 0)
      EXPECT_NE(got.find(std::string(c.expect).substr(6)), std::string::npos) << c.line << " → " << got;
    else
      EXPECT_EQ(got, c.expect) << c.line;
  }
}

// Blue-green re-indexing: a stub switched from one fresh index to another, both at revision 1.
// The response cache keyed by revision alone answered the old index's hits.
TEST(StubFiles, SwitchedToAnotherIndexAtTheSameRevisionAnswersFromIt) {
  TempDir dir;
  for (const char* name : {"blue", "green"}) {
    write_file(dir / (std::string(name) + ".jsonl"),
               std::string(R"({"id":")") + name + R"(-1","title":"얼룩말코끼리 소식","body":"얼룩말코끼리가 나타났다."})" "\n");
    CommandResult r = run_indexer(dir / name, {dir / (std::string(name) + ".jsonl")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_EQ(Xapian::Database(dir / "blue").get_revision(), Xapian::Database(dir / "green").get_revision())
      << "the case needs both indexes at one revision";
  const std::string stub = dir / "live.stub";
  write_file(stub, "auto blue\n");
  Searcher searcher(stub, Analyzer::korean());  // with its response cache
  SearchRequest req;
  req.q = "얼룩말코끼리";
  auto first_id = [&] {
    SearchResponse res = searcher.search(req);
    return res.hits.empty() ? std::string("(no hit)") : res.hits[0].id;
  };
  ASSERT_EQ(first_id(), "blue-1");
  ASSERT_EQ(first_id(), "blue-1");  // now from the cache
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a new mtime, whatever its resolution
  write_file(stub, "auto green\n");
  EXPECT_EQ(first_id(), "green-1") << "a cached response of the index the stub left (core/search/cache.h)";
}

TEST(ReadReplica, AnArticleIndexedOnTheMasterBecomesSearchableOnTheReplica) {
  if (!have(kReplicateServer) || !have(kReplicate)) GTEST_SKIP() << "xapian-replicate(-server) missing: apt-get install xapian-tools";
  TempDir dir;
  fs::create_directories(dir / "master");
  // Changesets on the master let a replica catch up with the changes instead of a full copy.
  setenv("XAPIAN_MAX_CHANGESETS", "10", 1);
  struct Unset {
    ~Unset() { unsetenv("XAPIAN_MAX_CHANGESETS"); }
  } unset;
  ASSERT_EQ(run_indexer(dir / "master/news", {source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
  Daemon master([&](int port) {
    return std::vector<std::string>{kReplicateServer, "-I", "127.0.0.1", "-p", std::to_string(port), dir / "master"};
  });
  auto replicate_once = [&] {
    return run_command({kReplicate, "-h", "127.0.0.1", "-p", std::to_string(master.port()), "-m", "news", "-o", dir / "replica"});
  };
  CommandResult first = replicate_once();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  Searchd replica(dir / "replica");
  const std::string path = "/api/search?q=" + url_encode("얼룩말코끼리");
  ASSERT_EQ(replica.get(path).json["total"], 0);

  write_file(dir / "new.jsonl", R"({"id":"rep-1","title":"복제 확인 기사","body":"복제본에서도 얼룩말코끼리를 찾을 수 있어야 한다.","published_at":"2024-11-01T09:00:00+09:00"})" "\n");
  CommandResult added = run_indexer(dir / "master/news", {dir / "new.jsonl"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  // The replica follows with xapian-replicate, as a read machine would run it (every second).
  pid_t follower = spawn({kReplicate, "-h", "127.0.0.1", "-p", std::to_string(master.port()), "-m", "news", "-i", "1", "-r", "1", dir / "replica"});
  struct Stop {
    pid_t pid;
    ~Stop() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } stop{follower};
  auto t0 = Clock::now();
  json found;
  while (ms_since(t0) < 20000) {
    found = replica.get(path).json;
    if (found.is_object() && found["total"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(found["total"], 1) << "rep-1 not searchable on the replica after " << ms_since(t0) << " ms: " << found;
  EXPECT_EQ(ids(found), std::vector<std::string>{"rep-1"});
  EXPECT_EQ(replica.get("/api/articles/rep-1").status, 200);
  EXPECT_EQ(replica.get("/api/search?limit=100").json["total"], 13) << "the replica holds the master's 12 + 1";
}

// docs/scale-out.md's three machines on loopback: the indexer's shards and side index replicated
// one by one (xapian-replicate -m shard-00 …), each shard replica served by xapian-tcpsrv, and a
// front over a stub of the remote shards with the side replica. An article indexed on the master
// reaches the front through replication; spelling comes from the replicated side index.
TEST(ReadReplica, ShardsAndTheSideIndexReplicateOneByOne) {
  if (!have(kReplicateServer) || !have(kReplicate) || !have(kTcpSrv)) GTEST_SKIP() << "xapian-tools missing";
  TempDir dir;
  setenv("XAPIAN_MAX_CHANGESETS", "10", 1);
  struct Unset {
    ~Unset() { unsetenv("XAPIAN_MAX_CHANGESETS"); }
  } unset;
  ASSERT_EQ(run_indexer(dir / "news", {"--shards", "2", source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
  Daemon master([&](int port) {
    return std::vector<std::string>{kReplicateServer, "-I", "127.0.0.1", "-p", std::to_string(port), dir / "news"};
  });
  const std::vector<std::string> parts = {"shard-00", "shard-01", "side"};
  fs::create_directories(dir / "copy");
  auto replicate = [&] {  // -o: once; -r 1: readers of the copy get 1 s before a changeset, not 30
    for (const auto& name : parts) {
      CommandResult r = run_command({kReplicate, "-h", "127.0.0.1", "-p", std::to_string(master.port()), "-m", name, "-o", "-r", "1", dir / ("copy/" + name)});
      ASSERT_EQ(r.exit_code, 0) << name << ": " << r.out << r.err;
    }
  };
  replicate();
  if (HasFatalFailure()) return;
  Daemon s1 = tcpsrv(dir / "copy/shard-00"), s2 = tcpsrv(dir / "copy/shard-01");
  write_file(dir / "front.stub", remote_line(s1) + "\n" + remote_line(s2) + "\n");
  Searchd front(dir / "front.stub", {"--side", dir / "copy/side", "--remote-timeout-ms", "5000"});
  EXPECT_EQ(front.get("/api/search?limit=100").json["total"], 12) << "the 12 fixture articles over both shard replicas";
  const std::string path = "/api/search?q=" + url_encode("얼룩말코끼리");
  ASSERT_EQ(front.get(path).json["total"], 0);

  write_file(dir / "new.jsonl", R"({"id":"rep-2","title":"얼룩말코끼리 복제","body":"샤드 복제본에서도 얼룩말코끼리를 찾는다. 얼룩말코끼리는 새 낱말이다.","published_at":"2024-11-01T09:00:00+09:00"})" "\n");
  CommandResult added = run_indexer(dir / "news", {dir / "new.jsonl"});  // the layout is kept (sosik.side)
  ASSERT_EQ(added.exit_code, 0) << added.err;
  replicate();
  json found;
  for (auto t0 = Clock::now(); ms_since(t0) < 10000; std::this_thread::sleep_for(std::chrono::milliseconds(200)))
    if ((found = front.get(path).json).is_object() && found["total"] == 1) break;
  ASSERT_EQ(found["total"], 1) << "rep-2 not found through the shard replicas: " << found;
  EXPECT_EQ(ids(found), std::vector<std::string>{"rep-2"});
  EXPECT_EQ(front.get("/api/search?limit=100").json["total"], 13);
  // Spelling is in the side index only (remote shards have none): the replica of it answers.
  json dym = front.get("/api/search?q=" + url_encode("얼룩말코기리")).json;
  EXPECT_EQ(dym["did_you_mean"], "얼룩말코끼리") << "did-you-mean from the replicated side index: " << dym;
}

}  // namespace
}  // namespace sosik::test
