// The example page: buttons and forms over the client package (clients/js), each result
// written to the log. Opened at /reset-password or /verify-email (the links the API emails),
// it also shows that screen.
import { createAuthClient } from "/auth-client/index.js";

const $ = (selector) => document.querySelector(selector);
const query = new URLSearchParams(location.search);

// --- Which API -----------------------------------------------------------------------
// The page calls only the APIs its own server lists in /config.json. `?api=` may choose
// another one of them (remembered, so that an emailed link opened later in this browser
// reaches it too), but an address from the address bar alone is refused: a crafted link
// must not send the password typed here to another host.

const API_KEY = "auth-example-api";

function originOf(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : null;
  } catch {
    return null;
  }
}

async function chooseApi() {
  let allowed = [];
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    const config = await response.json();
    allowed = (config.apiOrigins || []).map(originOf).filter(Boolean);
  } catch {
    // No list: the page calls nothing.
  }
  const asked = query.get("api");
  if (asked !== null) {
    const origin = originOf(asked);
    if (origin && allowed.includes(origin)) {
      localStorage.setItem(API_KEY, origin);
      return { api: origin, allowed };
    }
    return { api: pickRemembered(allowed), allowed, refused: asked };
  }
  return { api: pickRemembered(allowed), allowed };
}

function pickRemembered(allowed) {
  const remembered = originOf(localStorage.getItem(API_KEY) || "");
  if (remembered && allowed.includes(remembered)) return remembered;
  localStorage.removeItem(API_KEY);
  return allowed[0] || null;
}

const { api: apiUrl, allowed: allowedApis, refused } = await chooseApi();

function log(line) {
  $("#log").textContent += `${line}\n`;
}

if (refused !== undefined) {
  $("#api-warning").textContent = `This page does not call ${refused}: it is not one of its APIs `
    + `(${allowedApis.join(", ") || "none"}). Using ${apiUrl || "none"}.`;
  log(`refused ?api=${refused}: not one of ${allowedApis.join(", ") || "no APIs"}`);
}

const auth = createAuthClient({
  baseUrl: apiUrl || "http://invalid.invalid",
  onSessionEnded: (reason) => {
    showUser(null);
    log(`session ended (${reason}): log in again`);
  },
  // A sensitive action refused reauthentication_required asks here, then goes on.
  onReauthenticationRequired: askToReauthenticate,
});

// For the browser's console (and the browser tests): `await auth.me()`.
window.auth = auth;

// Every tab of this origin shows the same user: logins and logouts elsewhere arrive here.
auth.subscribe((state, event) => {
  showUser(state.user);
  if (event.remote) log(`another tab: ${event.type}`);
});

function describe(error) {
  return error.status ? `${error.status} ${JSON.stringify(error.body)}` : String(error);
}

function showUser(user) {
  $("#user").textContent = user ? user.username : "nobody";
}

// What the page tells the user, by the error's code; `detail` (a sentence, maybe translated)
// is the fallback.
const MESSAGES = {
  no_active_account: "Wrong username, email or password.",
  email_not_verified: "Verify your address first: open the link in the email we sent, or ask for a new one below.",
  invalid_link: "This link is wrong, expired or already used. Ask for a new link below.",
  throttled: "Too many attempts.",
  csrf_failed: "The page's security token was refused: reload the page.",
  invalid_code: "That code is not right: try again.",
  mfa_token_invalid: "The login took too long: log in again.",
  service_unavailable: "The service is unavailable for a moment: try again soon.",
  not_authenticated: "Log in first.",
  token_not_valid: "Your session has ended: log in again.",
};

/** A sentence for the user about a refused call. */
function explain(error) {
  if (error && BROWSER_MESSAGES[error.name]) return BROWSER_MESSAGES[error.name];
  if (!error || !error.status) return `The API did not answer (${error}).`;
  const message = MESSAGES[error.code];
  if (error.code === "throttled" && error.retryAfter) {
    return `${message} Try again in ${error.retryAfter} seconds.`;
  }
  if (message) return message;
  if (error.errors.length) return error.errors.map((e) => `${e.field}: ${e.message}`).join(" ");
  return (error.body && error.body.detail) || describe(error);
}

/** Field errors as list items, by field, with the code beside the message when there is one. */
function showFieldErrors(list, error) {
  list.replaceChildren(...(error && error.errors ? error.errors : []).map((e) => {
    const item = document.createElement("li");
    item.dataset.field = e.field;
    if (e.code) item.dataset.code = e.code;
    item.textContent = `${e.field}: ${e.message}`;
    return item;
  }));
}

