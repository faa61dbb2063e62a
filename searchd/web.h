// The browser side of searchd: the Korean search page at /, the article view at /articles/{id},
// /opensearch.xml and the page's static files. Pages are rendered here in C++, so searching works
// with JavaScript off; app.js (searchd/web/) only adds suggestions while typing.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "metrics.h"
#include "search/searcher.h"

namespace sosik {

// A file of searchd/web/, compiled in at build time (embed_assets.cmake).
struct WebAsset {
  std::string_view name;  // "style.css"
  std::string_view data;
  std::string_view hash;  // start of the SHA-256 of data, for ?v= cache-busting
};
std::span<const WebAsset> web_assets();

// Registers GET /, /articles/(.+), /opensearch.xml and /static/(.+) on `http`. Each request is
// recorded in `metrics` under its route. `metrics` must outlive `http`'s serving. Returns the
// path patterns registered (for 405 answers to other methods).
std::vector<std::string> register_web_routes(httplib::Server& http, std::shared_ptr<const Searcher> searcher, Metrics& metrics);

// HTML-escapes text for element content and quoted attribute values.
std::string escape_html(std::string_view s);

}  // namespace sosik
