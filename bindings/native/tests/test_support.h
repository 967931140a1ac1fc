// Test support: a real `soundweaver serve` child process and a TCP proxy whose connections can be
// cut (a network failure between the client and a server that stays up).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace swtest {

// Starts `soundweaver serve --host 127.0.0.1 --port 0` (or $SOUNDWEAVER_SERVER_CMD, a shell
// command that must print "listening on HOST:PORT" to stderr) and parses the port.
class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess() { stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Returns false with *why set when the server cannot be started.
  bool start(std::string* why, int timeout_s = 90);
  void stop();
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log_tail() const;  // the server's last stderr lines

  // The command that would be run, and whether it is available at all (for skipping).
  static std::string command();
  static bool available(std::string* why);

 private:
  void drain(int fd);
  int pid_ = -1;
  int port_ = 0;
  std::thread reader_;
  mutable std::mutex log_mutex_;
  std::vector<std::string> log_;
  std::atomic<bool> listening_{false};
};

// Forwards 127.0.0.1:port() to 127.0.0.1:upstream_port. cut() resets every open connection.
class TcpProxy {
 public:
  explicit TcpProxy(int upstream_port);
  ~TcpProxy();
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void cut();                 // reset all current connections (new ones are accepted)
  void freeze();              // stop forwarding on current connections, keep them open
                              // (a half-open path: no RST, no data); new ones work
  int connections_cut() const { return cut_count_.load(); }

 private:
  void run();
  int upstream_port_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> cut_requests_{0};
  std::atomic<int> cut_count_{0};
  std::atomic<int> freeze_requests_{0};
  std::thread thread_;
};

}  // namespace swtest