/**
 * Run an action from a button or form, logging its outcome; the page itself never throws.
 * A refusal is also explained in the `status` element, if given, which is cleared first.
 */
function action(selector, event, run, status = null) {
  $(selector).addEventListener(event, async (e) => {
    e.preventDefault();
    if (status) {
      $(status).textContent = "";
      delete $(status).dataset.code;
    }
    try {
      await run();
    } catch (error) {
      log(`${selector} failed: ${describe(error)}`);
      if (status) {
        $(status).textContent = explain(error);
        if (error && error.code) $(status).dataset.code = error.code;
      }
    }
  });
}

function renderSessions(sessions) {
  const list = $("#sessions-list");
  list.replaceChildren();
  for (const session of sessions) {
    const item = document.createElement("li");
    item.className = session.current ? "current" : "";
    item.dataset.sessionId = session.id;
    item.textContent = `${session.current ? "this one: " : ""}${session.user_agent || "unknown agent"}, `
      + `last used ${session.last_used_at} `;
    const revoke = document.createElement("button");
    revoke.textContent = "Revoke";
    revoke.className = "revoke";
    revoke.addEventListener("click", async () => {
      try {
        await auth.revokeSession(session.id);
        log(`revoked session ${session.id}`);
        if (session.current) showUser(null);
        else renderSessions(await auth.sessions());
      } catch (error) {
        log(`revoke failed: ${describe(error)}`);
      }
    });
    item.append(revoke);
    list.append(item);
  }
}

action("#signup-form", "submit", async () => {
  showFieldErrors($("#signup-errors"), null);
  try {
    const user = await auth.signup({
      username: $("#signup-username").value,
      email: $("#signup-email").value,
      password: $("#signup-password").value,
    });
    log(`signed up: ${user.username}`);
  } catch (error) {
    showFieldErrors($("#signup-errors"), error);
    throw error;
  }
});

function loggedIn(result) {
  $("#mfa-form").hidden = true;
  showUser(result.user);
  log(`logged in: ${result.user.username}, access until ${result.access_expires_at}`);
}

action("#login-form", "submit", async () => {
  try {
    loggedIn(await auth.login($("#username").value, $("#password").value));
  } catch (error) {
    if (error.code !== "mfa_required") throw error;
    // The password was right; the account has a second factor: ask for it.
    const { methods } = error.body;
    $("#mfa-form").hidden = false;
    $("#mfa-code").closest("label").hidden = !methods.includes("totp");
    $("#mfa-recovery-code").closest("label").hidden = !methods.includes("recovery_code");
    $("#mfa-form button[type=submit]").hidden = !methods.includes("totp") && !methods.includes("recovery_code");
    $("#mfa-passkey").hidden = !methods.includes("webauthn");
    log(`second factor needed: ${methods.join(", ")}`);
  }
}, "#login-error");

action("#mfa-form", "submit", async () => {
  const recoveryCode = $("#mfa-recovery-code").value.trim();
  const answer = recoveryCode ? { recoveryCode } : { code: $("#mfa-code").value.trim() };
  try {
    loggedIn(await auth.verifyMfa(answer));
  } catch (error) {
    if (error.code === "mfa_token_invalid") $("#mfa-form").hidden = true;
    throw error;
  }
}, "#login-error");

action("#mfa-passkey", "click", async () => {
  try {
    loggedIn(await auth.verifyMfa({ passkey: true }));
  } catch (error) {
    if (error.code === "mfa_token_invalid") $("#mfa-form").hidden = true;
    throw error;
  }
}, "#login-error");

action("#passkey-login", "click", async () => {
  loggedIn(await auth.loginWithPasskey());
}, "#login-error");

action("#forgot-form", "submit", async () => {
  const { detail } = await auth.requestPasswordReset($("#forgot-email").value);
  $("#recovery-result").textContent = detail;
  log(`reset requested: ${detail}`);
}, "#recovery-result");

action("#resend-form", "submit", async () => {
  const { detail } = await auth.resendVerification($("#resend-email").value);
  $("#recovery-result").textContent = detail;
  log(`verification resent: ${detail}`);
}, "#recovery-result");

action("#me", "click", async () => {
  const me = await auth.me();
  showUser(me);
  log(`me: 200 ${me.username}`);
});

action("#parallel-me", "click", async () => {
  const calls = [auth.me(), auth.me(), auth.sessions(), auth.me(), auth.me()];
  const results = await Promise.allSettled(calls);
  const outcomes = results.map((r) => (r.status === "fulfilled" ? "ok" : describe(r.reason)));
  log(`parallel: ${outcomes.join(", ")}`);
});

