// Resolves an unpacked bundle's launch command as Claude Desktop does, with
// the pinned @anthropic-ai/mcpb's own getMcpConfigForManifest: ${__dirname}
// and ${user_config.*} substituted into manifest.json's mcp_config.
//
//   node resolve_mcp_config.mjs <unpacked bundle dir> <user config .json>
// Prints {"command", "args", "env"}; exits 1 when required configuration is
// missing (the client would not start the server).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getMcpConfigForManifest } from "@anthropic-ai/mcpb";

const [dir, userConfigFile] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
const userConfig = JSON.parse(readFileSync(userConfigFile, "utf8"));
const config = await getMcpConfigForManifest({
  manifest, extensionPath: dir, systemDirs: { HOME: process.env.HOME ?? "/" },
  userConfig, pathSeparator: "/", logger: console,
});
if (!config) {
  console.error("resolve_mcp_config: the bundle's required user_config is missing");
  process.exit(1);
}
process.stdout.write(JSON.stringify(config));
