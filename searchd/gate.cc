#include "gate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sosik {
namespace {

using Clock = std::chrono::steady_clock;

// httplib's accept loop hands each connection to a TaskQueue; ours runs the hand-off inline (it
// only queues the socket for the gate thread), so the accept loop never waits.
class InlineQueue : public httplib::TaskQueue {
 public:
  explicit InlineQueue(std::function<void()> on_shutdown) : on_shutdown_(std::move(on_shutdown)) {}
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override { on_shutdown_(); }

 private:
  std::function<void()> on_shutdown_;
};

bool iequals_prefix(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower_prefix[i]) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

std::string error_reply(int status, const GateLimits& limits) {
  std::string code, message;
  switch (status) {
    case 408:
      code = "request_timeout";
      message = "the request did not arrive within " + std::to_string(limits.request_timeout.count()) + " ms";
      break;
    case 411: code = "length_required"; message = "a request body needs a Content-Length (chunked bodies are not accepted)"; break;
    case 413: code = "payload_too_large"; message = "the request body is too large"; break;
    case 431: code = "headers_too_large"; message = "the request headers are over " + std::to_string(limits.max_head_bytes) + " bytes"; break;
    case 503: code = "too_many_connections"; message = "too many open connections; try again"; break;
    default: code = "bad_request"; message = "the request could not be read"; break;
  }
  std::string body = R"({"error":{"code":")" + code + R"(","message":")" + message + "\"}}";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
         "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60000));
}

void address_of(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) : getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(serv);
  }
}

}  // namespace

struct GatedServer::Conn {
  int fd = -1;
  std::string buf;         // bytes received and not yet consumed by a request
  size_t served = 0;       // requests answered on this connection
  bool idle = true;        // no byte of the next request yet
  bool draining = false;   // an error was sent: discard input until EOF, then close
  bool fresh = true;       // just accepted: counts against max_connections on admission
  Clock::time_point since = Clock::now();  // when it started waiting (which to drop first)
  Clock::time_point deadline;
};

// The request's bytes from the gate's buffer; reads past them (pipelined requests excepted, which
// are in the buffer too) wait on the socket only until the request's deadline. Writes are bounded
// by write_timeout per response, so a client that never reads cannot hold a worker either.
class GatedServer::ConnStream : public httplib::Stream {
 public:
  ConnStream(Conn& c, const GateLimits& limits) : c_(c), limits_(limits), read_deadline_(Clock::now() + limits.request_timeout) {}
  ~ConnStream() override { c_.buf.erase(0, pos_); }

  bool is_readable() const override {
    if (pos_ < c_.buf.size()) return true;
    pollfd p{c_.fd, POLLIN, 0};
    return poll(&p, 1, remaining_ms(read_deadline_)) > 0;
  }
  bool is_writable() const override {
    pollfd p{c_.fd, POLLOUT, 0};
    return poll(&p, 1, remaining_ms(write_deadline())) > 0;
  }
  ssize_t read(char* ptr, size_t size) override {
    if (pos_ < c_.buf.size()) {
      size_t n = std::min(size, c_.buf.size() - pos_);
      std::memcpy(ptr, c_.buf.data() + pos_, n);
      pos_ += n;
      return static_cast<ssize_t>(n);
    }
    if (!is_readable()) return -1;
    ssize_t n = recv(c_.fd, ptr, size, MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? -1 : n;
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (!status_ && size >= 12 && std::memcmp(ptr, "HTTP/1.", 7) == 0) status_ = std::atoi(ptr + 9);
    if (!write_started_) {
      write_started_ = true;
      write_deadline_ = Clock::now() + limits_.write_timeout;
    }
    size_t done = 0;
    while (done < size) {
      ssize_t n = send(c_.fd, ptr + done, size - done, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        if (!is_writable()) return -1;
      } else {
        return -1;
      }
    }
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(c_.fd, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(c_.fd, false, ip, port); }
  socket_t socket() const override { return c_.fd; }

  // The status of the response written (0 before one is). After a request httplib could not
  // parse or whose body it skipped, the bytes left on the connection cannot be trusted.
  int status() const { return status_; }
  bool framing_lost() const { return status_ == 400 || status_ == 413 || status_ == 414 || status_ == 431; }

 private:
  Clock::time_point write_deadline() const { return write_started_ ? write_deadline_ : Clock::now() + limits_.write_timeout; }

  Conn& c_;
  const GateLimits& limits_;
  size_t pos_ = 0;
  Clock::time_point read_deadline_;
  bool write_started_ = false;
  Clock::time_point write_deadline_;
  int status_ = 0;
};

GatedServer::GatedServer(GateLimits limits) : limits_(limits) {
  limits_.workers = std::max<size_t>(limits_.workers, 1);
  limits_.max_connections = std::max(limits_.max_connections, limits_.workers);
  limits_.max_requests_per_connection = std::max<size_t>(limits_.max_requests_per_connection, 1);
  // What httplib advertises in Keep-Alive headers: the limits enforced here.
  set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(limits_.idle_timeout.count() / 1000)));
  set_keep_alive_max_count(limits_.max_requests_per_connection);
  new_task_queue = [this] {
    start();
    return new InlineQueue([this] { stop_threads(); });
  };
}