action("#refresh", "click", async () => {
  log(`refresh: ${await auth.refresh()}`);
});

action("#sessions", "click", async () => {
  const sessions = await auth.sessions();
  renderSessions(sessions);
  log(`sessions: ${sessions.length}`);
});

action("#logout", "click", async () => {
  // Logged out here whatever the answer; `confirmed` says whether the API could be told.
  const { confirmed, error } = await auth.logout();
  $("#sessions-list").replaceChildren();
  log(confirmed ? "logged out" : `logged out here; the API was not told: ${describe(error)}`);
});

action("#logout-all", "click", async () => {
  await auth.logoutAll();
  $("#sessions-list").replaceChildren();
  log("logged out everywhere");
});

action("#cookies", "click", async () => {
  const names = document.cookie.split(";").map((c) => c.trim().split("=")[0]).filter(Boolean);
  log(`cookies scripts can read: ${names.join(", ") || "none"}`);
});

// --- Second factors and passkeys --------------------------------------------------------

// What the page says about refusals of the second factors, and the browser's own WebAuthn
// errors (a DOMException, by its name).
Object.assign(MESSAGES, {
  reauthentication_required: "This action needs you to confirm it is you.",
  invalid_credential: "That passkey could not be verified.",
  already_enabled: "The authenticator app is already on: turn it off first.",
});
const BROWSER_MESSAGES = {
  NotAllowedError: "The passkey prompt was closed or timed out.",
  NotSupportedError: "This browser cannot use passkeys on this page.",
  InvalidStateError: "This device already holds a passkey for this account.",
  SecurityError: "Passkeys do not work for this page's address.",
};

/** The factors and passkeys of the user, as the API lists them. */
async function showFactors() {
  const status = await auth.mfaStatus();
  $("#mfa-status").textContent = `Authenticator app: ${status.totp.enabled ? "on" : "off"}; `
    + `recovery codes left: ${status.recovery_codes.remaining}; passkeys: ${status.passkeys.length}`;
  renderPasskeys(status.passkeys);
  return status;
}

function renderPasskeys(passkeys) {
  $("#passkeys-list").replaceChildren(...passkeys.map((passkey) => {
    const item = document.createElement("li");
    item.dataset.passkeyId = passkey.id;
    const name = document.createElement("input");
    name.className = "passkey-name";
    name.value = passkey.name;
    name.maxLength = 64;
    name.setAttribute("aria-label", "Passkey name");
    const used = document.createElement("span");
    used.textContent = ` added ${passkey.created_at}, last used ${passkey.last_used_at || "never"} `;
    const rename = document.createElement("button");
    rename.textContent = "Rename";
    rename.className = "passkey-rename";
    rename.addEventListener("click", () => passkeyAction(async () => {
      const renamed = await auth.renamePasskey(passkey.id, name.value);
      log(`passkey renamed: ${renamed.name}`);
    }));
    const remove = document.createElement("button");
    remove.textContent = "Delete";
    remove.className = "passkey-delete";
    remove.addEventListener("click", () => passkeyAction(async () => {
      await auth.deletePasskey(passkey.id);
      log(`passkey deleted: ${passkey.name}`);
    }));
    item.append(name, used, rename, remove);
    return item;
  }));
}

/** A change to the passkeys from their list: then the list again; a refusal is explained. */
async function passkeyAction(run) {
  $("#mfa-error").textContent = "";
  try {
    await run();
    await showFactors();
  } catch (error) {
    log(`passkey change failed: ${describe(error)}`);
    $("#mfa-error").textContent = explain(error);
  }
}

/** The recovery codes, shown once: the page forgets them when the user says they are saved. */
function showRecoveryCodes(codes) {
  $("#recovery-codes-list").replaceChildren(...codes.map((code) => {
    const item = document.createElement("li");
    item.textContent = code;
    return item;
  }));
  $("#recovery-codes-screen").hidden = false;
  log(`recovery codes shown: ${codes.length}`);
}

// Logged out (here or in another tab): nothing of the account stays on the screen.
auth.subscribe((state) => {
  if (state.status === "authenticated") return;
  $("#passkeys-list").replaceChildren();
  $("#recovery-codes-list").replaceChildren();
  $("#mfa-status").textContent = "";
  $("#totp-secret").textContent = "";
  $("#totp-qr").removeAttribute("src");
  for (const screen of ["#totp-screen", "#recovery-codes-screen"]) $(screen).hidden = true;
});

