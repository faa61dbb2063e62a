#include "schema.h"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace sosik {

const FieldSpec& field(std::string_view name) {
  for (const auto& f : kFields)
    if (f.name == name) return f;
  throw std::out_of_range("sosik schema has no field '" + std::string(name) + "'");
}

std::string schemas_file(const char* env, std::string_view name) {
  if (const char* value = std::getenv(env)) return value;
  return std::string(SOSIK_SCHEMAS_DIR) + "/" + std::string(name);
}

}  // namespace sosik
