// A reference browser client for the cookie-JWT auth API: plain JavaScript, an ES module,
// no build step and no dependency. Copy it into a front end and adapt.
//
// The tokens live in HttpOnly cookies that this code never sees: every call sends
// them with `credentials: "include"`. Unsafe requests (POST, PUT, PATCH, DELETE)
// carry X-CSRFToken: the API's `csrftoken` cookie when the page is on the API's
// origin, otherwise the token that GET csrf/ returned. On a 401 the
// client refreshes once and retries; however many calls get a 401 at the same
// moment, they share ONE refresh, because a refresh token works only once.
//
//   import { createAuthClient } from "./auth-client.js";
//   const auth = createAuthClient({ baseUrl: "http://localhost:8000" });
//   await auth.login("alice", "correct-horse-battery-staple");
//   const me = await auth.me();

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A refused call: `status` is the HTTP status, `body` the API's JSON error ({detail, code} or field errors). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

/** The value of a cookie this page may read, or null. */
function readCookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return null;
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
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/**
 * @param {object} [options]
 * @param {string} [options.baseUrl] where the API is, e.g. "http://localhost:8000". Use the
 *   same host name as the page (localhost with localhost): SameSite=Lax cookies stay within one site.
 * @param {() => void} [options.onSessionEnded] called when a refresh fails: the user must log in again.
 */
export function createAuthClient({ baseUrl = "http://localhost:8000", onSessionEnded = () => {} } = {}) {
  const root = `${baseUrl.replace(/\/+$/, "")}/api/auth/`;

  // The page reads the API's csrftoken cookie only on the API's own origin. Elsewhere a
  // cookie of that name may be the page's own host's (any Django-rendered front end has
  // one) or a parent domain's rather than the API's: the token comes from GET csrf/.
  const sameOrigin = new URL(root, location.href).origin === location.origin;
  let fetchedCsrfToken = null;
  // The refresh in flight, shared by every caller, and how many refreshes have finished.
  let refreshing = null;
  let refreshesDone = 0;
  let lastRefreshSucceeded = false;

  async function fetchCsrfToken() {
    const body = await parse(await fetch(`${root}csrf/`, { credentials: "include" }));
    fetchedCsrfToken = body.csrfToken;
    return fetchedCsrfToken;
  }

  // On the API's origin the cookie is always the current value (login rotates it).
  function csrfToken() {
    if (sameOrigin) return readCookie("csrftoken") || fetchedCsrfToken || fetchCsrfToken();
    return fetchedCsrfToken || fetchCsrfToken();
  }

  async function isCsrfRefusal(response) {
    if (response.status !== 403) return false;
    const body = await response.clone().json().catch(() => null);
    return Boolean(body && body.code === "csrf_failed");
  }

  async function send(method, path, body) {
    const unsafe = !SAFE_METHODS.has(method);
    const request = async () => {
      const init = { method, credentials: "include", headers: {} };
      if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      if (unsafe) init.headers["X-CSRFToken"] = await csrfToken();
      return fetch(root + path, init);
    };
    const response = await request();
    // A token fetched before a login in another tab (which rotates it) is stale: fetch
    // the current one and try once more.
    if (unsafe && !sameOrigin && (await isCsrfRefusal(response))) {
      fetchedCsrfToken = null;
      return request();
    }
    return response;
  }

  /**
   * Refresh the session once for everyone. `seen` is how many refreshes had finished when
   * the caller sent its request: if one has finished since, the caller's 401 came from the
   * old cookie, so it simply retries with the new one.
   */
  function refreshOnce(seen = refreshesDone) {
    if (seen !== refreshesDone) return Promise.resolve(lastRefreshSucceeded);
    if (!refreshing) {
      refreshing = send("POST", "refresh/")
        .then((response) => response.ok)
        .catch(() => false)
        .then((ok) => {
          refreshesDone += 1;
          lastRefreshSucceeded = ok;
          refreshing = null;
          if (!ok) onSessionEnded();
          return ok;
        });
    }
    return refreshing;
  }

  /** Call the API; on a 401, refresh once (shared) and retry once. */
  async function call(method, path, body) {
    const seen = refreshesDone;
    let response = await send(method, path, body);
    if (response.status === 401 && (await refreshOnce(seen))) {
      response = await send(method, path, body);
    }
    return parse(response);
  }

  return {
    /** GET csrf/: sets the csrftoken cookie and resolves to the token. */
    csrf() {
      return fetchCsrfToken();
    },

    signup({ username, email, password }) {
      return send("POST", "signup/", { username, email, password }).then(parse);
    },

    /** Starts a session: sets the auth cookies and rotates csrftoken. Resolves to {user, …expires_at}. */
    async login(username, password) {
      const result = await send("POST", "login/", { username, password }).then(parse);
      fetchedCsrfToken = null; // login rotated it
      return result;
    },

    /** An explicit refresh, shared with any in flight. Resolves to whether the session goes on. */
    refresh() {
      return refreshOnce();
    },

    /** Ends this session; the server clears the cookies. Never refreshes first. */
    async logout() {
      try {
        await send("POST", "logout/").then(parse);
      } finally {
        fetchedCsrfToken = null;
      }
    },

    me() {
      return call("GET", "me/");
    },

    sessions() {
      return call("GET", "sessions/");
    },

    revokeSession(id) {
      return call("DELETE", `sessions/${encodeURIComponent(id)}/`);
    },

    logoutAll() {
      return call("POST", "logout-all/");
    },

    changePassword(oldPassword, newPassword) {
      return call("POST", "password/change/", {
        old_password: oldPassword,
        new_password: newPassword,
      });
    },

    // Account recovery and email verification. The emailed links point at the front end:
    // FRONTEND_URL/reset-password?uid=…&token=… and FRONTEND_URL/verify-email?uid=…&token=…;
    // the page passes their uid and token on as they are. A bad, expired or used link is an
    // ApiError with status 400 and body.code "invalid_link".

    /** Emails a reset link. Resolves to {detail}, the same whether or not the address has an account. */
    requestPasswordReset(email) {
      return send("POST", "password/reset/", { email }).then(parse);
    },

    /**
     * Sets a new password from a reset link; every session of the user ends. A weak password
     * is a 400 with body.new_password (a list of messages) and leaves the link usable.
     */
    confirmPasswordReset({ uid, token, newPassword }) {
      return send("POST", "password/reset/confirm/", { uid, token, new_password: newPassword })
        .then(parse);
    },

    /** Marks the address of a verification link as verified. */
    verifyEmail({ uid, token }) {
      return send("POST", "email/verify/", { uid, token }).then(parse);
    },

    /** Emails a new verification link. Resolves to {detail}, the same for every address. */
    resendVerification(email) {
      return send("POST", "email/verify/resend/", { email }).then(parse);
    },

    /** Any other endpoint under /api/auth/, with the same CSRF and refresh handling. */
    call,
  };
}