action("#recovery-codes-done", "click", async () => {
  $("#recovery-codes-list").replaceChildren();
  $("#recovery-codes-screen").hidden = true;
});

/**
 * The API's QR code (an SVG element, markup for inline use) as an image's URL: read by the
 * HTML parser into an inert document, written out again as an SVG file. As an image it can
 * run nothing, whatever it holds.
 */
function svgImageUrl(markup) {
  const svg = new DOMParser().parseFromString(markup, "text/html").querySelector("svg");
  if (!svg) return "";
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
}

action("#mfa-show", "click", async () => {
  await showFactors();
}, "#mfa-error");

action("#totp-enrol", "click", async () => {
  const enrolment = await auth.totpEnrol();
  $("#totp-qr").src = svgImageUrl(enrolment.qr_svg);
  $("#totp-secret").textContent = enrolment.secret;
  $("#totp-screen").hidden = false;
  log("authenticator app: scan the code, then confirm");
}, "#mfa-error");

action("#totp-confirm-form", "submit", async () => {
  const { recovery_codes: codes } = await auth.totpConfirm($("#totp-code").value.trim());
  $("#totp-screen").hidden = true;
  $("#totp-secret").textContent = "";
  $("#totp-qr").removeAttribute("src");
  $("#totp-code").value = "";
  log("authenticator app on");
  showRecoveryCodes(codes);
  await showFactors();
}, "#mfa-error");

action("#totp-disable", "click", async () => {
  await auth.totpDisable();
  log("authenticator app off");
  await showFactors();
}, "#mfa-error");

action("#recovery-codes-regenerate", "click", async () => {
  showRecoveryCodes((await auth.regenerateRecoveryCodes()).recovery_codes);
  await showFactors();
}, "#mfa-error");

action("#passkey-register-form", "submit", async () => {
  const passkey = await auth.registerPasskey($("#passkey-name").value.trim());
  log(`passkey added: ${passkey.name}`);
  // The account's first factor comes with recovery codes, shown only now.
  if (passkey.recovery_codes) showRecoveryCodes(passkey.recovery_codes);
  await showFactors();
}, "#mfa-error");

// The re-authentication prompt: the client calls it for any action refused
// reauthentication_required, and sends the action again once it resolves true.
let reauthenticationAnswer = null;

function askToReauthenticate() {
  $("#reauth-screen").hidden = false;
  $("#reauth-error").textContent = "";
  $("#reauth-password").focus();
  log("confirm it is you to go on");
  return new Promise((resolve) => {
    reauthenticationAnswer = resolve;
  });
}

function reauthenticationDone(proved) {
  $("#reauth-screen").hidden = true;
  $("#reauth-form").reset();
  const answer = reauthenticationAnswer;
  reauthenticationAnswer = null;
  if (answer) answer(proved);
  log(proved ? "reauthenticated" : "reauthentication cancelled");
}

action("#reauth-form", "submit", async () => {
  const password = $("#reauth-password").value;
  const code = $("#reauth-code").value.trim();
  const recoveryCode = $("#reauth-recovery-code").value.trim();
  const proof = password ? { password } : recoveryCode ? { recoveryCode } : { code };
  await auth.reauthenticate(proof);
  reauthenticationDone(true);
}, "#reauth-error");

action("#reauth-passkey", "click", async () => {
  await auth.reauthenticate({ passkey: true });
  reauthenticationDone(true);
}, "#reauth-error");

action("#reauth-cancel", "click", async () => {
  reauthenticationDone(false);
});

// --- The screens of the emailed links ------------------------------------------------

const INCOMPLETE_LINK = "This link is incomplete: open the link from the email as it is.";

/** The uid and token of the link this page was opened with, or null. */
function emailedLink() {
  const uid = query.get("uid");
  const token = query.get("token");
  return uid && token ? { uid, token } : null;
}

function showResetScreen(link) {
  $("#reset-screen").hidden = false;
  if (!link) {
    $("#reset-form").hidden = true;
    $("#reset-result").textContent = INCOMPLETE_LINK;
    return;
  }
  action("#reset-form", "submit", async () => {
    $("#reset-errors").replaceChildren();
    try {
      await auth.confirmPasswordReset({ ...link, newPassword: $("#new-password").value });
    } catch (error) {
      const weak = error.body && error.body.new_password;
      if (!Array.isArray(weak)) {
        if (error.body && error.body.code === "invalid_link") $("#reset-form").hidden = true;
        throw error;
      }
      // The link still works: the user tries a stronger password.
      $("#reset-errors").append(...weak.map((message) => {
        const item = document.createElement("li");
        item.textContent = message;
        return item;
      }));
      log(`password refused: ${weak.join(" ")}`);
      return;
    }
    $("#reset-form").hidden = true;
    $("#reset-result").textContent = "Your password is changed and every session has ended: "
      + "log in with the new one.";
    showUser(null);
    log("password reset");
  }, "#reset-result");
}

