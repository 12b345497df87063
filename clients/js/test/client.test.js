// The client's logic against an in-memory API (test/fake-api.js): CSRF, refreshes shared in a
// tab and across tabs, token_rotated, refresh ahead of expiry, quiet loads, logout, app mode, MFA.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ApiError, createAuthClient, memoryTokenStore } from "../index.js";
import { API, PASSWORD, fakeApi, fakeChannels, fakeClock, fakeLocks, settle, until } from "./fake-api.js";

const PAGE = "http://app.example.test";

/** One browser profile: the API, its cookie jar, and what its tabs share. */
function browser(apiOptions = {}, { locks = true } = {}) {
  const clock = fakeClock();
  const api = fakeApi({ clock, ...apiOptions });
  const shared = { api, clock, locks: locks ? fakeLocks() : null, channels: fakeChannels() };
  shared.tab = (options = {}) => {
    const ended = [];
    const client = createAuthClient({
      baseUrl: API,
      fetch: api.fetch,
      clock,
      pageOrigin: PAGE,
      // The front end's host has a csrftoken cookie of its own: never the API's.
      document: { cookie: "csrftoken=the-page-own-token; theme=dark" },
      locks: shared.locks,
      broadcastChannel: shared.channels,
      retryDelayMs: 0,
      onSessionEnded: (reason) => ended.push(reason),
      ...options,
    });
    client.ended = ended;
    return client;
  };
  return shared;
}

async function loggedInTab(shared, options) {
  const tab = shared.tab(options);
  await tab.login("alice", PASSWORD);
  return tab;
}

describe("CSRF", () => {
  it("sends the token from GET csrf/ to an API on another origin, never the page's own cookie", async () => {
    const { api, tab } = browser();
    const auth = tab();

    await auth.login("alice", PASSWORD);
    await auth.logoutAll();

    const unsafe = api.log.filter((entry) => entry.method === "POST");
    assert.ok(unsafe.length >= 1);
    for (const entry of unsafe) assert.notEqual(entry.headers["x-csrftoken"], "the-page-own-token");
    const [logoutAll] = api.calls("POST", "logout-all/");
    assert.equal(logoutAll.status, 204);
  });

  it("reads the token again after login, which rotates it", async () => {
    const { api, tab } = browser();
    const auth = tab();
    const before = await auth.csrf();

    await auth.login("alice", PASSWORD);
    await auth.logoutAll();

    const [logoutAll] = api.calls("POST", "logout-all/");
    assert.notEqual(logoutAll.headers["x-csrftoken"], before);
    assert.equal(logoutAll.headers["x-csrftoken"], api.jar.get("csrftoken"));
    assert.equal(logoutAll.status, 204);
  });

  it("on the API's own origin reads the csrftoken cookie, always the current value", async () => {
    const { api, tab } = browser();
    const document = {
      get cookie() {
        return `csrftoken=${api.jar.get("csrftoken") || ""}`;
      },
    };
    const auth = tab({ pageOrigin: API, document });
    await auth.login("alice", PASSWORD);

    await auth.logoutAll();

    assert.equal(api.calls("GET", "csrf/").length, 0);
    assert.equal(api.calls("POST", "logout-all/")[0].status, 204);
  });

  it("refused with csrf_failed (another tab logged in meanwhile), fetches a new token and retries once", async () => {
    const shared = browser();
    const first = await loggedInTab(shared);
    await first.csrf();
    // Another tab, without a channel to tell this one, logs in: the csrftoken cookie rotates.
    const other = shared.tab({ broadcastChannel: null });
    await other.login("alice", PASSWORD);

    await first.logoutAll();

    const statuses = shared.api.calls("POST", "logout-all/").map((entry) => entry.status);
    assert.deepEqual(statuses, [403, 204]);
  });
});

