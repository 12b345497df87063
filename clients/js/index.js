// The client of the cookie-JWT auth API, for browsers (tokens in HttpOnly cookies) and for
// apps (tokens in the body). An ES module with no dependency; its types are in index.d.ts.
//
// Browser mode, the default. The tokens live in HttpOnly cookies this code never sees: every
// call sends them with `credentials: "include"`. Unsafe requests carry X-CSRFToken: the
// `csrftoken` cookie when the page and the API share an origin, otherwise the token this
// client fetched from GET csrf/ (a page on another host may hold a csrftoken cookie of its
// own, which must never reach the API). Login rotates the token, so it is read again after.
//
// Refreshes. Any 401 from an authenticated endpoint refreshes once and retries (the browser
// drops an expired access cookie, so the 401 says not_authenticated as often as
// token_not_valid). Concurrent 401s share ONE refresh: in this tab through one promise, and
// across the tabs of an origin through a Web Lock; a BroadcastChannel tells the other tabs
// about a login, a logout and a finished refresh. A refresh answered `token_rotated` (another
// tab or window won the race, the newest token is already in the cookies) retries the call.
// The client also refreshes a little before `access_expires_at`.
//
// App mode (`mode: "app"`): `X-Auth-Client: app` on every call; the tokens come in the body and
// are kept in `tokenStore`; calls carry `Authorization: Bearer`, refresh and logout send the
// refresh token in the body, and no CSRF token is needed.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const PREFIX = "cookie-jwt-auth";
const MESSAGE_VERSION = 1;
// 401s that a refresh cannot cure: they are about the request, not the access token.
const NOT_REFRESHABLE = new Set([
  "mfa_required",
  "mfa_token_invalid",
  "no_active_account",
  "reauthentication_required",
  "invalid_credential",
]);
// The longest wait for a timer; browsers run longer ones at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A refused call. `status` is the HTTP status, `body` the API's JSON error, `code` its
 * machine-readable code (null when it has none), `errors` one `{field, code, message}` per
 * field error, `retryAfter` the seconds a 429 asks to wait.
 */
export class ApiError extends Error {
  constructor(status, body, headers = null) {
    super((body && typeof body.detail === "string" && body.detail) || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.code = (body && typeof body.code === "string" && body.code) || null;
    this.errors = fieldErrors(body);
    // Seconds to wait after a 429 (the API exposes the header to other origins).
    const retryAfter = headers && Number.parseInt(headers.get("Retry-After"), 10);
    this.retryAfter = Number.isFinite(retryAfter) ? retryAfter : null;
  }
}

/** The field errors of a body: its `errors` list, or DRF's `{field: [message, …]}` as such a list. */
function fieldErrors(body) {
  if (!body || typeof body !== "object") return [];
  if (Array.isArray(body.errors)) return body.errors;
  const errors = [];
  for (const [field, messages] of Object.entries(body)) {
    if (field === "detail" || field === "code" || !Array.isArray(messages)) continue;
    for (const message of messages) errors.push({ field, code: null, message: String(message) });
  }
  return errors;
}

async function parse(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { detail: text };
  }
  if (!response.ok) throw new ApiError(response.status, body, response.headers);
  return body;
}

async function bodyOf(response) {
  try {
    return await parse(response.clone());
  } catch (error) {
    if (error instanceof ApiError) return error.body;
    return null;
  }
}

function readCookie(document, name) {
  if (!document || typeof document.cookie !== "string") return null;
  for (const part of document.cookie.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return null;
}

/** An in-memory token store for app mode: the tokens live as long as the process. */
export function memoryTokenStore(initial = null) {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (value) => {
      tokens = value;
    },
  };
}

/**
 * @param {import("./index").AuthClientOptions} [options]
 * @returns {import("./index").AuthClient}
 */
