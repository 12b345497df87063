// An in-memory stand-in for the auth API and for a browser's cookie jar, tabs, locks and
// clock, so that the client's logic runs under `node --test` without a server. It follows
// the API contract where the client depends on it: rotation with a reuse grace
// (token_rotated), CSRF on cookie credentials, login rotating csrftoken, app clients.

export const API = "http://api.example.test";
export const PASSWORD = "correct-horse-battery-staple";

/** A manual clock: time moves only when a test says so. */
export function fakeClock(start = Date.parse("2030-01-01T00:00:00Z")) {
  let now = start;
  let nextId = 1;
  const timers = new Map();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id);
    },
    pending: () => [...timers.values()].map((timer) => timer.at - now).sort((a, b) => a - b),
    /** Moves time on by `ms`, running the timers that fall due; those due together run together. */
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until);
        if (!due.length) break;
        const at = Math.min(...due.map(([, t]) => t.at));
        now = Math.max(now, at);
        for (const [id, timer] of due.filter(([, t]) => t.at === at)) {
          timers.delete(id);
          timer.fn();
        }
        await settle();
      }
      now = until;
      await settle();
    },
  };
}

/** Waits, a turn at a time, until `predicate()` holds. */
export async function until(predicate, turns = 200) {
  for (let i = 0; i < turns; i += 1) {
    if (predicate()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${predicate}`);
}

/** Lets every pending promise and macrotask chain run. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** The Web Locks API, for one origin: exclusive locks with `ifAvailable`. */
export function fakeLocks() {
  const held = new Map(); // name -> queue of waiting starters
  const api = {
    granted: 0,
    waited: 0,
    request(name, optionsOrCallback, maybeCallback) {
      const options = typeof optionsOrCallback === "function" ? {} : optionsOrCallback;
      const callback = typeof optionsOrCallback === "function" ? optionsOrCallback : maybeCallback;
      if (held.has(name) && options.ifAvailable) return Promise.resolve().then(() => callback(null));
      return new Promise((resolve, reject) => {
        const start = () => {
          api.granted += 1;
          Promise.resolve()
            .then(() => callback({ name }))
            .then(resolve, reject)
            .finally(() => {
              const queue = held.get(name);
              const next = queue.shift();
              if (next) next();
              else held.delete(name);
            });
        };
        if (held.has(name)) {
          api.waited += 1;
          held.get(name).push(start);
        } else {
          held.set(name, []);
          start();
        }
      });
    },
  };
  return api;
}

/** BroadcastChannel between the tabs of one origin: every other instance of a name hears it. */
export function fakeChannels() {
  const open = new Set();
  const factory = (name) => {
    const channel = {
      name,
      onmessage: null,
      postMessage(data) {
        const copy = structuredClone(data);
        for (const other of open) {
          if (other !== channel && other.name === name) {
            setImmediate(() => other.onmessage && other.onmessage({ data: copy }));
          }
        }
      },
      close() {
        open.delete(channel);
      },
    };
    open.add(channel);
    return channel;
  };
  factory.sent = [];
  return factory;
}

function json(status, body, headers = {}) {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/**
 * The API and one browser profile: `browser.fetch` sends and stores the API host's cookies
 * like a browser does for `credentials: "include"`.
 */
export function fakeApi({
  clock = fakeClock(),
  graceMs = 10_000,
  accessMs = 300_000,
  recentMs = 300_000,
  mfaUsers = [],
} = {}) {
  let serial = 0;
  const id = (kind) => `${kind}-${++serial}`;
  const sessions = new Map(); // sid -> {user, current, revoked}
  const refreshTokens = new Map(); // token -> {sid, successorIssuedAt}
  const accessTokens = new Map(); // token -> {sid, exp}
  const pendingMfa = new Map();
  // Second factors: passkeys by credential id, the WebAuthn challenges issued, TOTP.
  const passkeys = new Map(); // credentialId -> {id, name, user, created_at, last_used_at}
  const challenges = new Map(); // challenge (base64url) -> {purpose, sid, mfa, user, used}
  const totp = new Map(); // username -> "pending" | "enabled"
  const users = new Map([["alice", { id: 1, username: "alice", email: "alice@example.com", email_verified: true }]]);
  const log = [];
  const jar = new Map(); // the browser's cookies of the API's host
  let csrfSecret = id("csrf");
  const handlers = {}; // tests may replace an endpoint: handlers["POST me/"] = () => json(500, …)
  const held = []; // [method, path, promise]: that request's answer (and cookies) wait for it

  const me = (user) => ({ ...user, date_joined: "2030-01-01T00:00:00Z" });
  const iso = (ms) => new Date(ms).toISOString();

  function issue(sid) {
    const access = id("access");
    const refresh = id("refresh");
    const exp = clock.now() + accessMs;
    accessTokens.set(access, { sid, exp });
    refreshTokens.set(refresh, { sid, successorIssuedAt: null });
    sessions.get(sid).current = refresh;
    return { access, refresh, access_expires_at: iso(exp), refresh_expires_at: iso(clock.now() + 86_400_000) };
  }

  function liveAccess(token) {
    const record = token && accessTokens.get(token);
    if (!record || record.exp <= clock.now() || sessions.get(record.sid).revoked) return null;
    return record;
  }

  function authCookies(pair) {
    return [
      ["access_token", pair.access],
      ["refresh_token", pair.refresh],
    ];
  }
  const clear = [
    ["access_token", null],
    ["refresh_token", null],
  ];

  function handle(method, path, { headers, cookies, body }) {
    const app = (headers["x-auth-client"] || "").toLowerCase() === "app";
    const cookie = (name) => (app ? undefined : cookies.get(name));
    const setCookies = [];
    const csrfOk = () => headers["x-csrftoken"] === cookies.get("csrftoken") && cookies.get("csrftoken");
    const csrfFailed = () => json(403, { detail: "CSRF Failed: CSRF token incorrect.", code: "csrf_failed" });
    const reply = (status, payload, extra = []) => ({ response: json(status, payload), setCookies: [...setCookies, ...extra] });

    const custom = handlers[`${method} ${path}`];
    if (custom) {
      const answer = custom({ headers, cookies, body });
      if (answer) return { response: answer, setCookies };
    }

    const authenticate = () => {
      const header = headers.authorization;
      const fromCookie = !header && cookie("access_token");
      const token = header ? header.replace(/^Bearer /, "") : fromCookie;
      if (!token) return { error: reply(401, { detail: "Authentication credentials were not provided.", code: "not_authenticated" }) };
      const record = liveAccess(token);
      if (!record) return { error: reply(401, { detail: "Token is invalid or expired", code: "token_not_valid" }) };
      if (fromCookie && method !== "GET" && !csrfOk()) return { error: { response: csrfFailed(), setCookies } };
      return { sid: record.sid, exp: record.exp, user: sessions.get(record.sid).user };
    };

    const tokenResponse = (detail, pair, extra = {}) => {
      const data = { detail, ...extra, access_expires_at: pair.access_expires_at, refresh_expires_at: pair.refresh_expires_at };
      if (app) return reply(200, { ...data, access: pair.access, refresh: pair.refresh });
      return reply(200, data, authCookies(pair));
    };

    const loginDone = (user) => {
      const sid = id("sid");
      sessions.set(sid, { user, current: null, revoked: false, authTime: clock.now() });
      const pair = issue(sid);
      if (!app) {
        csrfSecret = id("csrf"); // login rotates the CSRF token
        setCookies.push(["csrftoken", csrfSecret]);
      }
      return tokenResponse("login success", pair, { user: me(user) });
    };

    const refreshFrom = () => {
      if (cookie("refresh_token")) return csrfOk() ? { token: cookie("refresh_token") } : { error: { response: csrfFailed(), setCookies } };
      return { token: body && body.refresh };
    };

    /** The signed-in session, recently authenticated: else the refusal to answer. */
    const recent = () => {
      const auth = authenticate();
      if (auth.error) return auth;
      if (clock.now() - sessions.get(auth.sid).authTime > recentMs) {
        return { error: reply(401, { detail: "Reauthenticate first.", code: "reauthentication_required" }) };
      }
      return auth;
    };

    const challengeFor = (purpose, extra = {}) => {
      const challenge = Buffer.from(id(`challenge-${purpose}`)).toString("base64url");
      challenges.set(challenge, { purpose, used: false, ...extra });
      return challenge;
    };

    /** What a credential's clientDataJSON says, if it answers an unused challenge of `purpose`. */
    const answered = (credential, purpose, type) => {
      try {
        const clientData = JSON.parse(Buffer.from(credential.response.clientDataJSON, "base64url").toString());
        const issued = challenges.get(clientData.challenge);
        if (!issued || issued.used || issued.purpose !== purpose || clientData.type !== type) return null;
        issued.used = true;
        return issued;
      } catch {
        return null;
      }
    };

    const passkeyBody = (passkey) => {
      const { id: passkeyId, name, created_at, last_used_at } = passkey;
      return { id: passkeyId, name, created_at, last_used_at };
    };
    const ownPasskeys = (user) => [...passkeys.values()].filter((passkey) => passkey.user === user);
    const descriptors = (user) => ownPasskeys(user).map((passkey) => ({ id: passkey.credentialId, type: "public-key" }));
    const assertedBy = (credential, user) => {
      const passkey = credential && passkeys.get(credential.rawId);
      if (!passkey || (user && passkey.user !== user)) return null;
      passkey.last_used_at = iso(clock.now());
      return passkey;
    };
    const requestOptions = (challenge, user, userVerification) => ({
      publicKey: { challenge, rpId: "app.example.test", allowCredentials: user ? descriptors(user) : [], userVerification, timeout: 300_000 },
    });

    const passkeyPath = path.match(/^passkeys\/(\d+)\/$/);
    if (passkeyPath) {
      const auth = method === "DELETE" ? recent() : authenticate();
      if (auth.error) return auth.error;
      const passkey = [...passkeys.values()].find((p) => p.id === Number(passkeyPath[1]) && p.user === auth.user);
      if (!passkey) return reply(404, { detail: "There is no such passkey.", code: "not_found" });
      if (method === "PATCH") {
        passkey.name = body.name;
        return reply(200, passkeyBody(passkey));
      }
      if (method === "DELETE") {
        passkeys.delete(passkey.credentialId);
        return { response: new Response(null, { status: 204 }), setCookies };
      }
    }

    switch (`${method} ${path}`) {
      case "GET csrf/":
        if (!cookies.get("csrftoken")) setCookies.push(["csrftoken", csrfSecret]);
        return reply(200, { csrfToken: cookies.get("csrftoken") || csrfSecret });
      case "POST login/": {
        const user = users.get(body && body.username);
        if (!user || body.password !== PASSWORD) return reply(401, { detail: "No active account", code: "no_active_account" });
        if (mfaUsers.includes(user.username) || ownPasskeys(user).length) {
          const token = id("mfa");
          pendingMfa.set(token, user);
          const methods = mfaUsers.includes(user.username) ? ["totp", "recovery_code"] : [];
          if (ownPasskeys(user).length) methods.push("webauthn");
          const challenge = { detail: "A second factor is required.", code: "mfa_required", methods, mfa_expires_at: iso(clock.now() + 300_000) };
          if (app) return reply(401, { ...challenge, mfa_token: token });
          csrfSecret = id("csrf"); // the second step is CSRF-checked, with a fresh token
          return reply(401, challenge, [["mfa_token", token], ["csrftoken", csrfSecret]]);
        }
        return loginDone(user);
      }
      case "POST mfa/verify/": {
        const token = app ? body.mfa_token : cookies.get("mfa_token");
        const user = pendingMfa.get(token);
        if (!user) return reply(401, { detail: "Expired.", code: "mfa_token_invalid" });
        if (!app && !csrfOk()) return { response: csrfFailed(), setCookies };
        const passkeyOk = () => {
          const issued = answered(body.credential, "second_factor", "webauthn.get");
          return Boolean(issued && issued.mfa === token && assertedBy(body.credential, user));
        };
        const ok = body.credential ? passkeyOk() : body.code === "123456" || body.recovery_code === "recovery-1";
        if (!ok) return reply(400, { detail: "Wrong code.", code: "invalid_code" });
        pendingMfa.delete(token);
        return loginDone(user);
      }
      case "POST mfa/webauthn/options/": {
        const token = app ? body && body.mfa_token : cookies.get("mfa_token");
        const user = pendingMfa.get(token);
        if (!user) return reply(401, { detail: "Expired.", code: "mfa_token_invalid" });
        if (!app && !csrfOk()) return { response: csrfFailed(), setCookies };
        return reply(200, requestOptions(challengeFor("second_factor", { mfa: token }), user, "preferred"));
      }
      case "GET mfa/": {
        const auth = authenticate();
        if (auth.error) return auth.error;
        const enabled = totp.get(auth.user.username) === "enabled";
        return reply(200, {
          totp: { enabled },
          recovery_codes: { remaining: enabled ? 10 : 0 },
          passkeys: ownPasskeys(auth.user).map(passkeyBody),
        });
      }
      case "POST mfa/totp/": {
        const auth = recent();
        if (auth.error) return auth.error;
        if (totp.get(auth.user.username) === "enabled") return reply(409, { detail: "Already on.", code: "already_enabled" });
        totp.set(auth.user.username, "pending");
        return reply(200, { secret: "JBSWY3DPEHPK3PXP", otpauth_url: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", qr_svg: "<svg></svg>" });
      }
      case "POST mfa/totp/confirm/": {
        const auth = authenticate();
        if (auth.error) return auth.error;
        if (totp.get(auth.user.username) !== "pending") return reply(404, { detail: "Nothing to confirm.", code: "not_found" });
        if (body.code !== "123456") return reply(400, { detail: "Wrong code.", code: "invalid_code" });
        totp.set(auth.user.username, "enabled");
        return reply(200, { recovery_codes: ["recovery-1", "recovery-2"] });
      }
      case "DELETE mfa/totp/": {
        const auth = recent();
        if (auth.error) return auth.error;
        if (totp.get(auth.user.username) !== "enabled") return reply(404, { detail: "Not on.", code: "not_found" });
        totp.delete(auth.user.username);
        return { response: new Response(null, { status: 204 }), setCookies };
      }
      case "POST mfa/recovery-codes/": {
        const auth = recent();
        if (auth.error) return auth.error;
        return reply(200, { recovery_codes: ["recovery-3", "recovery-4"] });
      }
      case "POST passkeys/register/options/": {
        const auth = recent();
        if (auth.error) return auth.error;
        const challenge = challengeFor("register", { user: auth.user });
        return reply(200, {
          publicKey: {
            rp: { name: "example", id: "app.example.test" },
            user: { id: Buffer.from(`handle-${auth.user.id}`).toString("base64url"), name: auth.user.email, displayName: auth.user.username },
            challenge,
            pubKeyCredParams: [{ type: "public-key", alg: -7 }],
            timeout: 300_000,
            excludeCredentials: descriptors(auth.user),
            authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
            attestation: "none",
          },
        });
      }
      case "POST passkeys/": {
        const auth = recent();
        if (auth.error) return auth.error;
        const issued = answered(body.credential, "register", "webauthn.create");
        if (!issued || issued.user !== auth.user || !body.credential.response.attestationObject) {
          return reply(400, { detail: "Not a valid passkey.", code: "invalid_credential" });
        }
        const passkey = { id: passkeys.size + 1, credentialId: body.credential.rawId, name: body.name, user: auth.user, created_at: iso(clock.now()), last_used_at: null };
        passkeys.set(passkey.credentialId, passkey);
        return reply(201, passkeyBody(passkey));
      }
      case "GET passkeys/": {
        const auth = authenticate();
        return auth.error || reply(200, ownPasskeys(auth.user).map(passkeyBody));
      }
      case "POST passkeys/login/options/":
        return reply(200, requestOptions(challengeFor("login"), null, "required"));
      case "POST passkeys/login/": {
        const issued = answered(body.credential, "login", "webauthn.get");
        const passkey = issued && assertedBy(body.credential, null);
        if (!passkey) return reply(401, { detail: "The passkey could not be verified.", code: "invalid_credential" });
        return loginDone(passkey.user);
      }
      case "POST reauthenticate/options/": {
        const auth = authenticate();
        if (auth.error) return auth.error;
        return reply(200, requestOptions(challengeFor("reauthenticate", { sid: auth.sid }), auth.user, "required"));
      }
      case "POST refresh/": {
        const { token, error } = refreshFrom();
        if (error) return error;
        if (!token) return reply(400, { detail: "no refresh token", code: "no_refresh_token" }, app ? [] : clear);
        const record = refreshTokens.get(token);
        const session = record && sessions.get(record.sid);
        if (!record || session.revoked) return reply(401, { detail: "Token is invalid or expired", code: "token_not_valid" }, app ? [] : clear);
        if (session.current !== token) {
          if (clock.now() - record.successorIssuedAt <= graceMs) {
            return reply(401, { detail: "Token was rotated; retry.", code: "token_rotated" });
          }
          session.revoked = true;
          return reply(401, { detail: "Token is invalid or expired", code: "token_not_valid" }, app ? [] : clear);
        }
        record.successorIssuedAt = clock.now();
        return tokenResponse("token refreshed", issue(record.sid));
      }
      case "POST logout/": {
        const { token, error } = refreshFrom();
        if (error) return error;
        const record = token && refreshTokens.get(token);
        if (token && !record) return reply(401, { detail: "Token is invalid", code: "token_not_valid" }, app ? [] : clear);
        if (record) sessions.get(record.sid).revoked = true;
        return { response: new Response(null, { status: 204 }), setCookies: app ? [] : clear };
      }
      case "GET session/": {
        const auth = authenticate();
        if (auth.error) {
          const token = cookie("refresh_token");
          return reply(200, { authenticated: false, refreshable: Boolean(token && refreshTokens.has(token)) });
        }
        return reply(200, { authenticated: true, refreshable: false, user: me(auth.user), access_expires_at: iso(auth.exp) });
      }
      case "GET me/": {
        const auth = authenticate();
        return auth.error || reply(200, me(auth.user));
      }
      case "GET sessions/": {
        const auth = authenticate();
        if (auth.error) return auth.error;
        const mine = [...sessions.entries()].filter(([, s]) => s.user === auth.user && !s.revoked);
        return reply(200, mine.map(([sid]) => ({ id: sid, current: sid === auth.sid })));
      }
      case "POST logout-all/": {
        const auth = authenticate();
        if (auth.error) return auth.error;
        for (const session of sessions.values()) if (session.user === auth.user) session.revoked = true;
        return { response: new Response(null, { status: 204 }), setCookies: app ? [] : clear };
      }
      case "POST reauthenticate/": {
        const auth = authenticate();
        if (auth.error) return auth.error;
        if (body.password !== undefined && body.password !== PASSWORD) {
          return reply(401, { detail: "Wrong password.", code: "no_active_account" });
        }
        if (body.credential) {
          const issued = answered(body.credential, "reauthenticate", "webauthn.get");
          if (!issued || issued.sid !== auth.sid || !assertedBy(body.credential, auth.user)) {
            return reply(400, { detail: "Wrong code.", code: "invalid_code" });
          }
        } else if (body.password === undefined && body.code !== "123456" && body.recovery_code !== "recovery-1") {
          return reply(400, { detail: "Wrong code.", code: "invalid_code" });
        }
        const session = sessions.get(auth.sid);
        session.authTime = clock.now();
        return tokenResponse("reauthenticated", issue(auth.sid), { auth_time: iso(clock.now()) });
      }
      default:
        return reply(404, { detail: "Not found.", code: "not_found" });
    }
  }

  async function browserFetch(url, init = {}) {
    const parsed = new URL(url);
    const method = (init.method || "GET").toUpperCase();
    const headers = Object.fromEntries(Object.entries(init.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    const withCookies = parsed.origin === API && init.credentials === "include";
    const cookies = withCookies ? new Map(jar) : new Map();
    const body = init.body ? JSON.parse(init.body) : undefined;
    const path = parsed.pathname.replace(/^\/api\/auth\//, "");
    const entry = { method, path, headers, cookies: Object.fromEntries(cookies), body };
    log.push(entry);
    if (parsed.origin !== API) throw new TypeError("Failed to fetch");
    // A request leaves before any other finishes: the server answers on a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    const { response, setCookies } = handle(method, path, { headers, cookies, body });
    const hold = held.findIndex(([m, p]) => m === method && p === path);
    if (hold >= 0) await held.splice(hold, 1)[0][2]; // the server is done; its answer is on its way
    if (withCookies) {
      for (const [name, value] of setCookies) {
        if (value === null) jar.delete(name);
        else jar.set(name, value);
      }
    }
    entry.status = response.status;
    entry.code = response.status >= 400 ? (await response.clone().json().catch(() => ({}))).code : undefined;
    return response;
  }

  return {
    clock,
    jar,
    log,
    handlers,
    sessions,
    fetch: browserFetch,
    json,
    /** The next `METHOD path` is answered by the server at once but reaches the browser only on release(). */
    hold(method, path) {
      let release;
      held.push([method, path, new Promise((resolve) => (release = resolve))]);
      return release;
    },
    /** The requests to `METHOD path` so far. */
    calls: (method, path) => log.filter((entry) => entry.method === method && entry.path === path),
    /** Expires every access token, as when the access cookie's Max-Age ran out. */
    expireAccess() {
      for (const record of accessTokens.values()) record.exp = clock.now();
    },
    /** The browser drops the access cookie when its Max-Age runs out. */
    dropAccessCookie() {
      this.expireAccess();
      jar.delete("access_token");
    },
    revokeAll() {
      for (const session of sessions.values()) session.revoked = true;
    },
    /** Every session proved who its user is too long ago: sensitive calls need reauthenticate/. */
    staleAuthentication() {
      for (const session of sessions.values()) session.authTime = -Infinity;
    },
    passkeys,
    challenges,
  };
}
