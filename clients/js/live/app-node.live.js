// recipes/app-node.js (the package in app mode) against a live API: API, USERNAME, PASSWORD.

import assert from "node:assert/strict";
import { it } from "node:test";

import { createApi } from "../recipes/app-node.js";
import { memoryTokenStore } from "../index.js";

const { API, USERNAME, PASSWORD } = process.env;

it("app mode: tokens in the body, Bearer calls, a refresh with the body token, logout", async () => {
  const tokenStore = memoryTokenStore();
  const auth = createApi(API, { tokenStore });

  const result = await auth.login(USERNAME, PASSWORD);
  assert.equal(result.user.username, USERNAME);
  const first = tokenStore.get();
  assert.ok(first.access && first.refresh);

  assert.equal(await auth.refresh(), "ok");
  assert.notEqual(tokenStore.get().refresh, first.refresh);
  assert.equal((await auth.me()).username, USERNAME);

  // A spoiled access token: any 401 refreshes and retries.
  tokenStore.set({ ...tokenStore.get(), access: "not-a-token" });
  assert.equal((await auth.me()).username, USERNAME);

  // A second client restores from the same store, quietly.
  const again = createApi(API, { tokenStore });
  assert.equal((await again.restore()).status, "authenticated");

  assert.deepEqual(await auth.logout(), { confirmed: true, error: null });
  assert.equal(tokenStore.get(), null);
  assert.equal((await again.restore()).status, "anonymous");
});