GatedServer::~GatedServer() { stop_threads(); }

void GatedServer::widen_backlog(int backlog) {
  // httplib listens with a backlog of 5 (compiled into the library); listen() again on the bound
  // socket raises it, so a burst of connects is not dropped before the gate sees it.
  if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, backlog);
}

void GatedServer::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  if (pipe2(wake_fd_, O_NONBLOCK | O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  stopping_ = false;
  started_ = true;
  gate_ = std::thread([this] { gate_loop(); });
  for (size_t i = 0; i < limits_.workers; ++i) workers_.emplace_back([this] { worker_loop(); });
}

void GatedServer::stop_threads() {
  {
    std::lock_guard lock(mu_);
    if (!started_) return;
    stopping_ = true;
  }
  wake();
  ready_cv_.notify_all();
  if (gate_.joinable()) gate_.join();
  for (auto& w : workers_) w.join();
  workers_.clear();
  std::lock_guard lock(mu_);
  for (auto& c : incoming_) close_conn(std::move(c));
  for (auto& c : ready_) close_conn(std::move(c));
  incoming_.clear();
  ready_.clear();
  close(wake_fd_[0]);
  close(wake_fd_[1]);
  wake_fd_[0] = wake_fd_[1] = -1;
  started_ = false;
}

void GatedServer::wake() {
  char b = 1;
  if (wake_fd_[1] >= 0) (void)!::write(wake_fd_[1], &b, 1);
}

bool GatedServer::process_and_close_socket(socket_t sock) {
  int one = 1;
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  auto c = std::make_unique<Conn>();
  c->fd = sock;
  c->deadline = Clock::now() + limits_.request_timeout;  // a new connection owes a request
  c->idle = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      close_conn(std::move(c));
      return false;
    }
    incoming_.push_back(std::move(c));
  }
  wake();
  return true;
}

void GatedServer::close_conn(std::unique_ptr<Conn> c) {
  if (!c) return;
  shutdown(c->fd, SHUT_RDWR);
  close(c->fd);
  if (!c->fresh) --admitted_;
}

bool GatedServer::make_room() {
  // Drop one that is done (answered, draining) or idle (keep-alive), else the one that has sent
  // its request longest without finishing it. A real client sends its request at once, so it is
  // never the one dropped: a victim whose whole request is in its socket, unread by the gate yet,
  // is served instead (an ordinary client admitted amid a burst of slow ones was dropped in CI).
  auto rank = [](const Conn& c) { return c.draining ? 0 : c.idle ? 1 : 2; };
  for (;;) {
    auto victim = waiting_.end();
    for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
      if (victim == waiting_.end() || rank(**it) < rank(**victim) || (rank(**it) == rank(**victim) && (*it)->since < (*victim)->since))
        victim = it;
    }
    if (victim == waiting_.end()) return false;
    std::unique_ptr<Conn> c = std::move(*victim);
    waiting_.erase(victim);
    if (rank(*c) == 2) {
      if (read_more(*c) && check_request(*c) == 0) {
        hand_to_worker(std::move(c));
        continue;
      }
      reject(*c, 503);
    }
    close_conn(std::move(c));
    return true;
  }
}

