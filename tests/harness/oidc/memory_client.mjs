// An OAuthClientProvider of the official TypeScript SDK that keeps the
// client's registration, tokens and PKCE verifier in memory and, instead of
// opening a browser, remembers the authorization URL for a headless user
// (login.mjs signIn) to follow. `memory` shows what it holds.
import { randomUUID } from 'node:crypto';

export function memoryOAuthClient(name, redirectUrl = 'http://127.0.0.1:9/callback') {
  const memory = { redirectUrl };
  return {
    memory,
    redirectUrl,
    clientMetadata: {
      client_name: name,
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
    state: () => {
      memory.state = randomUUID();
      return memory.state;
    },
    clientInformation: () => memory.client,
    saveClientInformation: (client) => {
      memory.client = client;
    },
    tokens: () => memory.tokens,
    saveTokens: (tokens) => {
      memory.tokens = tokens;
    },
    redirectToAuthorization: (url) => {
      memory.authorizationUrl = url;
    },
    saveCodeVerifier: (verifier) => {
      memory.verifier = verifier;
    },
    codeVerifier: () => memory.verifier,
    // Which authorization server the flow began with (the 2.x SDK checks the
    // callback against it, SEP-2352).
    saveDiscoveryState: (state) => {
      memory.discovery = state;
    },
    discoveryState: () => memory.discovery,
  };
}
