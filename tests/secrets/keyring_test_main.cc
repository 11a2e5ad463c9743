// The keyring tests' main: outside tests/harness/with-keyring it runs
// itself again inside it, so every test meets a real, unlocked GNOME Keyring
// on a private session bus and no user's keyring is touched.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (std::getenv("WITH_KEYRING_DIR") == nullptr) {
    std::string wrapper = AURITE_TEST_SOURCE_DIR "/../harness/with-keyring";
    std::vector<char*> args{wrapper.data()};
    for (int i = 0; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    ::execv(wrapper.c_str(), args.data());
    std::perror("cannot run tests/harness/with-keyring");
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
