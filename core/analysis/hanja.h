// Hanja read as Hangul, so 美 대선 finds 미국 대선. Headlines abbreviate countries and
// institutions to one character (美 미국, 北 북한, 檢 검찰); other hanja get their standard
// reading from libhangul's table (Debian libhangul-data).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace sosik {

class HanjaReader {
 public:
  // Loads single-character readings from `table` (reading:hanja:meaning lines); without the
  // file, only the headline abbreviations are known.
  explicit HanjaReader(const std::string& table = default_table());

  // The Hangul reading of a run of hanja, or empty when a character has no known reading.
  std::string read(std::string_view han) const;

  size_t size() const { return readings_.size(); }
  static std::string default_table();  // $SOSIK_HANJA_TABLE or libhangul-data's hanja.txt

 private:
  std::unordered_map<char32_t, std::string> readings_;
};

}  // namespace sosik
