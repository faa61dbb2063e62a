// schemas/article.schema.json must say what the one schema table (core/schema.h) does: every
// field there is a property here with the same prefix, slot, weight and required-ness.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "article.h"
#include "schema.h"

namespace sosik {
namespace {

nlohmann::json load_schema() {
  std::ifstream in(std::string(SOSIK_SOURCE_DIR) + "/schemas/article.schema.json");
  EXPECT_TRUE(in) << "cannot open schemas/article.schema.json";
  return nlohmann::json::parse(in);
}

TEST(Schema, JsonSchemaMatchesTheTable) {
  nlohmann::json s = load_schema();
  EXPECT_EQ(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
  const auto& props = s["properties"];
  std::set<std::string> required(s["required"].begin(), s["required"].end());
  for (const FieldSpec& f : kFields) {
    std::string name(f.name);
    ASSERT_TRUE(props.contains(name)) << "core/schema.h field '" << name << "' missing from article.schema.json";
    const auto& p = props[name];
    if (!f.prefix.empty() || p.contains("x-sosik-prefix")) {
      EXPECT_EQ(p.value("x-sosik-prefix", "<none>"), f.prefix) << "prefix of '" << name << "'";
    }
    if (f.slot) {
      EXPECT_EQ(p.value("x-sosik-slot", -1), static_cast<int>(*f.slot)) << "value slot of '" << name << "'";
    } else {
      EXPECT_FALSE(p.contains("x-sosik-slot")) << "'" << name << "' has no value slot in core/schema.h";
    }
    if (f.kind == FieldKind::Text) {
      EXPECT_EQ(p.value("x-sosik-weight", 0u), f.weight) << "weight of '" << name << "'";
    }
    EXPECT_EQ(required.count(name) == 1, f.required) << "required-ness of '" << name << "'";
  }
  for (const auto& [name, _] : props.items()) {
    bool in_table = name == "title_derived" || name == "stub";
    for (const FieldSpec& f : kFields) in_table = in_table || f.name == name;
    EXPECT_TRUE(in_table) << "article.schema.json property '" << name << "' is not in core/schema.h";
  }
}

// Each case: a JSON line → accepted, or rejected with a message naming the field.
TEST(Schema, ArticleJsonIsValidated) {
  struct Case { const char* json; const char* error_contains; };
  const Case cases[] = {
      {R"({"id":"a1","title":"제목","body":"본문"})", nullptr},
      {R"({"id":"a1","body":"본문","published_at":"2024-10-20T09:30:00+09:00","related":[{"title":"t","url":"u"}]})", nullptr},
      {R"({"id":"a1","body":"본문","published_at":null})", nullptr},
      {R"({"title":"제목","body":"본문"})", "'id'"},
      {R"({"id":"a1","title":"제목"})", "'body'"},
      {R"({"id":7,"body":"본문"})", "'id'"},
      {R"({"id":"a1","body":"본문","published_at":"yesterday"})", "'published_at'"},
      {R"({"id":"a1","body":"본문","published_at":"2024-10-20T09:30:00"})", "'published_at'"},
      {R"({"id":"a1","body":"본문","related":"x"})", "'related'"},
      {R"({"id":"a1","body":"본문","related":[{"url":"u"}]})", "related[0]"},
      {R"({"id":"a1","body":"본문","headline":"x"})", "'headline'"},
      {R"([1,2])", "object"},
  };
  for (const auto& c : cases) {
    ParseError err;
    auto a = article_from_json(nlohmann::json::parse(c.json), err);
    if (!c.error_contains) {
      EXPECT_TRUE(a.has_value()) << c.json << " should be accepted; error: " << err.message;
    } else {
      EXPECT_FALSE(a.has_value()) << c.json << " should be rejected";
      EXPECT_NE(err.message.find(c.error_contains), std::string::npos)
          << c.json << ": message '" << err.message << "' should mention " << c.error_contains;
    }
  }
}

TEST(Schema, Iso8601Dates) {
  struct Case { const char* in; std::optional<int64_t> unix; };
  const Case cases[] = {
      {"2024-10-20T09:30:00+09:00", 1729384200}, {"2024-10-20T00:30:00Z", 1729384200},
      {"2024-10-20", 1729382400}, {"2024-10-20T09:30+09:00", 1729384200},
      {"2024-13-01", std::nullopt}, {"20241020", std::nullopt}, {"2024-10-20T09:30:00", std::nullopt}, {"", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_iso8601(c.in), c.unix) << "parse_iso8601(\"" << c.in << "\")";
}

// A document's data is pack_stored(to_json(article).dump()); stored_text reads its title and body
// without the rest.
TEST(StoredText, ReadsTheTitleAndBodyOfAStoredArticleAndNothingElse) {
  Article a;
  a.id = "a-1";
  a.title = "제목 \"따옴표\"";
  a.body = "첫 문단.\n둘째 문단 \"인용\" \\ 끝 ✓";
  a.related = {{"관련 기사", "https://example.com/r"}};
  a.published_at = "2024-11-01T09:00:00+09:00";
  struct Case { std::string data; std::string title, body; const char* what; };
  const Case cases[] = {
      {pack_stored(to_json(a).dump()), a.title, a.body, "an article as the indexer stores it"},
      {pack_stored(R"({"body":"","id":"x"})"), "", "", "an empty body, no title"},
      {pack_stored(R"({"id":"x","related":[{"body":"not this","title":"t"}],"title":"t"})"), "t", "", "no top-level body: a nested one is not it"},
      {pack_stored(R"({"body":7,"id":"x","title":["t"]})"), "", "", "a body and a title that are not strings"},
      {pack_stored(R"({"body":"cut)"), "", "", "truncated data"},
      {pack_stored("not json"), "", "", "not JSON"},
      {to_json(a).dump(), "", "", "plain JSON, as schema 9 stored it: no zstd frame"},
      {pack_stored(to_json(a).dump()).substr(0, 20), "", "", "a cut frame"},
  };
  for (const auto& c : cases) {
    StoredText t = stored_text(c.data);
    EXPECT_EQ(t.title, c.title) << c.what << ": " << c.data;
    EXPECT_EQ(t.body, c.body) << c.what << ": " << c.data;
  }
}

// parse_stored (simdjson) reads back exactly what nlohmann::json wrote; bad data is an error.
TEST(StoredArticle, ReadsBackWhatTheIndexerStored) {
  Article a;
  a.id = "a-1";
  a.title = "제목 \"따옴표\" \u00e9 😀";
  a.body = "첫 문단.\n둘째 문단 \"인용\" \\ 끝 ✓\t\x01";
  a.related = {{"관련 기사", "https://example.com/r"}, {"둘째", ""}};
  a.published_at = "2024-11-01T09:00:00+09:00";
  a.stub = true;
  const nlohmann::json stored = to_json(a);
  EXPECT_EQ(parse_stored(pack_stored(stored.dump())), stored) << "an article as the indexer stores it (article.cc, to_nlohmann)";
  EXPECT_EQ(unpack_stored(pack_stored(stored.dump())), stored.dump()) << "the JSON, byte for byte";
  const nlohmann::json numbers = {{"a", 1}, {"b", -2}, {"c", 1.5}, {"d", nullptr}, {"e", false}, {"f", 18446744073709551615ull}};
  EXPECT_EQ(parse_stored(pack_stored(numbers.dump())), numbers) << "every JSON type";
  for (const char* bad : {"not json", R"({"body":"cut)", "[1,2]", ""})
    EXPECT_THROW(parse_stored(pack_stored(bad)), std::runtime_error) << "JSON: " << bad;
  for (const std::string& bad : {stored.dump(), std::string(), pack_stored(stored.dump()).substr(0, 20)})
    EXPECT_THROW(parse_stored(bad), std::runtime_error) << "not a whole zstd frame: " << bad;
}

}  // namespace
}  // namespace sosik
