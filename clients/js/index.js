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
//
// Second factors and passkeys. A sensitive call refused `401 reauthentication_required` goes to
// `onReauthenticationRequired` (one prompt for every call waiting on it), which proves who the
// user is with reauthenticate() and resolves true to send the call again, once; otherwise the
// call rejects with a ReauthenticationRequiredError. Passkeys go through navigator.credentials:
// the API's options are JSON with base64url binary fields, turned into buffers and back by the
// browser's own PublicKeyCredential.parse…FromJSON() and toJSON() where it has them, else here.

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

/**
 * A sensitive call refused because the session proved who the user is too long ago: prove it
 * again with `reauthenticate()`, then repeat the call (or let `onReauthenticationRequired` do
 * both). Also an ApiError, with code "reauthentication_required".
 */
export class ReauthenticationRequiredError extends ApiError {
  constructor(status, body, headers = null) {
    super(status, body, headers);
    this.name = "ReauthenticationRequiredError";
  }
}

/** The ApiError for a refused answer: a ReauthenticationRequiredError when it is one. */
function apiError(status, body, headers) {
  const code = body && body.code;
  if (status === 401 && code === "reauthentication_required") {
    return new ReauthenticationRequiredError(status, body, headers);
  }
  return new ApiError(status, body, headers);
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
  if (!response.ok) throw apiError(response.status, body, response.headers);
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

// --- WebAuthn JSON ---------------------------------------------------------------------
// The API's options carry their binary fields (challenge, user.id, credential ids) in base64url;
// navigator.credentials wants buffers, and its answers are sent back in base64url again.

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The bytes of base64url text (no padding, as WebAuthn writes it), as an ArrayBuffer. */
export function base64urlToBuffer(text) {
  if (typeof text !== "string" || !BASE64URL.test(text) || text.length % 4 === 1) {
    throw new TypeError("not base64url text");
  }
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** An ArrayBuffer or a view of one, as base64url text without padding. */
export function bufferToBase64url(buffer) {
  const bytes = ArrayBuffer.isView(buffer)
    ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : new Uint8Array(buffer);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const withIds = (descriptors) =>
  descriptors ? descriptors.map((descriptor) => ({ ...descriptor, id: base64urlToBuffer(descriptor.id) })) : descriptors;

/** Creation options for navigator.credentials.create(), from the API's JSON (a fallback for
 * PublicKeyCredential.parseCreationOptionsFromJSON). */
export function creationOptionsFromJSON(json) {
  const parsed = {
    ...json,
    challenge: base64urlToBuffer(json.challenge),
    user: { ...json.user, id: base64urlToBuffer(json.user.id) },
  };
  if (json.excludeCredentials) parsed.excludeCredentials = withIds(json.excludeCredentials);
  return parsed;
}

/** Request options for navigator.credentials.get(), from the API's JSON (a fallback for
 * PublicKeyCredential.parseRequestOptionsFromJSON). */
export function requestOptionsFromJSON(json) {
  const parsed = { ...json, challenge: base64urlToBuffer(json.challenge) };
  if (json.allowCredentials) parsed.allowCredentials = withIds(json.allowCredentials);
  return parsed;
}

/** Extension results with their buffers in base64url, as toJSON() gives them. */
function jsonOfBuffers(value) {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return bufferToBase64url(value);
  if (Array.isArray(value)) return value.map(jsonOfBuffers);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonOfBuffers(inner)]));
  }
  return value;
}

