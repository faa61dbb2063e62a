// What stands between the network and searchd's worker threads. cpp-httplib 0.11 gives each
// connection a worker for its whole life, and its read timeout is per read, so a few slow clients
// (slowloris: a header byte every few seconds) would hold every worker forever. Here one thread
// waits for all connections with poll(); a worker gets a connection only once a whole request
// (head and body) has arrived, and hands it back while keep-alive idles. Every wait is bounded:
// the time to send a request, head and body size, idle time, requests per connection, and the
// number of open connections.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>

namespace sosik {

struct GateLimits {
  size_t workers = 8;                 // threads that run handlers; all other waiting is in one poll()
  size_t max_connections = 512;       // open at once; beyond, the longest-waiting one is dropped
  std::chrono::milliseconds request_timeout{10000};  // first byte of a request to its last
  std::chrono::milliseconds idle_timeout{5000};      // keep-alive: wait for the next request
  std::chrono::milliseconds write_timeout{5000};     // to send one response
  size_t max_requests_per_connection = 1000;
  size_t max_head_bytes = 16 * 1024;  // request line and all headers together
  size_t max_body_bytes = 64 * 1024;  // unless body_limit allows more for a request
};

class GatedServer : public httplib::Server {
 public:
  // The largest body a request may send, decided from its head before the body is read (so only
  // a request with the write token can make searchd buffer megabytes).
  using BodyLimit = std::function<size_t(std::string_view method, std::string_view target, std::string_view authorization)>;
  // Called for each request the gate answers itself (408, 411, 413, 431, 503).
  using OnReject = std::function<void(int status)>;

  explicit GatedServer(GateLimits limits);
  ~GatedServer() override;

  void set_body_limit(BodyLimit f) { body_limit_ = std::move(f); }
  void set_on_reject(OnReject f) { on_reject_ = std::move(f); }
  const GateLimits& limits() const { return limits_; }
  void widen_backlog(int backlog);  // after bind_to_port / bind_to_any_port

  struct Conn;
  class ConnStream;

 private:
  // Called by cpp-httplib's accept loop for each new connection (through our inline TaskQueue).
  bool process_and_close_socket(socket_t sock) override;

  void start();
  void stop_threads();
  void gate_loop();
  void worker_loop();
  void admit(std::unique_ptr<Conn> c);      // gate thread: track a new or returning connection
  bool read_more(Conn& c);                  // gate thread: false when the peer is gone
  int check_request(Conn& c);               // 0 ready, 1 need more, else an HTTP status to reply
  void reject(Conn& c, int status);         // reply with a JSON error, then drain and close
  void close_conn(std::unique_ptr<Conn> c);
  bool make_room();  // at max_connections: drop the longest-waiting one; false if none could go
  void hand_to_worker(std::unique_ptr<Conn> c);  // a whole request: to the ready queue
  void wake();

  GateLimits limits_;
  BodyLimit body_limit_;
  OnReject on_reject_;

  std::mutex mu_;                              // guards incoming_, ready_, stopping_
  std::condition_variable ready_cv_;
  std::vector<std::unique_ptr<Conn>> incoming_;  // new or handed back by a worker
  std::deque<std::unique_ptr<Conn>> ready_;      // whole requests, for the workers
  bool stopping_ = false;

  std::vector<std::unique_ptr<Conn>> waiting_;   // gate thread only
  std::atomic<size_t> admitted_{0};              // seen by admit(), not closed: waiting + ready + busy
  int wake_fd_[2] = {-1, -1};
  std::thread gate_;
  std::vector<std::thread> workers_;
  bool started_ = false;
};

}  // namespace sosik