describe("refresh on a 401", () => {
  it("parallel 401s share one refresh, and every call succeeds", async () => {
    const shared = browser();
    const auth = await loggedInTab(shared);
    shared.api.dropAccessCookie();

    const results = await Promise.all([auth.me(), auth.me(), auth.sessions(), auth.me(), auth.me()]);

    assert.equal(results[0].username, "alice");
    assert.equal(shared.api.calls("POST", "refresh/").length, 1);
    assert.deepEqual(auth.ended, []);
  });

  for (const [name, spoil] of [
    ["not_authenticated (the browser dropped the expired cookie)", (api) => api.dropAccessCookie()],
    ["token_not_valid (an expired token sent)", (api) => api.expireAccess()],
  ]) {
    it(`refreshes on ${name}`, async () => {
      const shared = browser();
      const auth = await loggedInTab(shared);
      spoil(shared.api);

      assert.equal((await auth.me()).username, "alice");

      const [first] = shared.api.calls("GET", "me/");
      assert.equal(first.status, 401);
      assert.equal(shared.api.calls("POST", "refresh/")[0].status, 200);
    });
  }

  it("does not refresh on a 401 about the request itself, such as a wrong password", async () => {
    const shared = browser();
    const auth = await loggedInTab(shared);

    await assert.rejects(auth.call("POST", "reauthenticate/", { password: "wrong" }), { code: "no_active_account" });

    assert.equal(shared.api.calls("POST", "refresh/").length, 0);
    assert.equal(shared.api.calls("POST", "reauthenticate/").length, 1);
  });

  it("retries on token_rotated and does not end the session", async () => {
    const shared = browser({}, { locks: false });
    const auth = await loggedInTab(shared, { retryDelayMs: 100 });
    shared.api.dropAccessCookie();
    // Another window of the browser (another origin: no lock, no channel shared) refreshes
    // first; its new cookies are still on their way when this tab refreshes with the old ones.
    const winner = shared.tab({ pageOrigin: "http://other.example.test", broadcastChannel: null });
    const release = shared.api.hold("POST", "refresh/");
    const won = winner.refresh();
    await until(() => shared.api.calls("POST", "refresh/").length === 1);
    const me = auth.me();
    await until(() => shared.api.calls("POST", "refresh/").some((entry) => entry.code === "token_rotated"));
    release();
    assert.equal(await won, "ok");
    await shared.clock.advance(100);

    assert.equal((await me).username, "alice");
    const codes = shared.api.calls("POST", "refresh/").map((entry) => entry.code ?? entry.status);
    assert.deepEqual(codes, [200, "token_rotated"]);
    assert.deepEqual(auth.ended, []);
    assert.equal(auth.getState().status, "authenticated");
  });

  it("a refused refresh ends the session once, here and in the other tabs", async () => {
    const shared = browser();
    const auth = await loggedInTab(shared);
    const other = shared.tab();
    await other.restore();
    shared.api.revokeAll();

    const results = await Promise.allSettled([auth.me(), auth.me()]);
    await settle();

    assert.deepEqual(results.map((r) => r.reason && r.reason.status), [401, 401]);
    assert.deepEqual(auth.ended, ["refresh_refused"]);
    assert.deepEqual(other.ended, ["other_tab"]);
    assert.equal(other.getState().status, "anonymous");
  });

  it("a network failure of the refresh keeps the session", async () => {
    const shared = browser();
    const auth = await loggedInTab(shared);
    shared.api.dropAccessCookie();
    shared.api.handlers["POST refresh/"] = () => shared.api.json(503, { detail: "down", code: "service_unavailable" });

    await assert.rejects(auth.me(), { status: 401 });

    assert.deepEqual(auth.ended, []);
    assert.equal(auth.getState().status, "authenticated");
  });
});

describe("across tabs", () => {
  it("two tabs hit by 401s at once refresh once, under the lock", async () => {
    for (let round = 0; round < 20; round += 1) {
      const shared = browser();
      const one = await loggedInTab(shared);
      const two = shared.tab();
      await two.restore();
      shared.api.dropAccessCookie();

      const [a, b] = await Promise.all([one.me(), two.me()]);

      assert.equal(a.username, "alice");
      assert.equal(b.username, "alice");
      const refreshes = shared.api.calls("POST", "refresh/");
      assert.equal(refreshes.length, 1, `round ${round}`);
      assert.deepEqual([...one.ended, ...two.ended], []);
    }
  });

  it("without Web Locks, a race is answered token_rotated and nobody is logged out", async () => {
    const shared = browser({}, { locks: false });
    const one = await loggedInTab(shared, { broadcastChannel: null });
    const two = shared.tab({ broadcastChannel: null });
    await two.restore();

    const outcomes = await Promise.all([one.refresh(), two.refresh()]);

    assert.deepEqual(outcomes.sort(), ["ok", "rotated"]);
    assert.equal((await one.me()).username, "alice");
    assert.equal((await two.me()).username, "alice");
    assert.deepEqual([...one.ended, ...two.ended], []);
  });

  it("a login is announced: the other tab is logged in, with the user", async () => {
    const shared = browser();
    const other = shared.tab();
    await other.restore();
    const seen = [];
    other.subscribe((state, event) => seen.push([state.status, event.type, event.remote]));

    await shared.tab().login("alice", PASSWORD);
    await settle();

    assert.equal(other.getState().status, "authenticated");
    assert.equal(other.getState().user.username, "alice");
    assert.deepEqual(seen, [["authenticated", "login", true]]);
  });

  it("a logout is announced: the other tab ends its session", async () => {
    const shared = browser();
    const one = await loggedInTab(shared);
    await settle();
    const two = shared.tab();
    await two.restore();

    await one.logout();
    await settle();

    assert.deepEqual(one.ended, ["logout"]);
    assert.deepEqual(two.ended, ["other_tab"]);
    assert.equal(two.getState().status, "anonymous");
  });

  it("a finished refresh is announced: the other tab knows the new expiry", async () => {
    const shared = browser();
    const one = await loggedInTab(shared);
    const two = shared.tab();
    await two.restore();
    const before = two.getState().accessExpiresAt;
    await shared.clock.advance(1000);

    assert.equal(await one.refresh(), "ok");
    await settle();

    assert.ok(two.getState().accessExpiresAt > before);
  });
});

