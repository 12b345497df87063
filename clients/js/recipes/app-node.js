// App mode in Node, a native app or any client that keeps the tokens itself: the package with
// `mode: "app"`. The tokens come in the body (X-Auth-Client: app), calls carry
// Authorization: Bearer, and no cookie or CSRF token is involved.

import { createAuthClient, memoryTokenStore } from "../index.js"; // "cookie-jwt-auth-client"

export function createApi(baseUrl, { tokenStore = memoryTokenStore() } = {}) {
  // A real app keeps the refresh token in the platform's secure storage (Keychain, Keystore).
  return createAuthClient({ baseUrl, mode: "app", tokenStore });
}
