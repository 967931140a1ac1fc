#include "test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

namespace swtest {

// ---------------------------------------------------------------------------------------------
// ServerProcess

std::string ServerProcess::command() {
  const char* env = std::getenv("SOUNDWEAVER_SERVER_CMD");
  if (env && *env) return env;
  return "soundweaver serve --host 127.0.0.1 --port 0";
}

bool ServerProcess::available(std::string* why) {
  const char* env = std::getenv("SOUNDWEAVER_SERVER_CMD");
  if (env && *env) return true;
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/soundweaver";
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && (st.st_mode & S_IXUSR)) return true;
  }
  *why = "`soundweaver` is not on PATH (pip install -e . first, or set SOUNDWEAVER_SERVER_CMD)";
  return false;
}

bool ServerProcess::start(std::string* why, int timeout_s) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) {
    *why = "pipe failed";
    return false;
  }
  const std::string cmd = "exec " + command();
  const pid_t pid = ::fork();
  if (pid < 0) {
    *why = "fork failed";
    return false;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(pipefd[1], 2);
    ::dup2(pipefd[1], 1);
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(pipefd[1]);
  pid_ = pid;
  reader_ = std::thread(&ServerProcess::drain, this, pipefd[0]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (listening_.load()) return true;
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *why = "`" + command() + "` exited before listening:\n" + log_tail();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  *why = "`" + command() + "` did not print 'listening on' within " + std::to_string(timeout_s) + " s:\n" +
         log_tail();
  stop();
  return false;
}

void ServerProcess::drain(int fd) {
  std::string line;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') {
        line.push_back(buf[i]);
        continue;
      }
      const auto at = line.find("listening on ");
      if (!listening_.load() && at != std::string::npos) {
        std::string addr = line.substr(at + 13);
        addr = addr.substr(0, addr.find_first_of(" \t\r"));  // "HOST:PORT", nothing after
        const auto colon = addr.rfind(':');
        if (colon != std::string::npos) {
          port_ = std::atoi(addr.c_str() + colon + 1);
          if (port_ > 0) listening_.store(true);
        }
      }
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_.push_back(line);
      if (log_.size() > 200) log_.erase(log_.begin());
      line.clear();
    }
  }
  ::close(fd);
}

std::string ServerProcess::log_tail() const {
  std::lock_guard<std::mutex> lock(log_mutex_);
  std::string out;
  const size_t from = log_.size() > 40 ? log_.size() - 40 : 0;
  for (size_t i = from; i < log_.size(); ++i) out += "  | " + log_[i] + "\n";
  return out;
}

void ServerProcess::stop() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGTERM);
    int status;
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {  // up to 5 s for a graceful stop
      if (::waitpid(pid_, &status, WNOHANG) == pid_) gone = true;
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!gone) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  if (reader_.joinable()) reader_.join();
}

// ---------------------------------------------------------------------------------------------
// TcpProxy

TcpProxy::TcpProxy(int upstream_port) : upstream_port_(upstream_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 16);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (::pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
  thread_ = std::thread(&TcpProxy::run, this);
}

TcpProxy::~TcpProxy() {
  stop_.store(true);
  if (wake_[1] >= 0) (void)!::write(wake_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  if (wake_[0] >= 0) ::close(wake_[0]);
  if (wake_[1] >= 0) ::close(wake_[1]);
}

void TcpProxy::cut() {
  cut_requests_.fetch_add(1);
  if (wake_[1] >= 0) (void)!::write(wake_[1], "x", 1);
  // Wait until the proxy thread has done it, so the caller knows the cut happened.
  const int want = cut_requests_.load();
  for (int i = 0; i < 200 && cut_count_.load() < want; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void TcpProxy::freeze() {
  freeze_requests_.fetch_add(1);
  if (wake_[1] >= 0) (void)!::write(wake_[1], "x", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

static void Reset(int fd) {
  linger lg{1, 0};  // close with RST, like a dropped network path
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  ::close(fd);
}

static bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

void TcpProxy::run() {
  std::map<int, int> peer;  // fd -> the other end
  std::map<int, int> frozen;  // connections no longer forwarded (closed at exit)
  int cuts_done = 0;
  int freezes_done = 0;
  std::vector<char> buf(1 << 16);
  while (!stop_.load()) {
    if (cut_requests_.load() > cuts_done) {
      for (auto& kv : peer) Reset(kv.first);
      peer.clear();
      cuts_done = cut_requests_.load();
      cut_count_.store(cuts_done);
    }
    if (freeze_requests_.load() > freezes_done) {
      for (auto& kv : peer) frozen.insert(kv);
      peer.clear();
      freezes_done = freeze_requests_.load();
    }
    std::vector<pollfd> fds;
    fds.push_back({listen_fd_, POLLIN, 0});
    fds.push_back({wake_[0], POLLIN, 0});
    for (auto& kv : peer) fds.push_back({kv.first, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
    if (fds[1].revents & POLLIN) {
      char tmp[64];
      (void)!::read(wake_[0], tmp, sizeof tmp);
    }
    if (fds[0].revents & POLLIN) {
      const int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client >= 0) {
        const int up = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
        if (::connect(up, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
          int one = 1;
          ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          ::setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          peer[client] = up;
          peer[up] = client;
        } else {
          ::close(up);
          Reset(client);
        }
      }
    }
    std::vector<int> dead;
    for (size_t i = 2; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const int fd = fds[i].fd;
      if (!peer.count(fd)) continue;
      const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n <= 0 || !WriteAll(peer[fd], buf.data(), static_cast<size_t>(n))) dead.push_back(fd);
    }
    for (int fd : dead) {
      auto it = peer.find(fd);
      if (it == peer.end()) continue;
      const int other = it->second;
      peer.erase(fd);
      peer.erase(other);
      ::close(fd);
      ::close(other);
    }
  }
  for (auto& kv : peer) ::close(kv.first);
  for (auto& kv : frozen) ::close(kv.first);
}

}  // namespace swtest