void GatedServer::hand_to_worker(std::unique_ptr<Conn> c) {
  std::lock_guard lock(mu_);
  ready_.push_back(std::move(c));
  ready_cv_.notify_one();
}

void GatedServer::admit(std::unique_ptr<Conn> c) {
  if (c->fresh) {
    c->fresh = false;
    ++admitted_;
    // Only admitted connections count: a burst of reconnecting slow clients, accepted and not
    // yet admitted, must not make room at the cost of one that is (a 503 seen in CI).
    while (admitted_ > limits_.max_connections && make_room()) {
    }
    if (admitted_ > limits_.max_connections) {  // every other connection is busy in a worker
      reject(*c, 503);
      close_conn(std::move(c));
      return;
    }
  }
  int rc = check_request(*c);  // a returning connection may hold a whole pipelined request
  if (rc == 0) {
    hand_to_worker(std::move(c));
    return;
  }
  if (rc != 1) {
    reject(*c, rc);
    waiting_.push_back(std::move(c));
    return;
  }
  waiting_.push_back(std::move(c));
}

// One chunk per wake-up: the buffer never holds more than a request and a chunk before
// check_request sees it, whatever the client sends.
bool GatedServer::read_more(Conn& c) {
  char chunk[65536];
  ssize_t n = recv(c.fd, chunk, sizeof chunk, MSG_DONTWAIT);
  if (n == 0) return false;
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  if (c.draining) return true;
  if (c.idle) {  // the next request starts: it has request_timeout to arrive
    c.idle = false;
    c.since = Clock::now();
    c.deadline = c.since + limits_.request_timeout;
  }
  c.buf.append(chunk, static_cast<size_t>(n));
  return true;
}