describe("refresh ahead of expiry", () => {
  it("refreshes 30 seconds before access_expires_at, with no 401 first", async () => {
    const shared = browser();
    const auth = await loggedInTab(shared);

    await shared.clock.advance(300_000 - 30_001);
    assert.equal(shared.api.calls("POST", "refresh/").length, 0);
    await shared.clock.advance(2);

    assert.equal(shared.api.calls("POST", "refresh/").length, 1);
    assert.equal((await auth.me()).username, "alice");
    assert.equal(shared.api.calls("GET", "me/")[0].status, 200);
  });

  it("with a short lifetime, refreshes half-way", async () => {
    const shared = browser({ accessMs: 20_000 });
    await loggedInTab(shared);

    assert.deepEqual(shared.clock.pending(), [10_000]);
  });

  it("two tabs whose timers fire together refresh once", async () => {
    const shared = browser();
    await loggedInTab(shared);
    const two = shared.tab();
    await two.restore();

    await shared.clock.advance(300_000 - 29_000);

    assert.equal(shared.api.calls("POST", "refresh/").length, 1);
    assert.equal(shared.locks.waited, 1);
  });

  it("keeps refreshing ahead, one refresh per lifetime", async () => {
    const shared = browser();
    await loggedInTab(shared);

    for (let i = 0; i < 5; i += 1) await shared.clock.advance(270_000);

    assert.equal(shared.api.calls("POST", "refresh/").length, 5);
    assert.ok(shared.api.calls("POST", "refresh/").every((entry) => entry.status === 200));
  });
});

describe("a quiet page load: restore()", () => {
  it("for someone who never logged in: one GET session/, no error, no onSessionEnded", async () => {
    const shared = browser();
    const auth = shared.tab();

    const state = await auth.restore();

    assert.equal(state.status, "anonymous");
    assert.deepEqual(shared.api.log.map((e) => `${e.method} ${e.path}`), ["GET session/"]);
    assert.deepEqual(auth.ended, []);
  });

  it("for a logged-in browser: the user and the expiry, and the refresh ahead is set", async () => {
    const shared = browser();
    await loggedInTab(shared);
    const auth = shared.tab();

    const state = await auth.restore();

    assert.equal(state.status, "authenticated");
    assert.equal(state.user.username, "alice");
    assert.ok(state.accessExpiresAt instanceof Date);
    assert.equal(shared.api.calls("POST", "refresh/").length, 0);
  });

  it("when only the refresh cookie is left, refreshes once", async () => {
    const shared = browser();
    await loggedInTab(shared);
    shared.api.dropAccessCookie();

    const state = await shared.tab().restore();

    assert.equal(state.status, "authenticated");
    assert.equal(shared.api.calls("POST", "refresh/").length, 1);
  });
});

describe("logout", () => {
  for (const [name, answer] of [
    ["204", null],
    ["a 500", (api) => api.json(500, { detail: "boom", code: "server_error" })],
    ["a network failure", () => {
      throw new TypeError("Failed to fetch");
    }],
  ]) {
    it(`ends the client's state whatever the answer: ${name}`, async () => {
      const shared = browser();
      const auth = await loggedInTab(shared);
      if (answer) shared.api.handlers["POST logout/"] = () => answer(shared.api);

      const result = await auth.logout();

      assert.equal(result.confirmed, answer === null);
      assert.equal(auth.getState().status, "anonymous");
      assert.deepEqual(auth.ended, ["logout"]);
    });
  }

  it("logging out in a second tab after the first is a 204 and confirmed", async () => {
    const shared = browser();
    const one = await loggedInTab(shared, { broadcastChannel: null });
    const two = shared.tab({ broadcastChannel: null });
    await two.restore();
    await one.logout();

    assert.deepEqual(await two.logout(), { confirmed: true, error: null });
    assert.equal(shared.api.calls("POST", "logout/")[1].status, 204);
    assert.equal(shared.api.calls("POST", "refresh/").length, 0);
  });
});