export function createAuthClient(options = {}) {
  const {
    baseUrl = "http://localhost:8000",
    mode = "browser",
    onSessionEnded = () => {},
    refreshAheadSeconds = 30,
    crossTab = true,
    csrfCookieName = "csrftoken",
    retryDelayMs = 100,
  } = options;
  if (mode !== "browser" && mode !== "app") throw new TypeError(`unknown mode ${mode}`);
  const app = mode === "app";
  const fetchImpl = options.fetch || ((...args) => globalThis.fetch(...args));
  const tokenStore = options.tokenStore || memoryTokenStore();
  const clock = options.clock || {
    now: () => Date.now(),
    setTimeout: (fn, ms) => {
      const timer = globalThis.setTimeout(fn, ms);
      if (timer && typeof timer.unref === "function") timer.unref(); // never keeps Node running
      return timer;
    },
    clearTimeout: (id) => globalThis.clearTimeout(id),
  };
  const documentRef = "document" in options ? options.document : globalThis.document;
  const pageOrigin =
    "pageOrigin" in options ? options.pageOrigin : globalThis.location && globalThis.location.origin;
  const locks =
    crossTab && !app
      ? "locks" in options
        ? options.locks
        : globalThis.navigator && globalThis.navigator.locks
      : null;

  const apiUrl = new URL(baseUrl, pageOrigin || undefined);
  const apiOrigin = apiUrl.origin;
  const root = `${apiUrl.href.replace(/\/+$/, "")}/api/auth/`;
  const sameOrigin = Boolean(pageOrigin) && pageOrigin === apiOrigin;
  const lockName = `${PREFIX}:refresh:${root}`;

  let channel = null;
  if (crossTab && !app) {
    const makeChannel =
      "broadcastChannel" in options
        ? options.broadcastChannel
        : typeof globalThis.BroadcastChannel === "function"
          ? (name) => new globalThis.BroadcastChannel(name)
          : null;
    if (makeChannel) channel = makeChannel(`${PREFIX}:${root}`);
    if (channel && typeof channel.unref === "function") channel.unref(); // Node: never keeps it running
  }

  // --- State --------------------------------------------------------------------------

  let state = { status: "unknown", user: null, accessExpiresAt: null };
  const listeners = new Set();
  // Bumped by every finished refresh, here or in another tab: a caller whose request went out
  // before the bump got its 401 from the old token and only needs to retry.
  let generation = 0;
  let refreshing = null;
  let aheadTimer = null;
  let currentSessionId = null;
  // App mode: the pending second step of a login.
  let mfaToken = null;
  // Browser mode, API on another origin: a promise of the token GET csrf/ gave.
  let fetchedCsrf = null;

  function setState(next, event) {
    state = Object.freeze({ ...state, ...next });
    scheduleRefreshAhead();
    for (const listener of [...listeners]) {
      try {
        listener(state, event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  function authenticated(user, accessExpiresAt, event) {
    setState(
      {
        status: "authenticated",
        user: user === undefined ? state.user : user,
        accessExpiresAt: accessExpiresAt ? new Date(accessExpiresAt) : null,
      },
      event,
    );
  }

  /** Ends this client's session whatever the server said; `reason` goes to onSessionEnded. */
  function ended(reason, { announce = true, remote = false } = {}) {
    const wasIn = state.status === "authenticated";
    fetchedCsrf = null;
    currentSessionId = null;
    mfaToken = null;
    if (app) Promise.resolve(tokenStore.set(null)).catch(() => {});
    setState({ status: "anonymous", user: null, accessExpiresAt: null }, { type: "logout", reason, remote });
    // Only a tab that was in tells the others: one that never was may just have raced a login.
    if (announce && wasIn) post({ type: "logout", reason });
    if (wasIn) onSessionEnded(reason);
  }

  // --- The other tabs -----------------------------------------------------------------

  function post(message) {
    if (!channel) return;
    try {
      channel.postMessage({ v: MESSAGE_VERSION, ...message });
    } catch {
      // A closed channel: the other tabs learn it at their next call.
    }
  }

  if (channel) {
    channel.onmessage = (event) => {
      const message = event && event.data;
      if (!message || message.v !== MESSAGE_VERSION) return;
      if (message.type === "login") {
        fetchedCsrf = null; // the login rotated the csrftoken cookie
        generation += 1;
        authenticated(message.user || null, message.accessExpiresAt, { type: "login", remote: true });
      } else if (message.type === "refresh") {
        generation += 1;
        if (state.status === "authenticated") {
          authenticated(undefined, message.accessExpiresAt, { type: "refresh", remote: true });
        }
      } else if (message.type === "logout") {
        ended("other_tab", { announce: false, remote: true });
      }
    };
  }

  // --- CSRF ---------------------------------------------------------------------------

  function fetchCsrfToken() {
    const pending = fetchImpl(`${root}csrf/`, { credentials: "include" })
      .then(parse)
      .then((body) => body.csrfToken);
    fetchedCsrf = pending;
    pending.catch(() => {
      if (fetchedCsrf === pending) fetchedCsrf = null;
    });
    return pending;
  }

  function csrfToken() {
    if (sameOrigin) {
      const cookie = readCookie(documentRef, csrfCookieName);
      if (cookie) return cookie;
    }
    return fetchedCsrf || fetchCsrfToken();
  }

  // --- Sending ------------------------------------------------------------------------

  async function headersFor(method, { bearer = true, csrf = true } = {}) {
    const headers = {};
    if (app) {
      headers["X-Auth-Client"] = "app";
      const tokens = await tokenStore.get();
      if (bearer && tokens && tokens.access) headers.Authorization = `Bearer ${tokens.access}`;
    } else if (csrf && !SAFE_METHODS.has(method)) {
      headers["X-CSRFToken"] = await csrfToken();
    }
    return headers;
  }

  /**
   * One request with the credentials and headers this mode needs, sent again once with a
   * fresh CSRF token when the API refused the one it had (another tab's login rotated it).
   */
  async function send(method, url, { json, init = {}, bearer = true, csrf = true } = {}) {
    for (let attempt = 0; ; attempt += 1) {
      const headers = { ...(await headersFor(method, { bearer, csrf })) };
      if (json !== undefined) headers["Content-Type"] = "application/json";
      Object.assign(headers, init.headers || {});
      const response = await fetchImpl(url, {
        ...init,
        method,
        headers,
        credentials: app ? "omit" : "include",
        body: json !== undefined ? JSON.stringify(json) : init.body,
      });
      if (attempt === 0 && !app && response.status === 403) {
        const refused = await bodyOf(response);
        if (refused && refused.code === "csrf_failed") {
          fetchedCsrf = null;
          continue;
        }
      }
      if (!app && response.status === 401) {
        const refused = await bodyOf(response);
        if (refused && refused.code === "ambiguous_credentials") {
          // A cookie tossed from another host of the domain: the API cleared every auth
          // cookie, so no refresh can help; the user logs in again, cleanly.
          ended("ambiguous_credentials");
        }
      }
      return response;
    }
  }

  // --- Refresh ------------------------------------------------------------------------

  /** POST refresh/: "ok", "rotated" (the newest token is already held), "ended" or "failed". */
  async function postRefresh() {
    let sent = null;
    let response;
    try {
      if (app) {
        sent = await tokenStore.get();
        if (!sent || !sent.refresh) return "ended";
        response = await send("POST", `${root}refresh/`, { json: { refresh: sent.refresh }, bearer: false });
      } else {
        response = await send("POST", `${root}refresh/`);
      }
    } catch {
      return "failed"; // the network: the session may well go on
    }
    const body = await bodyOf(response);
    if (response.ok) {
      if (app) await tokenStore.set({ access: body.access, refresh: body.refresh });
      generation += 1;
      post({ type: "refresh", accessExpiresAt: body.access_expires_at });
      if (state.status === "authenticated") {
        authenticated(undefined, body.access_expires_at, { type: "refresh", remote: false });
      }
      return "ok";
    }
    const code = body && body.code;
    if (response.status === 401 && code === "token_rotated") {
      if (!app) return "rotated";
      const now = await tokenStore.get(); // another process of the app may have stored the newest
      return now && sent && now.refresh !== sent.refresh ? "rotated" : "failed";
    }
    if (response.status === 400 || response.status === 401) return "ended";
    return "failed";
  }

  /**
   * Whether the session probe says another tab has refreshed: after a 401, any valid access
   * token will do; ahead of expiry, only one that outlives `knownExpiry`.
   */
  async function refreshedElsewhere(knownExpiry) {
    try {
      const probe = await parse(await fetchImpl(`${root}session/`, { credentials: "include" }));
      if (!probe.authenticated) return false;
      const expiry = new Date(probe.access_expires_at);
      if (knownExpiry && !(expiry > knownExpiry)) return false;
      authenticated(probe.user, probe.access_expires_at, { type: "refresh", remote: true });
      return true;
    } catch {
      return false;
    }
  }

  async function refreshLocked(seen, knownExpiry, waited) {
    if (waited && generation !== seen) return "ok"; // another tab's refresh was announced
    if (waited && (await refreshedElsewhere(knownExpiry))) return "ok";
    return postRefresh();
  }

  function withLock(task) {
    if (!locks) return task(false);
    // ifAvailable first: a tab that waited knows another one refreshed meanwhile, most likely.
    return locks.request(lockName, { ifAvailable: true }, (lock) =>
      lock ? task(false) : locks.request(lockName, () => task(true)),
    );
  }

  /**
   * Refresh once for every caller. `seen` is the generation when the caller's request went
   * out: if a refresh finished since, its 401 came from the old token and it just retries.
   */
  function refreshOnce(seen = generation, { ahead = false } = {}) {
    if (seen !== generation) return Promise.resolve("ok");
    if (!refreshing) {
      const knownExpiry = ahead ? state.accessExpiresAt : null;
      refreshing = withLock((waited) => refreshLocked(seen, knownExpiry, waited))
        .catch(() => "failed")
        .then((outcome) => {
          refreshing = null;
          if (outcome === "ended") ended("refresh_refused");
          return outcome;
        });
    }
    return refreshing;
  }

  function scheduleRefreshAhead() {
    if (aheadTimer !== null) clock.clearTimeout(aheadTimer);
    aheadTimer = null;
    if (!refreshAheadSeconds || state.status !== "authenticated" || !state.accessExpiresAt) return;
    const remaining = state.accessExpiresAt.getTime() - clock.now();
    // An expiry already past on this clock means a skewed clock: leave it to the 401s.
    if (!(remaining > 0)) return;
    const delay = Math.max(remaining - refreshAheadSeconds * 1000, remaining / 2);
    aheadTimer = clock.setTimeout(() => {
      aheadTimer = null;
      refreshOnce(generation, { ahead: true });
    }, Math.min(delay, MAX_TIMER_MS));
  }

  // --- Calls --------------------------------------------------------------------------

  const sleep = (ms) => new Promise((resolve) => clock.setTimeout(resolve, ms));

  /**
   * Any 401 from an authenticated endpoint refreshes (one refresh for every caller) and sends
   * the request again, at most twice: a second round only after a `token_rotated`, whose
   * winner's cookies may still be on their way.
   */
  async function authorized(method, url, options) {
    let response;
    for (let round = 0; ; round += 1) {
      const seen = generation;
      response = await send(method, url, options);
      if (response.status !== 401 || round === 2) return response;
      const refused = await bodyOf(response);
      if (refused && (refused.code === "ambiguous_credentials" || NOT_REFRESHABLE.has(refused.code))) {
        return response;
      }
      const outcome = await refreshOnce(seen);
      if (outcome === "rotated" && retryDelayMs > 0) await sleep(retryDelayMs * (round + 1));
      else if (outcome !== "ok") return response;
    }
  }

  function call(method, path, body) {
    return authorized(method, root + path.replace(/^\/+/, ""), { json: body }).then(parse);
  }

  /**
   * An endpoint that takes no credential (signup, login, the emailed links) needs no CSRF
   * token; the second step of a login does, as its pending login is a cookie.
   */
  async function publicCall(method, path, body, { csrf = false } = {}) {
    return parse(await send(method, root + path, { json: body, bearer: false, csrf }));
  }

  async function loggedIn(result) {
    mfaToken = null;
    if (app) {
      await tokenStore.set({ access: result.access, refresh: result.refresh });
    } else {
      fetchedCsrf = null; // the login rotated it: the next unsafe call reads it again
    }
    generation += 1;
    authenticated(result.user, result.access_expires_at, { type: "login", remote: false });
    post({ type: "login", user: result.user, accessExpiresAt: result.access_expires_at });
    return result;
  }

  /** A login step: the session on success; an mfa_required refusal keeps the pending login. */
  async function loginStep(path, body, { csrf = false } = {}) {
    try {
      return await loggedIn(await publicCall("POST", path, body, { csrf }));
    } catch (error) {
      if (error instanceof ApiError && error.code === "mfa_required" && app) {
        mfaToken = error.body.mfa_token || null;
      }
      throw error;
    }
  }

  async function probe() {
    const response = await fetchImpl(`${root}session/`, {
      credentials: app ? "omit" : "include",
      headers: await headersFor("GET"),
    });
    return parse(response);
  }

  // --- The account: re-authentication, profile, address, closing it ---------------------

  function accountMethods() {
    return {
      /**
       * POST reauthenticate/ with one of {password}, {code}, {recoveryCode}, {credential}: the
       * session's tokens come back with a fresh auth_time, for a call that was refused with
       * reauthentication_required (email change, closing the account).
       */
      async reauthenticate({ password, code, recoveryCode, credential } = {}) {
        const body = {};
        if (password !== undefined) body.password = password;
        if (code !== undefined) body.code = code;
        if (recoveryCode !== undefined) body.recovery_code = recoveryCode;
        if (credential !== undefined) body.credential = credential;
        if (Object.keys(body).length !== 1) {
          throw new TypeError("reauthenticate takes one of password, code, recoveryCode, credential");
        }
        const result = await call("POST", "reauthenticate/", body);
        if (app) await tokenStore.set({ access: result.access, refresh: result.refresh });
        generation += 1;
        authenticated(undefined, result.access_expires_at, { type: "refresh", remote: false });
        post({ type: "refresh", accessExpiresAt: result.access_expires_at });
        return result;
      },

      /** PATCH me/ with any of {username, firstName, lastName}; resolves to the new `me`. */
      async updateMe({ username, firstName, lastName } = {}) {
        const body = {};
        if (username !== undefined) body.username = username;
        if (firstName !== undefined) body.first_name = firstName;
        if (lastName !== undefined) body.last_name = lastName;
        const me = await call("PATCH", "me/", body);
        if (state.status === "authenticated") {
          authenticated(me, state.accessExpiresAt, { type: "profile", remote: false });
        }
        return me;
      },

      /** POST email/change/: a link goes to the new address; nothing changes until it is used. */
      requestEmailChange: (email) => call("POST", "email/change/", { email }),

      /** The link of FRONTEND_URL/confirm-email-change: the new address replaces the old. */
      confirmEmailChange: ({ uid, token }) =>
        publicCall("POST", "email/change/confirm/", { uid, token }),

      /** The link of FRONTEND_URL/cancel-email-change, in the notice to the old address. */
      cancelEmailChange: ({ uid, token }) =>
        publicCall("POST", "email/change/cancel/", { uid, token }),

      /** DELETE me/: the account is closed and every session ends, this one too. */
      async deleteAccount() {
        const result = await call("DELETE", "me/");
        ended("logout");
        return result;
      },
    };
  }

  const client = {
    mode,

    /** The current state: {status: "unknown" | "authenticated" | "anonymous", user, accessExpiresAt}. */
    getState: () => state,

    /** Calls `listener(state, event)` on every change; returns the function that stops it. */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /**
     * A quiet page load: GET session/, and one refresh when only the refresh cookie is left.
     * Never an error for someone who is not logged in, and no onSessionEnded.
     */
    async restore() {
      let answer = await probe();
      if (!answer.authenticated) {
        const canRefresh = app ? Boolean((await tokenStore.get())?.refresh) : answer.refreshable;
        if (canRefresh) {
          const outcome = await refreshOnce();
          if (outcome === "ok" || outcome === "rotated") answer = await probe();
        }
      }
      if (answer.authenticated) {
        authenticated(answer.user, answer.access_expires_at, { type: "restore", remote: false });
      } else {
        if (app) await tokenStore.set(null);
        setState({ status: "anonymous", user: null, accessExpiresAt: null }, { type: "restore", remote: false });
      }
      return state;
    },

    /** GET csrf/: sets the csrftoken cookie and resolves to the token. */
    csrf: () => fetchCsrfToken(),

    signup: ({ username, email, password }) =>
      publicCall("POST", "signup/", { username, email, password }),

    /**
     * Starts a session; resolves to {user, access_expires_at, refresh_expires_at}. An account
     * with a second factor rejects with an ApiError whose code is "mfa_required" (and
     * `body.methods`): finish with verifyMfa().
     */
    login: (username, password) => loginStep("login/", { username, password }),

    /** The second step of a login: `{code}`, `{recoveryCode}` or `{credential}` (a WebAuthn assertion). */
    verifyMfa({ code, recoveryCode, credential } = {}) {
      const body = {};
      if (code !== undefined) body.code = code;
      if (recoveryCode !== undefined) body.recovery_code = recoveryCode;
      if (credential !== undefined) body.credential = credential;
      if (Object.keys(body).length !== 1) {
        return Promise.reject(new TypeError("verifyMfa takes one of code, recoveryCode, credential"));
      }
      if (app && mfaToken) body.mfa_token = mfaToken;
      return loginStep("mfa/verify/", body, { csrf: true });
    },

    /** WebAuthn request options for the pending login's passkeys. */
    mfaWebauthnOptions() {
      return publicCall("POST", "mfa/webauthn/options/", app && mfaToken ? { mfa_token: mfaToken } : undefined, {
        csrf: true,
      });
    },

    /** An explicit refresh, shared with any in flight: "ok", "rotated", "ended" or "failed". */
    refresh: () => refreshOnce(),

    /**
     * Ends the session. Never refreshes first, and ends this client's state (and the other
     * tabs') whatever the answer; resolves to {confirmed, error}: whether the API confirmed it.
     */
    async logout() {
      let error = null;
      try {
        const tokens = app ? await tokenStore.get() : null;
        const body = app ? { refresh: (tokens && tokens.refresh) || undefined } : undefined;
        await parse(await send("POST", `${root}logout/`, { json: body, bearer: false }));
      } catch (caught) {
        error = caught;
      }
      ended("logout");
      // A 401 means the token was dead already: the goal state holds all the same.
      const confirmed = !error || (error instanceof ApiError && error.status === 401);
      return { confirmed, error: confirmed ? null : error };
    },

    me: () => call("GET", "me/"),

    async sessions() {
      const sessions = await call("GET", "sessions/");
      const current = sessions.find((session) => session.current);
      currentSessionId = current ? current.id : null;
      return sessions;
    },

    async revokeSession(id) {
      const result = await call("DELETE", `sessions/${encodeURIComponent(id)}/`);
      if (id === currentSessionId) ended("logout");
      return result;
    },

    async logoutAll() {
      const result = await call("POST", "logout-all/");
      ended("logout");
      return result;
    },

    changePassword: (oldPassword, newPassword) =>
      call("POST", "password/change/", { old_password: oldPassword, new_password: newPassword }),

    requestPasswordReset: (email) => publicCall("POST", "password/reset/", { email }),

    confirmPasswordReset: ({ uid, token, newPassword }) =>
      publicCall("POST", "password/reset/confirm/", { uid, token, new_password: newPassword }),

    verifyEmail: ({ uid, token }) => publicCall("POST", "email/verify/", { uid, token }),

    resendVerification: (email) => publicCall("POST", "email/verify/resend/", { email }),

    ...accountMethods(),

    /** Any other endpoint under /api/auth/, with the same CSRF and refresh handling. */
    call,

    /**
     * fetch() for any URL of the API's origin, with the credentials, X-CSRFToken and the
     * refresh on a 401; resolves to the Response. Refuses other origins: the CSRF token and
     * the cookies are the API's alone.
     */
    async fetch(input, init = {}) {
      const url = new URL(input, apiUrl);
      if (url.origin !== apiOrigin) {
        throw new TypeError(`auth.fetch calls ${apiOrigin} only, not ${url.origin}`);
      }
      return authorized((init.method || "GET").toUpperCase(), url.href, { init });
    },

    /** Stops the timer and the channel: for a client that is thrown away. */
    close() {
      if (aheadTimer !== null) clock.clearTimeout(aheadTimer);
      aheadTimer = null;
      listeners.clear();
      if (channel) channel.close();
      channel = null;
    },

    /** The names this client uses across tabs. */
    lockName,
    channelName: `${PREFIX}:${root}`,
  };
  return client;
}