int GatedServer::check_request(Conn& c) {
  if (c.buf.empty()) return 1;
  size_t head_end = c.buf.find("\r\n\r\n");
  if (head_end == std::string::npos) return c.buf.size() > limits_.max_head_bytes ? 431 : 1;
  if (head_end + 4 > limits_.max_head_bytes) return 431;
  std::string_view head(c.buf.data(), head_end + 2);

  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
  std::string_view method = request_line.substr(0, sp1);
  std::string_view target = sp1 != std::string_view::npos && sp2 > sp1 ? request_line.substr(sp1 + 1, sp2 - sp1 - 1) : "";

  std::string_view authorization;
  size_t content_length = 0, expect_at = std::string::npos, expect_len = 0;
  bool has_length = false;
  for (size_t at = line_end + 2; at < head.size();) {
    size_t e = head.find("\r\n", at);
    std::string_view line = head.substr(at, e - at);
    if (iequals_prefix(line, "content-length:")) {
      std::string_view v = trim(line.substr(15));
      if (v.empty() || v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return 400;
      size_t n = std::stoull(std::string(v));
      if (has_length && n != content_length) return 400;  // request smuggling: two lengths
      content_length = n;
      has_length = true;
    } else if (iequals_prefix(line, "transfer-encoding:")) {
      return 411;
    } else if (iequals_prefix(line, "authorization:")) {
      authorization = trim(line.substr(14));
    } else if (iequals_prefix(line, "expect:")) {
      expect_at = at;
      expect_len = e + 2 - at;
    }
    at = e + 2;
  }
  size_t limit = body_limit_ ? std::max(limits_.max_body_bytes, body_limit_(method, target, authorization)) : limits_.max_body_bytes;
  if (content_length > limit) return 413;
  // The views into c.buf are not used past here: the edits below move its bytes.
  if (!has_length) {
    // No Content-Length and no Transfer-Encoding: the body is empty (RFC 9112 6.3). httplib 0.11
    // would read a POST or DELETE until the client closes, holding a worker: say so explicitly.
    static const std::string_view kEmpty = "Content-Length: 0\r\n";
    c.buf.insert(head_end + 2, kEmpty);
    head_end += kEmpty.size();
  }
  if (expect_at != std::string::npos) {
    // Answer "Expect: 100-continue" here (the body must arrive before a worker sees the request),
    // and drop the header so httplib does not answer it a second time.
    static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    if (content_length > 0) (void)!send(c.fd, kContinue, sizeof kContinue - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    c.buf.erase(expect_at, expect_len);
    head_end -= expect_len;
  }
  return c.buf.size() >= head_end + 4 + content_length ? 0 : 1;
}

void GatedServer::reject(Conn& c, int status) {
  std::string reply = error_reply(status, limits_);
  (void)!send(c.fd, reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  shutdown(c.fd, SHUT_WR);
  // Read what the client still sends for a moment, so closing does not reset the connection
  // before it has read the reply.
  c.draining = true;
  c.buf.clear();
  c.deadline = Clock::now() + std::chrono::milliseconds(500);
  if (on_reject_) on_reject_(status);
}

void GatedServer::gate_loop() {
  std::vector<pollfd> fds;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (stopping_) break;
      std::vector<std::unique_ptr<Conn>> arrived;
      arrived.swap(incoming_);
      lock.unlock();
      for (auto& c : arrived) admit(std::move(c));
    }

    fds.clear();
    fds.push_back({wake_fd_[0], POLLIN, 0});
    Clock::time_point next = Clock::now() + std::chrono::seconds(1);
    for (const auto& c : waiting_) {
      fds.push_back({c->fd, POLLIN, 0});
      next = std::min(next, c->deadline);
    }
    int rc = poll(fds.data(), fds.size(), remaining_ms(next) + 1);
    if (rc < 0 && errno != EINTR) break;
    if (fds[0].revents) {
      char drain[256];
      while (::read(wake_fd_[0], drain, sizeof drain) > 0) {
      }
    }

    // Read what arrived, hand whole requests to the workers, answer or drop the rest.
    auto now = Clock::now();
    std::vector<std::unique_ptr<Conn>> keep;
    keep.reserve(waiting_.size());
    for (size_t i = 0; i < waiting_.size(); ++i) {
      std::unique_ptr<Conn> c = std::move(waiting_[i]);
      bool alive = true;
      if (fds[i + 1].revents) alive = read_more(*c);
      if (!alive || (c->draining && now >= c->deadline)) {
        close_conn(std::move(c));
        continue;
      }
      if (c->draining) {
        keep.push_back(std::move(c));
        continue;
      }
      int status = check_request(*c);
      if (status == 0) {
        hand_to_worker(std::move(c));
        continue;
      }
      if (status == 1 && now >= c->deadline) status = c->idle ? -1 : 408;
      if (status == -1) {  // keep-alive idled out: close quietly, as HTTP allows
        close_conn(std::move(c));
        continue;
      }
      if (status != 1) reject(*c, status);
      keep.push_back(std::move(c));
    }
    waiting_.swap(keep);
  }
  for (auto& c : waiting_) close_conn(std::move(c));
  waiting_.clear();
}

void GatedServer::worker_loop() {
  for (;;) {
    std::unique_ptr<Conn> c;
    {
      std::unique_lock lock(mu_);
      ready_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
      if (ready_.empty()) return;  // stopping, nothing left to answer
      c = std::move(ready_.front());
      ready_.pop_front();
    }
    bool last = c->served + 1 >= limits_.max_requests_per_connection;
    bool client_closes = false, ok = false;
    {
      ConnStream strm(*c, limits_);
      ok = process_request(strm, last, client_closes, nullptr) && !strm.framing_lost();
    }
    ++c->served;
    if (!ok || last || client_closes) {
      close_conn(std::move(c));
      continue;
    }
    // Keep-alive: back to the gate until the next request has arrived.
    c->idle = c->buf.empty();
    c->since = Clock::now();
    c->deadline = c->since + (c->idle ? limits_.idle_timeout : limits_.request_timeout);
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        close_conn(std::move(c));
        continue;
      }
      incoming_.push_back(std::move(c));
    }
    wake();
  }
}

}  // namespace sosik
