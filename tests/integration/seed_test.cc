// The walking skeleton end to end: the seed article indexed by the real indexer into a temporary
// directory, served by the real searchd on an ephemeral port, found over HTTP.
#include <gtest/gtest.h>

#include "support.h"

namespace sosik::test {
namespace {

const char* kSeedId = "000_1f698f136fdf8a36";

class SeedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    CommandResult r = run_indexer(*dir_ / "db", {source_path("corpus")});
    ASSERT_EQ(r.exit_code, 0) << "indexer failed:\n" << r.err;
    summary_ = nlohmann::json::parse(r.out.substr(r.out.rfind('{')));
    server_ = new Searchd(*dir_ / "db");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static nlohmann::json search(const std::string& q) {
    auto r = server_->get("/api/search?q=" + url_encode(q));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json;
  }
  static inline TempDir* dir_ = nullptr;
  static inline Searchd* server_ = nullptr;
  static inline nlohmann::json summary_;
};

TEST_F(SeedTest, IndexerSummaryCountsTheSeed) {
  EXPECT_EQ(summary_["indexed"], 1) << summary_.dump();
  EXPECT_EQ(summary_["rejected"], 0) << summary_.dump();
}

TEST_F(SeedTest, HealthzAnswers) {
  auto r = server_->get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["status"], "ok");
}

// Names in the seed, bare and with particles: each must find the seed article first.
TEST_F(SeedTest, NamesFindTheSeed) {
  for (const char* q : {"슐레이먼", "나델라", "슐레이먼이", "나델라는", "마이크로소프트", "오픈AI"}) {
    nlohmann::json j = search(q);
    ASSERT_TRUE(j.is_object()) << q;
    ASSERT_GE(j["hits"].size(), 1u) << "query '" << q << "' found nothing: " << j.dump();
    EXPECT_EQ(j["hits"][0]["id"], kSeedId) << "query '" << q << "' ranked another document first: " << j.dump();
    EXPECT_NE(j["hits"][0]["snippet"].get<std::string>().find("<mark>"), std::string::npos) << q;
  }
}

TEST_F(SeedTest, ResponseHasTheDocumentedShape) {
  nlohmann::json j = search("슐레이먼");
  for (const char* key : {"query", "total", "hits", "took_ms"}) EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["query"], "슐레이먼");
  const auto& hit = j["hits"][0];
  for (const char* key : {"id", "title", "url", "published_at", "outlet", "score", "snippet"})
    EXPECT_TRUE(hit.contains(key)) << "hit lacks '" << key << "': " << hit.dump();
  EXPECT_EQ(hit["outlet"], "디지털투데이");
}

TEST_F(SeedTest, AbsentWordFindsNothing) {
  for (const char* q : {"삼성전자", "블록체인", "zebra"}) {
    nlohmann::json j = search(q);
    EXPECT_EQ(j["total"], 0) << "query '" << q << "' should find nothing: " << j.dump();
    EXPECT_TRUE(j["hits"].empty()) << q;
  }
}

TEST_F(SeedTest, BadLimitIsA400AndTheDaemonKeepsServing) {
  auto r = server_->get("/api/search?q=a&limit=abc");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["code"], "invalid_parameter") << r.body;
  EXPECT_EQ(server_->get("/healthz").status, 200);
}

}  // namespace
}  // namespace sosik::test
