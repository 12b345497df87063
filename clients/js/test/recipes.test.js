// The axios recipes' refresh logic against a fake adapter: five parallel calls after expiry
// share one refresh. And why recipes/axios-auth-refresh.js turns deduplicateRefresh off:
// with the plugin's defaults, four of the five are rejected.

import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";

import axios from "axios";
import createAuthRefresh from "axios-auth-refresh";

import { createApi as createAuthRefreshApi } from "../recipes/axios-auth-refresh.js";
import { createApi as createInterceptorApi } from "../recipes/axios-browser.js";

const API = "http://api.example.test";

/** A server whose access token has expired: me is a 401 until a refresh (a few turns long). */
function expiredSession() {
  const server = { valid: false, refreshes: 0, rotatedOnce: false };
  server.adapter = async (config) => {
    const path = new URL(config.url, config.baseURL).pathname.replace("/api/auth/", "");
    const answer = (status, data) => {
      const response = { status, statusText: String(status), data, headers: {}, config, request: {} };
      if (status >= 400) {
        throw new axios.AxiosError(`HTTP ${status}`, "ERR_BAD_REQUEST", config, {}, response);
      }
      return response;
    };
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    if (path === "csrf/") return answer(200, { csrfToken: "token" });
    if (path === "refresh/") {
      if (config.method !== "post" || config.headers["X-CSRFToken"] !== "token") return answer(403, { code: "csrf_failed" });
      if (server.rotateFirst && !server.rotatedOnce) {
        server.rotatedOnce = true;
        server.valid = true; // another tab refreshed first: the cookies are already new
        return answer(401, { code: "token_rotated" });
      }
      server.refreshes += 1;
      server.valid = true;
      return answer(200, { detail: "token refreshed" });
    }
    if (path === "me/") return server.valid ? answer(200, { username: "alice" }) : answer(401, { code: "not_authenticated" });
    return answer(404, { code: "not_found" });
  };
  return server;
}

const fiveCalls = (api) => Promise.allSettled(Array.from({ length: 5 }, () => api.get("me/")));
const fulfilled = (results) => results.filter((r) => r.status === "fulfilled").length;
const originalAdapter = axios.defaults.adapter;

describe("axios recipes", () => {
  afterEach(() => {
    axios.defaults.adapter = originalAdapter;
  });

  it("axios-auth-refresh with its defaults rejects four of five parallel 401s", async () => {
    const server = expiredSession();
    const api = axios.create({ baseURL: `${API}/api/auth/`, adapter: server.adapter });
    createAuthRefresh(api, () => api.post("refresh/", undefined, { headers: { "X-CSRFToken": "token" } }));

    const results = await fiveCalls(api);

    assert.equal(fulfilled(results), 1);
    assert.equal(server.refreshes, 1);
  });

  for (const [name, createApi] of [
    ["recipes/axios-auth-refresh.js", createAuthRefreshApi],
    ["recipes/axios-browser.js (an interceptor)", createInterceptorApi],
  ]) {
    it(`${name}: five parallel 401s share one refresh and all succeed`, async () => {
      const server = expiredSession();
      axios.defaults.adapter = server.adapter; // the CSRF token is fetched outside the instance
      const { api } = createApi(API);
      api.defaults.adapter = server.adapter;

      const results = await fiveCalls(api);

      assert.equal(fulfilled(results), 5);
      assert.equal(server.refreshes, 1);
    });

    it(`${name}: a token_rotated refresh is retried as a success`, async () => {
      const server = expiredSession();
      server.rotateFirst = true;
      axios.defaults.adapter = server.adapter;
      const { api } = createApi(API);
      api.defaults.adapter = server.adapter;

      const results = await fiveCalls(api);

      assert.equal(fulfilled(results), 5);
      assert.equal(server.refreshes, 0);
    });
  }
});
