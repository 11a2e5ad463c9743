// The `aurite` binary: one entry point, one subcommand per job.
#include <csignal>
#include <iostream>

#include "base/version.h"
#include "cli/command.h"

int main(int argc, char** argv) {
  using namespace aurite::cli;
  // A write past a file size limit (RLIMIT_FSIZE) fails with EFBIG and is
  // reported like a full disk; the signal would kill the process half-way
  // through writing a record instead. (Children get the default back.)
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app(
      "Aurite MCP: a Model Context Protocol host, SQL server and storage router that lets LLM "
      "applications use databases while the credentials stay secret.",
      "aurite");
  app.set_version_flag("-V,--version", std::string("aurite ") + aurite::kVersion);
  app.require_subcommand(1);
  app.footer("Run `aurite COMMAND --help` for a command's options and examples.");

  CommandResult result;
  RegisterKeyCommand(app, result);
  RegisterKeyRotateCommand(*app.get_subcommand("key"), result);
  RegisterSecureCommand(app, result);
  RegisterTokensCommand(app, result);
  RegisterMaskCommand(app, result);
  RegisterScanCommand(app, result);
  RegisterAuditCommand(app, result);
  RegisterStoreCommand(app, result);
  RegisterSqlServerCommand(app, result);
  RegisterServeCommand(app, result);
  RegisterCredentialsCommand(app, result);
  RegisterSecretCommand(app, result);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return result.exit_status;
}