async function showVerifyScreen(link) {
  $("#verify-screen").hidden = false;
  const result = $("#verify-result");
  if (!link) {
    result.textContent = INCOMPLETE_LINK;
    return;
  }
  result.textContent = "Verifying…";
  try {
    await auth.verifyEmail(link);
    result.textContent = "Your email address is verified: you can log in.";
    log("email verified");
  } catch (error) {
    result.textContent = explain(error);
    log(`verify failed: ${describe(error)}`);
  }
}

const screen = location.pathname.split("/").pop();
if (screen === "reset-password" || screen === "verify-email") {
  const link = emailedLink();
  // The token is a credential: once read, keep it out of the address bar and the history.
  history.replaceState(null, "", location.pathname);
  if (screen === "reset-password") showResetScreen(link);
  else showVerifyScreen(link);
}

// --- The account: profile, email change, closing it ------------------------------------
// Changing the address and closing the account need a recent authentication: the client asks
// through onReauthenticationRequired (the "Confirm it is you" screen), then sends them again.

action("#profile-form", "submit", async () => {
  showFieldErrors($("#profile-errors"), null);
  const changes = {};
  for (const [field, selector] of [
    ["username", "#profile-username"],
    ["firstName", "#profile-first-name"],
    ["lastName", "#profile-last-name"],
  ]) {
    if ($(selector).value.trim()) changes[field] = $(selector).value.trim();
  }
  try {
    const me = await auth.updateMe(changes);
    $("#account-result").textContent = `Saved: ${me.username} (${me.first_name} ${me.last_name}).`;
    log(`profile: ${me.username}`);
  } catch (error) {
    showFieldErrors($("#profile-errors"), error);
    throw error;
  }
}, "#account-result");

action("#email-change-form", "submit", async () => {
  const { detail } = await auth.requestEmailChange($("#email-change-email").value);
  $("#account-result").textContent = detail;
  log(`email change requested: ${detail}`);
}, "#account-result");

action("#delete-account-form", "submit", async () => {
  await auth.deleteAccount();
  $("#account-result").textContent = "Your account is closed; a confirmation is on its way.";
  $("#sessions-list").replaceChildren();
  showUser(null);
  log("account closed");
}, "#account-result");

/** An emailed link's screen that posts the link once opened (like the verification link). */
async function showLinkScreen(name, link, post, done) {
  $(`#${name}-screen`).hidden = false;
  const result = $(`#${name}-result`);
  if (!link) {
    result.textContent = INCOMPLETE_LINK;
    return;
  }
  result.textContent = "Working on it…";
  try {
    await post(link);
    result.textContent = done;
    log(`${name}: done`);
  } catch (error) {
    result.textContent = explain(error);
    if (error && error.code) result.dataset.code = error.code;
    log(`${name} failed: ${describe(error)}`);
  }
}

if (screen === "confirm-email-change" || screen === "cancel-email-change") {
  const link = emailedLink();
  history.replaceState(null, "", location.pathname);
  if (screen === "confirm-email-change") {
    showLinkScreen(screen, link, auth.confirmEmailChange,
      "Your email address is changed: log in with the new one from now on.");
  } else {
    showLinkScreen(screen, link, auth.cancelEmailChange,
      "The change is cancelled: your account keeps its address. If you did not ask for it, "
      + "change your password.");
  }
}

if (screen === "sessions") {
  // Where the security notifications lead: the sessions, once someone is logged in.
  const stop = auth.subscribe(async (state) => {
    if (!state.user) return;
    stop();
    renderSessions(await auth.sessions());
    log("sessions shown");
  });
}

$("#api-url").textContent = apiUrl || "none";
// A quiet load: one GET session/, no error for someone who is not logged in.
if (apiUrl) {
  auth.restore()
    .then((state) => log(`ready; API at ${apiUrl}; ${state.user ? `logged in as ${state.user.username}` : "nobody logged in"}`))
    .catch((error) => log(`API not reachable at ${apiUrl}: ${describe(error)}`));
} else {
  log("no API configured: start the page with make example");
}