describe("app mode", () => {
  it("keeps the tokens, sends Bearer and the refresh token in the body, and no CSRF token", async () => {
    const clock = fakeClock();
    const api = fakeApi({ clock });
    const tokenStore = memoryTokenStore();
    const auth = createAuthClient({ baseUrl: API, mode: "app", fetch: api.fetch, clock, tokenStore, retryDelayMs: 0 });

    await auth.login("alice", PASSWORD);
    const first = tokenStore.get();
    api.expireAccess();
    assert.equal((await auth.me()).username, "alice");
    await auth.logout();

    assert.ok(api.log.every((entry) => entry.headers["x-auth-client"] === "app" && !entry.headers["x-csrftoken"]));
    assert.equal(api.calls("GET", "csrf/").length, 0);
    const [refresh] = api.calls("POST", "refresh/");
    assert.equal(refresh.body.refresh, first.refresh);
    assert.equal(api.calls("GET", "me/")[1].headers.authorization.startsWith("Bearer access-"), true);
    assert.ok(api.calls("POST", "logout/")[0].body.refresh);
    assert.equal(tokenStore.get(), null);
    assert.equal(api.jar.size, 0);
  });

  it("restore() uses the stored tokens", async () => {
    const clock = fakeClock();
    const api = fakeApi({ clock });
    const tokenStore = memoryTokenStore();
    const make = () => createAuthClient({ baseUrl: API, mode: "app", fetch: api.fetch, clock, tokenStore });
    await make().login("alice", PASSWORD);

    const state = await make().restore();

    assert.equal(state.status, "authenticated");
    assert.equal(state.user.username, "alice");
  });
});

describe("second factor", () => {
  it("login rejects with mfa_required and its methods; verifyMfa completes the login", async () => {
    const shared = browser({ mfaUsers: ["alice"] });
    const auth = shared.tab();

    const error = await auth.login("alice", PASSWORD).catch((e) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, "mfa_required");
    assert.deepEqual(error.body.methods, ["totp", "recovery_code"]);
    assert.equal(auth.getState().status, "unknown");

    await assert.rejects(auth.verifyMfa({ code: "000000" }), { code: "invalid_code" });
    const result = await auth.verifyMfa({ code: "123456" });

    assert.equal(result.user.username, "alice");
    assert.equal(auth.getState().status, "authenticated");
    assert.deepEqual(shared.api.calls("POST", "mfa/verify/").map((e) => e.body), [{ code: "000000" }, { code: "123456" }]);
  });

  it("a recovery code is sent as recovery_code; exactly one kind of answer is taken", async () => {
    const shared = browser({ mfaUsers: ["alice"] });
    const auth = shared.tab();
    await auth.login("alice", PASSWORD).catch(() => {});

    await assert.rejects(auth.verifyMfa({ code: "1", recoveryCode: "2" }), TypeError);
    await auth.verifyMfa({ recoveryCode: "recovery-1" });

    assert.deepEqual(shared.api.calls("POST", "mfa/verify/").map((e) => e.body), [{ recovery_code: "recovery-1" }]);
  });

  it("in app mode the pending login's mfa_token goes in the body", async () => {
    const clock = fakeClock();
    const api = fakeApi({ clock, mfaUsers: ["alice"] });
    const auth = createAuthClient({ baseUrl: API, mode: "app", fetch: api.fetch, clock });
    await auth.login("alice", PASSWORD).catch(() => {});

    await auth.verifyMfa({ code: "123456" });

    assert.match(api.calls("POST", "mfa/verify/")[0].body.mfa_token, /^mfa-/);
    assert.equal(auth.getState().status, "authenticated");
  });
});

describe("errors and fetch", () => {
  it("an ApiError carries the code and one entry per field error, in either body shape", () => {
    const drf = new ApiError(400, { username: ["taken"], password: ["too short", "too common"] });
    assert.equal(drf.code, null);
    assert.deepEqual(drf.errors.map((e) => e.field), ["username", "password", "password"]);

    const coded = new ApiError(400, {
      username: ["taken"],
      errors: [{ field: "username", code: "unique", message: "taken" }],
    });
    assert.deepEqual(coded.errors, [{ field: "username", code: "unique", message: "taken" }]);

    const plain = new ApiError(403, { detail: "CSRF Failed: x", code: "csrf_failed" });
    assert.equal(plain.code, "csrf_failed");
    assert.equal(plain.message, "CSRF Failed: x");
    assert.deepEqual(plain.errors, []);
  });

  it("auth.fetch refuses another origin: the cookies and the CSRF token are the API's alone", async () => {
    const { api, tab } = browser();
    const auth = tab();

    await assert.rejects(auth.fetch("https://elsewhere.example/steal", { method: "POST" }), TypeError);
    assert.equal(api.log.length, 0);
  });

  it("auth.fetch adds the credentials and X-CSRFToken, and refreshes on a 401", async () => {
    const shared = browser();
    const auth = await loggedInTab(shared);
    shared.api.dropAccessCookie();

    const response = await auth.fetch("/api/auth/logout-all/", { method: "POST" });

    assert.equal(response.status, 204);
    assert.equal(shared.api.calls("POST", "refresh/").length, 1);
  });
});
