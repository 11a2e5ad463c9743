// runtime_test_child: the child that the ChildProcess tests spawn.
//
//   ignore-term   ignores SIGTERM and stdin EOF; only SIGKILL ends it
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

namespace {

int IgnoreTerm() {
  std::signal(SIGTERM, SIG_IGN);
  std::printf("ready\n");  // tells the test the disposition is in place
  std::fflush(stdout);
  for (;;) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "ignore-term") == 0) return IgnoreTerm();
  std::fprintf(stderr, "usage: runtime_test_child ignore-term\n");
  return 2;
}
