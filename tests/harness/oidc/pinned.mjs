// Imports a package pinned in tests/node (installed by scripts/node-tools)
// from scripts outside tests/node, which Node's resolver would not look in.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const resolver = createRequire(new URL('../../node/package.json', import.meta.url));

// The module `specifier` (a package or one of its export paths) of tests/node.
export function importPinned(specifier) {
  return import(pathToFileURL(resolver.resolve(specifier)).href);
}