/** A PublicKeyCredential as the JSON the API takes: its own toJSON() when the browser has it. */
export function credentialToJSON(credential) {
  if (typeof credential.toJSON === "function") return credential.toJSON();
  const { response } = credential;
  const json = {
    id: credential.id,
    rawId: bufferToBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? null,
    clientExtensionResults: jsonOfBuffers(
      typeof credential.getClientExtensionResults === "function" ? credential.getClientExtensionResults() : {},
    ),
    response: { clientDataJSON: bufferToBase64url(response.clientDataJSON) },
  };
  if (response.attestationObject !== undefined) {
    json.response.attestationObject = bufferToBase64url(response.attestationObject);
    json.response.transports = typeof response.getTransports === "function" ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = bufferToBase64url(response.authenticatorData);
    json.response.signature = bufferToBase64url(response.signature);
    json.response.userHandle = response.userHandle ? bufferToBase64url(response.userHandle) : null;
  }
  return json;
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
    onReauthenticationRequired = null,
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
  // Bumped by every re-authentication: a call refused before it only needs to be sent again.
  let reauthentications = 0;
  // The prompt of onReauthenticationRequired that the refused calls wait on, while it is open.
  let reauthenticationPrompt = null;

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
   * Whether the user proved who they are again for a call refused reauthentication_required:
   * the app's onReauthenticationRequired, one prompt however many calls wait on it.
   */
  function reauthenticatedFor(method, url, error) {
    if (typeof onReauthenticationRequired !== "function") return Promise.resolve(false);
    if (!reauthenticationPrompt) {
      reauthenticationPrompt = Promise.resolve()
        .then(() => onReauthenticationRequired({ method, url, error }))
        .then(Boolean, () => false)
        .finally(() => {
          reauthenticationPrompt = null;
        });
    }
    return reauthenticationPrompt;
  }

  /**
   * Any 401 from an authenticated endpoint refreshes (one refresh for every caller) and sends
   * the request again, at most twice: a second round only after a `token_rotated`, whose
   * winner's cookies may still be on their way. A reauthentication_required is sent again
   * once, after the user proved who they are (reauthenticatedFor).
   */
  async function authorized(method, url, options) {
    let response;
    let reauthenticated = false;
    for (let round = 0; ; ) {
      const seen = generation;
      const seenReauthentications = reauthentications;
      response = await send(method, url, options);
      if (response.status !== 401) return response;
      const refused = await bodyOf(response);
      const code = refused && refused.code;
      if (code === "reauthentication_required" && !reauthenticated) {
        reauthenticated = true;
        // Re-authenticated meanwhile (another call's prompt): just send it again.
        if (seenReauthentications !== reauthentications) continue;
        const error = apiError(response.status, refused, response.headers);
        if (await reauthenticatedFor(method, url, error)) continue;
        return response;
      }
      if (round === 2 || code === "ambiguous_credentials" || NOT_REFRESHABLE.has(code)) return response;
      const outcome = await refreshOnce(seen);
      round += 1;
      if (outcome === "rotated" && retryDelayMs > 0) await sleep(retryDelayMs * round);
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
      if (error instanceof ApiError && error.code === "mfa_required") {
        if (app) mfaToken = error.body.mfa_token || null;
        else fetchedCsrf = null; // the first step rotated it, for the second
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

  // --- Passkeys ----------------------------------------------------------------------

  /** navigator.credentials (or the one given), and PublicKeyCredential for its JSON parsers. */
  function webauthn() {
    let credentials;
    let PublicKey;
    if ("credentials" in options) {
      credentials = options.credentials;
      PublicKey = "publicKeyCredential" in options ? options.publicKeyCredential : null;
    } else {
      // A page that is no secure context has navigator.credentials, but no PublicKeyCredential.
      PublicKey = "publicKeyCredential" in options ? options.publicKeyCredential : globalThis.PublicKeyCredential;
      credentials = PublicKey ? globalThis.navigator && globalThis.navigator.credentials : null;
    }
    if (!credentials || typeof credentials.get !== "function") {
      throw new DOMException("Passkeys need a browser with WebAuthn, on https or localhost.", "NotSupportedError");
    }
    return { credentials, PublicKey: PublicKey || null };
  }

  /**
   * navigator.credentials.create() for the creation options `fetchOptions` gets from the API
   * (after checking that the browser has WebAuthn, so no challenge is wasted); the credential
   * as JSON.
   */
  async function passkeyCreate(fetchOptions) {
    const { credentials, PublicKey } = webauthn();
    const { publicKey } = await fetchOptions();
    const parsed =
      PublicKey && typeof PublicKey.parseCreationOptionsFromJSON === "function"
        ? PublicKey.parseCreationOptionsFromJSON(publicKey)
        : creationOptionsFromJSON(publicKey);
    const credential = await credentials.create({ publicKey: parsed });
    if (!credential) throw new DOMException("No passkey was made.", "NotAllowedError");
    return credentialToJSON(credential);
  }

  /** navigator.credentials.get() for the request options `fetchOptions` gets; the assertion as JSON. */
  async function passkeyGet(fetchOptions) {
    const { credentials, PublicKey } = webauthn();
    const { publicKey } = await fetchOptions();
    const parsed =
      PublicKey && typeof PublicKey.parseRequestOptionsFromJSON === "function"
        ? PublicKey.parseRequestOptionsFromJSON(publicKey)
        : requestOptionsFromJSON(publicKey);
    const credential = await credentials.get({ publicKey: parsed });
    if (!credential) throw new DOMException("No passkey was chosen.", "NotAllowedError");
    return credentialToJSON(credential);
  }

  /** The one answer an object of alternatives gives, or a TypeError naming them. */
  function oneOf(what, given, names) {
    const present = names.filter((name) => given[name] !== undefined && given[name] !== false);
    if (present.length !== 1) throw new TypeError(`${what} takes one of ${names.join(", ")}`);
    return present[0];
  }

  /** reauthenticate/ reissued the session's tokens: the state, the store, the other tabs. */
  async function reauthenticated(result) {
    if (app) await tokenStore.set({ access: result.access, refresh: result.refresh });
    reauthentications += 1;
    generation += 1;
    post({ type: "refresh", accessExpiresAt: result.access_expires_at });
    if (state.status === "authenticated") {
      authenticated(undefined, result.access_expires_at, { type: "reauthenticate", remote: false });
    }
    return result;
  }

  // --- The account: profile, address, closing it --------------------------------------

  function accountMethods() {
    return {
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

    /**
     * The second step of a login: `{code}` (TOTP), `{recoveryCode}`, `{passkey: true}` (asks
     * the browser for one of the account's passkeys) or `{credential}` (an assertion as JSON).
     */
    async verifyMfa(answer = {}) {
      const kind = oneOf("verifyMfa", answer, ["code", "recoveryCode", "passkey", "credential"]);
      const body = {};
      if (kind === "code") body.code = answer.code;
      else if (kind === "recoveryCode") body.recovery_code = answer.recoveryCode;
      else if (kind === "credential") body.credential = answer.credential;
      else body.credential = await passkeyGet(() => client.mfaWebauthnOptions());
      if (app && mfaToken) body.mfa_token = mfaToken;
      return loginStep("mfa/verify/", body, { csrf: true });
    },

    /** WebAuthn request options for the pending login's passkeys. */
    mfaWebauthnOptions() {
      return publicCall("POST", "mfa/webauthn/options/", app && mfaToken ? { mfa_token: mfaToken } : undefined, {
        csrf: true,
      });
    },

    /**
     * A passwordless login: the browser offers the passkeys it holds for this service, and the
     * one chosen logs in (amr ["webauthn"]). Rejects with the browser's DOMException when the
     * user cancels (NotAllowedError), or an ApiError "invalid_credential".
     */
    async loginWithPasskey() {
      const credential = await passkeyGet(() => publicCall("POST", "passkeys/login/options/"));
      return loginStep("passkeys/login/", { credential });
    },

    /**
     * Proves who the user is again, in this session, for the sensitive calls: `{password}`,
     * `{code}`, `{recoveryCode}` or `{passkey: true}`. The session's tokens are reissued.
     */
    async reauthenticate(proof = {}) {
      const kind = oneOf("reauthenticate", proof, ["password", "code", "recoveryCode", "passkey"]);
      let body;
      if (kind === "password") body = { password: proof.password };
      else if (kind === "code") body = { code: proof.code };
      else if (kind === "recoveryCode") body = { recovery_code: proof.recoveryCode };
      else body = { credential: await passkeyGet(() => call("POST", "reauthenticate/options/")) };
      return reauthenticated(await call("POST", "reauthenticate/", body));
    },

    /** The user's second factors: {totp: {enabled}, recovery_codes: {remaining}, passkeys}. */
    mfaStatus: () => call("GET", "mfa/"),

    /** Starts TOTP enrolment (recent): {secret, otpauth_url, qr_svg}; confirm with a code. */
    totpEnrol: () => call("POST", "mfa/totp/"),

    /** Turns TOTP on with a code of the app: {recovery_codes}, shown only this once. */
    totpConfirm: (code) => call("POST", "mfa/totp/confirm/", { code }),

    /** Turns TOTP off (recent). */
    totpDisable: () => call("DELETE", "mfa/totp/"),

    /** New recovery codes (recent), the old ones dead: {recovery_codes}. */
    regenerateRecoveryCodes: () => call("POST", "mfa/recovery-codes/"),

    /**
     * Registers a passkey of this browser under `name` (recent): creation options, then
     * navigator.credentials.create(), then POST passkeys/. Resolves to {id, name, created_at}.
     */
    async registerPasskey(name) {
      const credential = await passkeyCreate(() => call("POST", "passkeys/register/options/"));
      return call("POST", "passkeys/", { name, credential });
    },

    /** The user's passkeys, oldest first. */
    passkeys: () => call("GET", "passkeys/"),

    renamePasskey: (id, name) => call("PATCH", `passkeys/${encodeURIComponent(id)}/`, { name }),

    /** Deletes a passkey (recent). */
    deletePasskey: (id) => call("DELETE", `passkeys/${encodeURIComponent(id)}/`),

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
