// Ingesting a corpus with the real indexer: the seed's fields and linked stories, the link graph
// in either order, idempotent re-ingestion, deletion, bad input, and a kill at any moment.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <xapian.h>

#include "analysis/analyzer.h"
#include "article.h"
#include "index/bulk_writer.h"
#include "index/document.h"
#include "support.h"

namespace sosik::test {
namespace {

using nlohmann::json;

json summary_of(const CommandResult& r) {
  size_t brace = r.out.rfind('{');
  if (brace == std::string::npos) return json();
  return json::parse(r.out.substr(brace), nullptr, false);
}

std::string article_line(const std::string& id, const std::string& title, const std::string& body,
                         const json& related = json::array(), const std::string& url = "") {
  json j = {{"id", id}, {"title", title}, {"body", body}, {"related", related}, {"outlet", "테스트일보"}};
  if (!url.empty()) j["url"] = url;
  return j.dump() + "\n";
}

TEST(Ingest, SeedArticleAndItsLinkedStories) {
  TempDir dir;
  CommandResult r = run_indexer(dir / "db", {source_path("corpus/000_1f698f136fdf8a36.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json s = summary_of(r);
  EXPECT_EQ(s["indexed"], 1) << s;
  EXPECT_EQ(s["stubs"], 8) << s;
  EXPECT_EQ(s["documents"], 9) << s;

  Searchd server(dir / "db");
  auto a = server.get("/api/articles/000_1f698f136fdf8a36");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json["outlet"], "디지털투데이");
  EXPECT_EQ(a.json["reporter"], "황치규");
  EXPECT_EQ(a.json["photo_credit"], "셔터스톡");
  EXPECT_EQ(a.json["title_derived"], true);
  ASSERT_EQ(a.json["related"].size(), 8u);
  for (const auto& rel : a.json["related"]) {
    // Each headline finds its stub, and the stub knows who links to it.
    std::string title = rel["title"];
    EXPECT_EQ(rel["stub"], true) << title;
    ASSERT_TRUE(rel["id"].is_string()) << title;
    auto hits = server.get("/api/search?q=" + url_encode(title) + "&limit=20");
    bool found = false;
    for (const auto& h : hits.json["hits"]) found = found || (h["id"] == rel["id"] && h["stub"] == true && h["title"] == title);
    EXPECT_TRUE(found) << "headline '" << title << "' should find its stub: " << hits.body;
    auto stub = server.get("/api/articles/" + url_encode(rel["id"]));
    ASSERT_EQ(stub.status, 200) << stub.body;
    ASSERT_EQ(stub.json["linked_from"].size(), 1u) << stub.body;
    EXPECT_EQ(stub.json["linked_from"][0]["id"], "000_1f698f136fdf8a36");
  }
  std::string body = a.json["body"];
  for (const char* junk : {"<!--", "[db:", "[사진", "ㆍ"}) EXPECT_EQ(body.find(junk), std::string::npos) << junk;
  EXPECT_EQ(server.get("/api/articles/no-such-id").status, 404);
}

// A linked story and its full article meet in one document, whichever arrives first.
TEST(Ingest, StubBecomesTheArticleInEitherOrder) {
  const std::string linking = article_line("a-1", "오픈AI 지분 협상", "마이크로소프트와 오픈AI가 협상했다.",
                                           json::array({{{"title", "슐레이먼, 새 AI 조직 이끈다"}}}));
  const std::string linked = article_line("b-2", "슐레이먼, 새 AI 조직 이끈다", "무스타파 슐레이먼이 조직을 이끈다.");
  for (bool stub_first : {true, false}) {
    TempDir dir;
    write_file(dir / "1.jsonl", stub_first ? linking : linked);
    write_file(dir / "2.jsonl", stub_first ? linked : linking);
    ASSERT_EQ(run_indexer(dir / "db", {dir / "1.jsonl"}).exit_code, 0);
    CommandResult r = run_indexer(dir / "db", {dir / "2.jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (stub_first) {
      EXPECT_EQ(summary_of(r)["merged"], 1) << r.out;
    }
    EXPECT_EQ(Xapian::Database(dir / "db").get_doccount(), 2u) << "stub_first=" << stub_first << ": no duplicate";

    Searchd server(dir / "db");
    auto b = server.get("/api/articles/b-2");
    ASSERT_EQ(b.status, 200) << b.body;
    EXPECT_FALSE(b.json.value("stub", false));
    ASSERT_EQ(b.json["linked_from"].size(), 1u) << "stub_first=" << stub_first << ": " << b.body;
    EXPECT_EQ(b.json["linked_from"][0]["id"], "a-1");
    auto a = server.get("/api/articles/a-1");
    ASSERT_EQ(a.json["related"].size(), 1u);
    EXPECT_EQ(a.json["related"][0]["id"], "b-2") << a.body;
    EXPECT_EQ(a.json["related"][0]["stub"], false) << a.body;
  }
}

TEST(Ingest, ReingestingGivesTheSameIndexAndDeleteRemoves) {
  TempDir dir;
  CommandResult first = run_indexer(dir / "db", {source_path("corpus")});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto before = dump_index(dir / "db");
  CommandResult again = run_indexer(dir / "db", {source_path("corpus")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(dump_index(dir / "db"), before) << "re-ingesting changed the index";

  CommandResult del = run_indexer(dir / "db", {"--delete", "000_1f698f136fdf8a36"});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(summary_of(del)["deleted"], 1);
  EXPECT_EQ(dump_index(dir / "db").count("000_1f698f136fdf8a36"), 0u);
  CommandResult missing = run_indexer(dir / "db", {"--delete", "000_1f698f136fdf8a36"});
  EXPECT_NE(missing.err.find("no such article"), std::string::npos) << missing.err;
}

// --compact after a run of small commits: the same documents in less space, the index still
// writable, and a searchd that had it open answers from the compacted one.
TEST(Ingest, CompactKeepsTheIndexInLessSpace) {
  TempDir dir;
  auto bytes = [](const std::string& d) {
    uintmax_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(d))
      if (e.is_regular_file()) n += e.file_size();
    return n;
  };
  CommandResult first = run_indexer(dir / "db", {"--writers", "1", "--batch", "1", source_path("corpus"), source_path("tests/fixtures/api/articles.jsonl")});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto before = dump_index(dir / "db");
  const uintmax_t size_before = bytes(dir / "db");
  Searchd server(dir / "db");
  auto ids = [&](const std::string& q) {
    std::vector<std::string> out;
    auto r = server.get("/api/search?limit=50&q=" + url_encode(q));
    EXPECT_EQ(r.status, 200) << q << ": " << r.body;
    for (const auto& h : r.json["hits"]) out.push_back(h["id"]);
    return out;
  };
  const auto hits_before = ids("오픈AI");
  ASSERT_FALSE(hits_before.empty());

  CommandResult compacted = run_indexer(dir / "db", {"--compact"});
  ASSERT_EQ(compacted.exit_code, 0) << compacted.err;
  EXPECT_TRUE(summary_of(compacted).contains("compact_seconds")) << compacted.out;
  EXPECT_EQ(dump_index(dir / "db"), before) << "compaction changed the documents";
  EXPECT_LT(bytes(dir / "db"), size_before * 3 / 4) << "one commit per article leaves blocks half empty (core/index/writer.cc)";
  EXPECT_FALSE(std::filesystem::exists(dir / "db.compacting")) << "the old index is removed";
  EXPECT_EQ(ids("오픈AI"), hits_before) << "searchd reads the compacted index";

  write_file(dir / "more.jsonl", article_line("after-compact", "압축 뒤에 온 기사", "압축한 색인에도 새 기사가 들어간다"));
  CommandResult more = run_indexer(dir / "db", {dir / "more.jsonl"});
  ASSERT_EQ(more.exit_code, 0) << more.err;
  EXPECT_EQ(ids("압축").size(), 1u) << "a compacted index stays writable";

  CommandResult sharded = run_indexer(dir / "sharded", {"--shards", "2", "--compact", dir / "more.jsonl"});
  EXPECT_EQ(sharded.exit_code, 2) << "--compact is for one database: " << sharded.err;
}

TEST(Ingest, BadRecordsAreReportedAndGoodOnesKept) {
  TempDir dir;
  std::string jsonl = article_line("good-1", "제목", "첫 번째 좋은 기사") +
                      "{\"id\": \"broken\", \"body\": \n" +                            // line 2: malformed
                      R"({"title":"아이디 없음","body":"본문"})" "\n" +                  // line 3: no id
                      R"({"id":"no-body","title":"본문 없음"})" "\n" +                   // line 4: no body
                      "{\"id\":\"bad-utf8\",\"body\":\"\xC3\x28\"}\n" +                  // line 5: invalid UTF-8
                      std::string(50 << 20, 'x') + "\n" +                                // line 6: 50 MiB line
                      article_line("good-2", "제목2", "두 번째 좋은 기사");               // line 7
  write_file(dir / "mixed.jsonl", jsonl);
  write_file(dir / "cp949.txt", "\xC7\xD1\xB1\xB9 \xB4\xBA\xBD\xBA\xB4\xC2 \xC1\xC1\xB4\xD9.");  // 한국 뉴스는 좋다.
  write_file(dir / "junk.txt", "\xFF\xFE\xFD not text");
  std::filesystem::create_symlink(dir / "gone.jsonl", dir / "dangling.jsonl");
  // Unreadable even for root: the indexer's own /proc/self/mem opens, but reading offset 0 fails.
  const std::string unreadable = "/proc/self/mem";

  CommandResult r = run_indexer(dir / "db", {dir / "mixed.jsonl", dir / "cp949.txt", dir / "junk.txt", dir / "dangling.jsonl",
                                             unreadable});
  EXPECT_EQ(r.exit_code, 1) << "rejections must make the run fail";
  json s = summary_of(r);
  EXPECT_EQ(s["indexed"], 3) << s;
  EXPECT_EQ(s["rejected"], 8) << s << "\n" << r.err;
  const std::string m = dir / "mixed.jsonl";
  for (std::string expected : {m + ":2: malformed JSON", m + ":3: missing required field 'id'",
                               m + ":4: missing required field 'body'", m + ":5: invalid UTF-8",
                               m + ":6: line longer than 8 MiB", (dir / "junk.txt") + ": invalid UTF-8",
                               (dir / "dangling.jsonl"), unreadable + ": read error"})
    EXPECT_NE(r.err.find(expected), std::string::npos) << "stderr should say '" << expected << "':\n" << r.err;

  Searchd server(dir / "db");
  EXPECT_EQ(server.get("/api/articles/good-2").status, 200) << "records after the bad ones are indexed";
  auto hits = server.get("/api/search?q=" + url_encode("한국 뉴스"));
  ASSERT_EQ(hits.json["hits"].size(), 1u) << hits.body;
  EXPECT_EQ(hits.json["hits"][0]["id"], "cp949");
}

// Progress (documents/s, ETA) on a terminal; nothing per document, and nothing when piped.
// A bad option is a usage error (exit 2) that names it and its value, and writes nothing.
TEST(Ingest, BadOptionsAreNamedAndNothingIsWritten) {
  TempDir dir;
  const std::string input = source_path("corpus");
  struct Case { std::vector<std::string> args; const char* says; };
  const Case cases[] = {
      {{"--batch", "0"}, "--batch must be a number from 1 to 10000000, got '0'"},
      {{"--batch", "12abc"}, "--batch must be a number from 1 to 10000000, got '12abc'"},
      {{"--batch", "-5"}, "--batch must be a number from 1 to 10000000, got '-5'"},
      {{"--threads", "many"}, "--threads must be a number from 0 to 256, got 'many'"},
      {{"--shards", "0"}, "--shards must be a number from 1 to 1000, got '0'"},
      {{"--format", "pdf"}, "pdf"},
      {{"--no-such-option"}, "--no-such-option"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = c.args;
    args.push_back(input);
    CommandResult r = run_indexer(dir / "db", args);
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args[0] << " should say \"" << c.says << "\", said: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "db")) << c.args[0] << ": a usage error wrote an index";
  }
}

TEST(Ingest, ProgressOnATerminalOnly) {
  TempDir dir;
  std::string jsonl;
  for (int i = 0; i < 3000; ++i) jsonl += article_line("p-" + std::to_string(i), "기사", "진행 상황을 보여 주는 기사 " + std::to_string(i));
  write_file(dir / "a.jsonl", jsonl);
  // script(1) gives the indexer a pseudo-terminal, as a person running it would have.
  CommandResult tty = run_command({"/usr/bin/script", "-qec", std::string(SOSIK_INDEXER) + " --db " + (dir / "tty") + " " + (dir / "a.jsonl"), "/dev/null"});
  ASSERT_EQ(tty.exit_code, 0) << tty.out << tty.err;
  EXPECT_NE(tty.out.find("docs/s"), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find("ETA"), std::string::npos) << tty.out;
  EXPECT_LT(std::count(tty.out.begin(), tty.out.end(), '\r'), 100) << "progress is redrawn a few times a second, not per document";
  CommandResult piped = run_indexer(dir / "piped", {dir / "a.jsonl"});
  EXPECT_EQ(piped.err.find("docs/s"), std::string::npos) << piped.err;
  EXPECT_EQ(summary_of(piped)["indexed"], 3000);
}

// kill -9 mid-run: the index opens and holds exactly the batches committed before the kill (the
// first ids of the input, in order); a rerun completes it to the same index as a clean run.
TEST(Ingest, KillMidRunLeavesTheLastCommit) {
  TempDir dir;
  std::string jsonl;
  const size_t n = 6000, batch = 250, batches = n / batch;
  for (size_t i = 0; i < n; ++i)
    jsonl += article_line("k-" + std::to_string(i), "기사 " + std::to_string(i),
                          "마이크로소프트와 오픈AI의 협상 " + std::to_string(i) + "번째 소식입니다. 데이터센터 투자를 늘린다.");
  write_file(dir / "big.jsonl", jsonl);

  ASSERT_EQ(run_indexer(dir / "clean", {dir / "big.jsonl"}).exit_code, 0);
  auto clean = dump_index(dir / "clean");
  ASSERT_EQ(clean.size(), n);

  std::mt19937 rng(std::random_device{}());
  for (int round = 0; round < 3; ++round) {
    std::string db = dir / ("killed" + std::to_string(round));
    // Killed as soon as a random number of batches is seen committed (1 to batches - 6, so the
    // kill lands mid-run however fast the machine), and within its next batch at times.
    const size_t target = 1 + rng() % (batches - 6);
    // One writer: it commits batch after batch into the index (more writers commit only at the end).
    pid_t pid = spawn({SOSIK_INDEXER, "--db", db, "--writers", "1", "--batch", std::to_string(batch), dir / "big.jsonl"});
    size_t seen = 0;
    for (auto t0 = Clock::now(); seen < target * batch && seconds_since(t0) < 120;) {
      try {
        seen = Xapian::Database(db).get_doccount();
      } catch (const Xapian::Error&) {
        // not created yet
      }
      if (seen < target * batch) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (round == 2) std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 50));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round << ": the indexer finished before the kill; lower the target";

    Xapian::Database partial(db);  // must open
    const size_t committed = partial.get_doccount();
    std::cerr << "round " << round << ": killed after " << target << " batches seen; " << committed << " of " << n << " committed\n";
    EXPECT_GE(committed, target * batch) << "round " << round << ": a commit seen before the kill was lost";
    EXPECT_LT(committed, n) << "round " << round;
    EXPECT_EQ(committed % batch, 0u) << "round " << round << ": a partial batch is visible";
    for (size_t i = 0; i < committed; ++i) {
      std::string id = "Qk-" + std::to_string(i);
      if (partial.postlist_begin(id) == partial.postlist_end(id)) {
        ADD_FAILURE() << "round " << round << ": " << id.substr(1) << " is missing from the committed batches (writer.cc commit order)";
        break;
      }
    }
    ASSERT_EQ(run_indexer(db, {"--batch", std::to_string(batch), dir / "big.jsonl"}).exit_code, 0);
    EXPECT_TRUE(dump_index(db) == clean) << "round " << round << ": rerun after kill differs from a clean run";
  }
}

// A new index written by two writers at once (BulkIndexWriter: parts by the hash of the id,
// merged at the end) is the index one writer writes, document by document: terms, positions,
// values and data. The cases put a story's stub and its article, or two stubs of one story, in
// different parts, where only the merge can join them.
TEST(Ingest, TwoWritersWriteTheIndexOneWriterWrites) {
  auto analyzer = Analyzer::korean();
  const RelatedStory story{"엔비디아 새 칩 발표", ""};
  const size_t stub_part = stable_bucket(stub_id(*analyzer, story), 2);
  auto id_in = [](size_t part, const std::string& stem) {
    for (int i = 0;; ++i)
      if (std::string id = stem + std::to_string(i); stable_bucket(id, 2) == part) return id;
  };
  const std::string other = id_in(1 - stub_part, "b-"), same = id_in(stub_part, "b-");
  const json link = json::array({{{"title", story.title}}});
  const std::string linking_other = article_line(id_in(1 - stub_part, "a-"), "반도체 시장 전망", "반도체 시장이 커진다.", link);
  const std::string linking_same = article_line(id_in(stub_part, "a-"), "칩 시장 소식", "새 칩이 나온다.", link);
  const std::string article = article_line(other, story.title, "엔비디아가 새 칩을 발표했다.");
  json c_line = json::parse(article_line(id_in(1 - stub_part, "c-"), "엔비디아 주가", "주가가 올랐다.", link));
  c_line["outlet"] = "다른일보";  // a stub records the outlet of the article that wrote it
  const std::string linking_c = c_line.dump() + "\n";
  struct Case {
    const char* name;
    std::string jsonl;
    std::vector<std::string> extra;
  };
  const Case cases[] = {
      {"the bundled corpus and the API fixtures", "", {source_path("corpus"), source_path("tests/fixtures/api/articles.jsonl")}},
      {"link first, its article later in the same part", linking_other + article, {}},
      {"article first, a link to it later from the same part", article + linking_other, {}},
      // A stub is written by the part of the article that links; linking_same is in the other one.
      {"article first, a link to it later from the other part", article + linking_same, {}},
      {"a link from the other part first, the article later", linking_same + article, {}},
      {"one story linked from both parts, the stub's part first", linking_same + linking_c, {}},
      {"one story linked from both parts, the other part first", linking_c + linking_same, {}},
      {"the same id twice: the later one stays", article_line(same, "첫 제목", "처음 본문.") + linking_other +
                                                      article_line(same, "고친 제목", "고친 본문."), {}},
      {"a delete in the same run", linking_other + article, {"--delete", other}},
      // The article is replaced under another title: a later link to its first title needs a stub.
      {"an article retitled, then a link to its first title", article + article_line(other, "엔비디아 다른 소식", "고친 본문.") + linking_other, {}},
  };
  for (const auto& c : cases) {
    TempDir dir;
    std::vector<std::string> inputs = c.extra;
    if (!c.jsonl.empty()) {
      write_file(dir / "in.jsonl", c.jsonl);
      inputs.push_back(dir / "in.jsonl");
    }
    auto with = [&](const char* writers) {
      std::vector<std::string> args{"--writers", writers};
      args.insert(args.end(), inputs.begin(), inputs.end());
      return args;
    };
    CommandResult one = run_indexer(dir / "one", with("1")), two = run_indexer(dir / "two", with("2"));
    ASSERT_EQ(one.exit_code, 0) << c.name << ": " << one.err;
    ASSERT_EQ(two.exit_code, 0) << c.name << ": " << two.err;
    EXPECT_EQ(summary_of(two).value("writers", 0), 2) << c.name << ": a new index is written in parts";
    EXPECT_FALSE(summary_of(one).contains("writers")) << c.name;
    EXPECT_EQ(Xapian::Database(dir / "two").get_doccount(), Xapian::Database(dir / "one").get_doccount()) << c.name;
    EXPECT_TRUE(dump_index(dir / "two") == dump_index(dir / "one"))
        << c.name << ": the merged parts differ from one writer's index (bulk_writer.cc, join_links)";
    EXPECT_EQ(summary_of(two)["documents"], summary_of(one)["documents"]) << c.name;
    EXPECT_FALSE(std::filesystem::exists(dir / "two.parts")) << c.name << ": the parts are removed after the merge";

    // The same with no link held back (link_window 0): every link goes to its part, which may
    // write a stub that the join then settles, as for links past the window of a large corpus.
    if (c.jsonl.empty()) continue;
    {
      BulkIndexWriter w(dir / "sent", analyzer, 2, 1000, /*link_window=*/0);
      std::istringstream in(c.jsonl);
      for (std::string line; std::getline(in, line);) {
        ParseError err;
        auto a = article_from_json(json::parse(line), err);
        ASSERT_TRUE(a) << c.name << ": " << err.message;
        w.add(prepare(*a, *analyzer));
      }
      if (c.extra.size() == 2 && c.extra[0] == "--delete") w.remove(c.extra[1]);
      w.finish();
    }
    EXPECT_TRUE(dump_index(dir / "sent") == dump_index(dir / "one"))
        << c.name << ": with every link sent to its part, the merged parts differ from one writer's index "
        << "(bulk_writer.cc, join_links)";
  }
}

// Writers write a new index only: one that holds documents is written by one writer, in place.
TEST(Ingest, AnIndexWithDocumentsIsWrittenByOneWriter) {
  TempDir dir;
  write_file(dir / "a.jsonl", article_line("x-1", "첫 기사", "본문."));
  write_file(dir / "b.jsonl", article_line("x-2", "둘째 기사", "본문."));
  CommandResult first = run_indexer(dir / "db", {"--writers", "2", dir / "a.jsonl"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(summary_of(first).value("writers", 0), 2);
  CommandResult second = run_indexer(dir / "db", {"--writers", "2", dir / "b.jsonl"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_FALSE(summary_of(second).contains("writers")) << "the second run adds to an index with documents";
  EXPECT_EQ(Xapian::Database(dir / "db").get_doccount(), 2u);
}

// kill -9 while two writers write a new index: the index opens, empty (parts are merged only at
// the end); the next run removes the parts left behind and writes the whole index.
TEST(Ingest, KillWhileWritersWriteLeavesAnEmptyIndex) {
  TempDir dir;
  std::string jsonl;
  const size_t n = 6000;
  for (size_t i = 0; i < n; ++i)
    jsonl += article_line("k-" + std::to_string(i), "기사 " + std::to_string(i), "데이터센터 투자를 늘린다 " + std::to_string(i) + ".");
  write_file(dir / "big.jsonl", jsonl);
  const std::string db = dir / "db", part = db + ".parts/part-0";
  pid_t pid = spawn({SOSIK_INDEXER, "--db", db, "--writers", "2", "--batch", "200", dir / "big.jsonl"});
  size_t seen = 0;
  for (auto t0 = Clock::now(); seen == 0 && seconds_since(t0) < 120;) {
    try {
      seen = Xapian::Database(part).get_doccount();
    } catch (const Xapian::Error&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // not created yet
    }
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the indexer finished before the kill";
  ASSERT_GT(seen, 0u) << "no part was ever committed";
  EXPECT_EQ(Xapian::Database(db).get_doccount(), 0u) << "the index opens, and holds nothing until the merge";
  CommandResult rerun = run_indexer(db, {"--writers", "2", dir / "big.jsonl"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(Xapian::Database(db).get_doccount(), n);
  EXPECT_FALSE(std::filesystem::exists(db + ".parts"));
}

}  // namespace
}  // namespace sosik::test
