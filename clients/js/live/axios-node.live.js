// recipes/axios-node.js against a live API behind a TLS proxy (run by tests/recipes/, which
// starts it): API, PUBLIC_ORIGIN, USERNAME, PASSWORD; FORWARDED_PROTO stands for the proxy.

import assert from "node:assert/strict";
import { it } from "node:test";

import { createApi } from "../recipes/axios-node.js";

const { API, PUBLIC_ORIGIN, USERNAME, PASSWORD, FORWARDED_PROTO } = process.env;

function client(options) {
  const made = createApi(API, options);
  if (FORWARDED_PROTO) made.api.defaults.headers.common["X-Forwarded-Proto"] = FORWARDED_PROTO;
  return made;
}

it("logs in, refreshes on a 401, writes with X-CSRFToken and the Referer, logs out", async () => {
  const { api, jar, login, logout } = client({ publicOrigin: PUBLIC_ORIGIN });
  const session = await login(USERNAME, PASSWORD);
  assert.equal(session.user.username, USERNAME);
  assert.ok(jar.get("access_token") && jar.get("refresh_token") && jar.get("csrftoken"));

  jar.delete("access_token"); // as a browser drops it at its Max-Age
  assert.equal((await api.get("me/")).data.username, USERNAME);

  const sessions = (await api.get("sessions/")).data;
  const other = sessions.find((s) => !s.current);
  if (other) assert.equal((await api.delete(`sessions/${other.id}/`)).status, 204);
  assert.equal((await logout()).status, 204);
  assert.equal(jar.has("refresh_token"), false);
  await assert.rejects(api.get("me/"), (error) => error.response.status === 401);
});

it("behind HTTPS, a cookie write without the Referer is refused: why the recipe sends it", async () => {
  const { api, login } = client({ publicOrigin: null });
  await login(USERNAME, PASSWORD);

  const refused = await api.post("logout/").catch((error) => error.response);

  assert.equal(refused.status, 403);
  assert.equal(refused.data.code, "csrf_failed");
  assert.match(refused.data.detail, /Referer/);
});
