// The example page: buttons and forms over auth-client.js, each result written to the log.
// Opened at /reset-password or /verify-email (the links the API emails), it also shows that screen.
import { createAuthClient } from "./auth-client.js";

// The page remembers ?api=, so that an emailed link opened in this browser reaches the same API.
const API_KEY = "auth-example-api";
const query = new URLSearchParams(location.search);
if (query.get("api")) localStorage.setItem(API_KEY, query.get("api"));
const apiUrl = query.get("api") || localStorage.getItem(API_KEY) || "http://localhost:8000";
const $ = (selector) => document.querySelector(selector);

const auth = createAuthClient({
  baseUrl: apiUrl,
  onSessionEnded: () => {
    showUser(null);
    log("session ended: log in again");
  },
});

function log(line) {
  $("#log").textContent += `${line}\n`;
}

function describe(error) {
  return error.status ? `${error.status} ${JSON.stringify(error.body)}` : String(error);
}

function showUser(user) {
  $("#user").textContent = user ? user.username : "nobody";
}

/** A sentence for the user about a refused call. */
function explain(error) {
  const body = error.body || {};
  if (body.code === "invalid_link") return `${body.detail} Ask for a new link below.`;
  if (body.code === "email_not_verified") {
    return `${body.detail} Open the link in the email we sent, or ask for a new one below.`;
  }
  return body.detail || describe(error);
}

/**
 * Run an action from a button or form, logging its outcome; the page itself never throws.
 * A refusal is also explained in the `status` element, if given, which is cleared first.
 */
function action(selector, event, run, status = null) {
  $(selector).addEventListener(event, async (e) => {
    e.preventDefault();
    if (status) $(status).textContent = "";
    try {
      await run();
    } catch (error) {
      log(`${selector} failed: ${describe(error)}`);
      if (status) $(status).textContent = explain(error);
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
  const user = await auth.signup({
    username: $("#signup-username").value,
    email: $("#signup-email").value,
    password: $("#signup-password").value,
  });
  log(`signed up: ${user.username}`);
});

action("#login-form", "submit", async () => {
  const result = await auth.login($("#username").value, $("#password").value);
  showUser(result.user);
  log(`logged in: ${result.user.username}, access until ${result.access_expires_at}`);
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
  log(`refresh: ${(await auth.refresh()) ? "ok" : "failed"}`);
});

action("#sessions", "click", async () => {
  const sessions = await auth.sessions();
  renderSessions(sessions);
  log(`sessions: ${sessions.length}`);
});

action("#logout", "click", async () => {
  await auth.logout();
  showUser(null);
  $("#sessions-list").replaceChildren();
  log("logged out");
});

action("#logout-all", "click", async () => {
  await auth.logoutAll();
  showUser(null);
  $("#sessions-list").replaceChildren();
  log("logged out everywhere");
});

action("#cookies", "click", async () => {
  const names = document.cookie.split(";").map((c) => c.trim().split("=")[0]).filter(Boolean);
  log(`cookies scripts can read: ${names.join(", ") || "none"}`);
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

$("#api-url").textContent = apiUrl;
// Set the csrftoken cookie up front: every unsafe call needs it.
auth.csrf()
  .then(() => log(`ready; API at ${apiUrl}`))
  .catch((error) => log(`API not reachable at ${apiUrl}: ${describe(error)}`));
