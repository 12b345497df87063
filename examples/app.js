// The example page: buttons and forms over auth-client.js, each result written to the log.
import { createAuthClient } from "./auth-client.js";

const apiUrl = new URLSearchParams(location.search).get("api") || "http://localhost:8000";
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

/** Run an action from a button or form, logging its outcome; the page itself never throws. */
function action(selector, event, run) {
  $(selector).addEventListener(event, async (e) => {
    e.preventDefault();
    try {
      await run();
    } catch (error) {
      log(`${selector} failed: ${describe(error)}`);
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
});

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

$("#api-url").textContent = apiUrl;
// Set the csrftoken cookie up front: every unsafe call needs it.
auth.csrf()
  .then(() => log(`ready; API at ${apiUrl}`))
  .catch((error) => log(`API not reachable at ${apiUrl}: ${describe(error)}`));
