// Second factors, passkeys and re-authentication against the in-memory API (test/fake-api.js)
// and a fake navigator.credentials (test/fake-webauthn.js).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ApiError, ReauthenticationRequiredError, createAuthClient } from "../index.js";
import { API, PASSWORD, fakeApi, fakeChannels, fakeClock, fakeLocks, settle } from "./fake-api.js";
import { fakeCredentials } from "./fake-webauthn.js";

const PAGE = "http://app.example.test";

/** One browser profile with an authenticator; `tab()` opens a page of the front end. */
function browser(apiOptions = {}) {
  const clock = fakeClock();
  const api = fakeApi({ clock, ...apiOptions });
  const credentials = fakeCredentials();
  const channels = fakeChannels();
  const locks = fakeLocks();
  const tab = (options = {}) =>
    createAuthClient({
      baseUrl: API,
      fetch: api.fetch,
      clock,
      pageOrigin: PAGE,
      document: null,
      locks,
      broadcastChannel: channels,
      retryDelayMs: 0,
      credentials,
      publicKeyCredential: null, // the package's converters: the fake checks they made buffers
      ...options,
    });
  return { api, clock, credentials, tab };
}

async function loggedIn(shared, options) {
  const auth = shared.tab(options);
  await auth.login("alice", PASSWORD);
  return auth;
}

/** Alice with one passkey registered, logged out again. */
async function withPasskey(shared) {
  const auth = await loggedIn(shared);
  await auth.registerPasskey("laptop");
  await auth.logout();
  return auth;
}

describe("passkeys", () => {
  it("registerPasskey: creation options, navigator.credentials.create with buffers, POST passkeys/", async () => {
    const shared = browser();
    const auth = await loggedIn(shared);

    const passkey = await auth.registerPasskey("laptop");

    assert.equal(passkey.name, "laptop");
    const [created] = shared.credentials.calls;
    assert.equal(created.kind, "create");
    assert.equal(created.publicKey.authenticatorSelection.residentKey, "required");
    const [posted] = shared.api.calls("POST", "passkeys/");
    assert.equal(posted.status, 201);
    assert.equal(posted.body.name, "laptop");
    assert.equal(typeof posted.body.credential.response.attestationObject, "string");
    assert.deepEqual(posted.body.credential.response.transports, ["internal"]);
    assert.ok(posted.headers["x-csrftoken"]);
    assert.deepEqual((await auth.passkeys()).map((p) => p.name), ["laptop"]);
    assert.deepEqual((await auth.mfaStatus()).passkeys.map((p) => p.name), ["laptop"]);
  });

  it("a second registration excludes the first passkey, and the browser's refusal reaches the caller", async () => {
    const shared = browser();
    const auth = await loggedIn(shared);
    await auth.registerPasskey("laptop");

    await assert.rejects(auth.registerPasskey("again"), { name: "InvalidStateError" });
    assert.equal(shared.api.calls("POST", "passkeys/").length, 1);
  });

  it("renamePasskey and deletePasskey", async () => {
    const shared = browser();
    const auth = await loggedIn(shared);
    const { id } = await auth.registerPasskey("laptop");

    assert.equal((await auth.renamePasskey(id, "old laptop")).name, "old laptop");
    assert.equal(shared.api.calls("PATCH", `passkeys/${id}/`)[0].body.name, "old laptop");
    assert.equal(await auth.deletePasskey(id), null);
    assert.deepEqual(await auth.passkeys(), []);
    await assert.rejects(auth.deletePasskey(id), { status: 404, code: "not_found" });
  });

  it("loginWithPasskey: request options, navigator.credentials.get, passkeys/login/; the tabs hear the login", async () => {
    const shared = browser();
    await withPasskey(shared);
    const auth = shared.tab();
    const other = shared.tab();
    const seen = [];
    other.subscribe((state, event) => seen.push([state.status, event.type, event.remote]));

    const result = await auth.loginWithPasskey();

    assert.equal(result.user.username, "alice");
    assert.equal(auth.getState().status, "authenticated");
    const get = shared.credentials.calls.at(-1);
    assert.equal(get.kind, "get");
    assert.equal(get.publicKey.userVerification, "required");
    const [login] = shared.api.calls("POST", "passkeys/login/");
    assert.equal(login.status, 200);
    assert.equal(typeof login.body.credential.response.signature, "string");
    assert.equal(typeof login.body.credential.response.userHandle, "string");
    await settle();
    assert.deepEqual(seen, [["authenticated", "login", true]]);
  });

  it("a cancelled passkey prompt rejects with the browser's NotAllowedError and logs nobody in", async () => {
    const shared = browser();
    await withPasskey(shared);
    const auth = shared.tab();
    shared.credentials.answer = () => Promise.reject(new DOMException("The user cancelled.", "NotAllowedError"));

    await assert.rejects(auth.loginWithPasskey(), { name: "NotAllowedError" });

    assert.equal(shared.api.calls("POST", "passkeys/login/").length, 0);
    assert.notEqual(auth.getState().status, "authenticated");
  });

  it("a browser that gives no credential is a NotAllowedError too", async () => {
    const shared = browser();
    await withPasskey(shared);
    shared.credentials.answer = async () => null;

    await assert.rejects(shared.tab().loginWithPasskey(), { name: "NotAllowedError" });
  });

  it("an unknown passkey is the API's invalid_credential", async () => {
    const shared = browser();
    await withPasskey(shared);
    shared.api.passkeys.clear(); // deleted from the account since

    await assert.rejects(shared.tab().loginWithPasskey(), (error) => error instanceof ApiError && error.code === "invalid_credential");
  });

  it("without WebAuthn, passkey calls reject with NotSupportedError before asking for options", async () => {
    const shared = browser();
    const auth = await loggedIn(shared, { credentials: null });

    await assert.rejects(auth.registerPasskey("laptop"), { name: "NotSupportedError" });
    await assert.rejects(auth.loginWithPasskey(), { name: "NotSupportedError" });
    assert.equal(shared.api.calls("POST", "passkeys/register/options/").length, 0);
    assert.equal(shared.api.calls("POST", "passkeys/login/options/").length, 0);
  });

  it("a page that is no secure context (no PublicKeyCredential) has no passkeys", async () => {
    const shared = browser();
    const saved = Object.getOwnPropertyDescriptor(globalThis, "navigator");
    Object.defineProperty(globalThis, "navigator", { value: { credentials: shared.credentials }, configurable: true });
    try {
      const { credentials, publicKeyCredential, ...rest } = {};
      void credentials;
      void publicKeyCredential;
      const auth = createAuthClient({ baseUrl: API, fetch: shared.api.fetch, clock: shared.clock, pageOrigin: PAGE, document: null, crossTab: false, ...rest });
      await assert.rejects(auth.loginWithPasskey(), { name: "NotSupportedError" });
    } finally {
      if (saved) Object.defineProperty(globalThis, "navigator", saved);
      else delete globalThis.navigator;
    }
  });

  it("uses the browser's PublicKeyCredential.parse…FromJSON and toJSON where it has them", async () => {
    const shared = browser();
    await withPasskey(shared);
    const parsed = [];
    const native = {
      parseRequestOptionsFromJSON(json) {
        parsed.push(json);
        return { ...json, challenge: Buffer.from(json.challenge, "base64url"), allowCredentials: [] };
      },
    };
    const credentials = fakeCredentials({ withToJSON: true });
    for (const [id, value] of shared.credentials.held) credentials.held.set(id, value);
    const auth = shared.tab({ credentials, publicKeyCredential: native });

    await auth.loginWithPasskey().catch(() => {});

    assert.equal(parsed.length, 1);
    assert.equal(typeof parsed[0].challenge, "string", "the API's JSON as it came");
    // The credential's own toJSON() went to the API.
    assert.deepEqual(shared.api.calls("POST", "passkeys/login/")[0].body.credential.response, { native: true });
  });
});

describe("a passkey as the second factor", () => {
  it("verifyMfa({passkey: true}): options for the pending login, with CSRF, then mfa/verify/ with the assertion", async () => {
    const shared = browser();
    await withPasskey(shared);
    const auth = shared.tab();
    await auth.csrf(); // a token from before the login

    const challenge = await auth.login("alice", PASSWORD).catch((error) => error);
    assert.equal(challenge.code, "mfa_required");
    assert.deepEqual(challenge.body.methods, ["webauthn"]);
    const result = await auth.verifyMfa({ passkey: true });

    assert.equal(result.user.username, "alice");
    assert.equal(auth.getState().status, "authenticated");
    const [options, ...again] = shared.api.calls("POST", "mfa/webauthn/options/");
    assert.equal(options.status, 200);
    assert.deepEqual(again, []);
    // The first step rotated the CSRF token: the second sends the new one, at once.
    assert.equal(options.headers["x-csrftoken"], options.cookies.csrftoken);
    assert.ok(shared.credentials.calls.at(-1).publicKey.allowCredentials.length === 1);
    const [verify] = shared.api.calls("POST", "mfa/verify/");
    assert.deepEqual(Object.keys(verify.body), ["credential"]);
    assert.equal(verify.status, 200);
  });

  it("an assertion already made may be given as {credential}; exactly one answer is taken", async () => {
    const shared = browser({ mfaUsers: ["alice"] });
    const auth = shared.tab();
    await auth.login("alice", PASSWORD).catch(() => {});

    await assert.rejects(auth.verifyMfa({ code: "123456", passkey: true }), TypeError);
    await assert.rejects(auth.verifyMfa({}), TypeError);
    await assert.rejects(auth.verifyMfa({ credential: { id: "x", rawId: "x", response: {} } }), { code: "invalid_code" });
    assert.equal(shared.credentials.calls.length, 0);
  });

  it("in app mode the mfa_token goes with the options and with the assertion", async () => {
    const shared = browser();
    await withPasskey(shared);
    const auth = shared.tab({ mode: "app" });

    await auth.login("alice", PASSWORD).catch(() => {});
    await auth.verifyMfa({ passkey: true });

    const token = shared.api.calls("POST", "mfa/webauthn/options/")[0].body.mfa_token;
    assert.match(token, /^mfa-/);
    assert.equal(shared.api.calls("POST", "mfa/verify/")[0].body.mfa_token, token);
    assert.equal(auth.getState().status, "authenticated");
  });
});

describe("TOTP and recovery codes", () => {
  it("enrol, confirm with a code (the recovery codes come once), regenerate, disable", async () => {
    const shared = browser();
    const auth = await loggedIn(shared);

    const enrolment = await auth.totpEnrol();
    assert.deepEqual(Object.keys(enrolment).sort(), ["otpauth_url", "qr_svg", "secret"]);
    await assert.rejects(auth.totpConfirm("000000"), { code: "invalid_code" });
    const { recovery_codes } = await auth.totpConfirm("123456");
    assert.equal(recovery_codes.length, 2);
    assert.deepEqual(shared.api.calls("POST", "mfa/totp/confirm/").map((e) => e.body), [{ code: "000000" }, { code: "123456" }]);
    assert.equal((await auth.mfaStatus()).totp.enabled, true);
    assert.deepEqual((await auth.regenerateRecoveryCodes()).recovery_codes, ["recovery-3", "recovery-4"]);
    assert.equal(await auth.totpDisable(), null);
    assert.equal((await auth.mfaStatus()).totp.enabled, false);
  });
});

describe("re-authentication", () => {
  it("reauthenticate({password}) reissues the session's tokens: the expiry moves, the other tabs hear it", async () => {
    const shared = browser();
    const auth = await loggedIn(shared);
    const other = shared.tab();
    await other.restore();
    const heard = [];
    other.subscribe((state, event) => heard.push([event.type, event.remote, state.accessExpiresAt]));
    const before = auth.getState().accessExpiresAt;
    await shared.clock.advance(60_000);

    const result = await auth.reauthenticate({ password: PASSWORD });

    assert.equal(result.detail, "reauthenticated");
    assert.ok(auth.getState().accessExpiresAt > before);
    assert.deepEqual(shared.api.calls("POST", "reauthenticate/")[0].body, { password: PASSWORD });
    await settle();
    assert.deepEqual(heard, [["refresh", true, auth.getState().accessExpiresAt]]);
  });

  it("a wrong password is no_active_account, and nothing is refreshed", async () => {
    const shared = browser();
    const auth = await loggedIn(shared);

    await assert.rejects(auth.reauthenticate({ password: "wrong" }), { code: "no_active_account" });
    assert.equal(shared.api.calls("POST", "refresh/").length, 0);
    assert.equal(auth.getState().status, "authenticated");
  });

  it("each proof is sent under its API name; exactly one is taken", async () => {
    const shared = browser();
    const auth = await loggedIn(shared);

    await auth.reauthenticate({ code: "123456" });
    await auth.reauthenticate({ recoveryCode: "recovery-1" });
    await assert.rejects(auth.reauthenticate({ password: PASSWORD, code: "123456" }), TypeError);
    await assert.rejects(auth.reauthenticate({ passkey: false }), TypeError);

    assert.deepEqual(shared.api.calls("POST", "reauthenticate/").map((e) => e.body), [{ code: "123456" }, { recovery_code: "recovery-1" }]);
  });

  it("reauthenticate({passkey: true}) asks for reauthenticate/options/ and sends the assertion", async () => {
    const shared = browser();
    await withPasskey(shared);
    const auth = shared.tab();
    await auth.login("alice", PASSWORD).catch(() => {});
    await auth.verifyMfa({ passkey: true });
    shared.api.staleAuthentication();

    await auth.reauthenticate({ passkey: true });

    assert.equal(shared.api.calls("POST", "reauthenticate/options/")[0].status, 200);
    const [sent] = shared.api.calls("POST", "reauthenticate/");
    assert.equal(sent.status, 200);
    assert.deepEqual(Object.keys(sent.body), ["credential"]);
    assert.equal((await auth.totpEnrol()).secret, "JBSWY3DPEHPK3PXP");
  });

  it("in app mode the reissued tokens are stored", async () => {
    const shared = browser();
    const auth = await loggedIn(shared, { mode: "app" });

    const result = await auth.reauthenticate({ password: PASSWORD });
    const me = await auth.me();

    assert.ok(result.access && result.refresh);
    assert.equal(me.username, "alice");
    assert.equal(shared.api.calls("GET", "me/")[0].headers.authorization, `Bearer ${result.access}`);
  });
});

describe("reauthentication_required", () => {
  it("without a hook, the call rejects with a ReauthenticationRequiredError (an ApiError) and nothing is refreshed", async () => {
    const shared = browser();
    const auth = await loggedIn(shared);
    shared.api.staleAuthentication();

    const error = await auth.totpEnrol().catch((e) => e);

    assert.ok(error instanceof ReauthenticationRequiredError);
    assert.ok(error instanceof ApiError);
    assert.equal(error.name, "ReauthenticationRequiredError");
    assert.equal(error.code, "reauthentication_required");
    assert.equal(error.status, 401);
    assert.equal(shared.api.calls("POST", "refresh/").length, 0);
    assert.equal(auth.getState().status, "authenticated");
  });

  it("the hook prompts, reauthenticates, and the call is sent again once and succeeds", async () => {
    const shared = browser();
    const prompts = [];
    const auth = await loggedIn(shared, {
      onReauthenticationRequired: async (request) => {
        prompts.push(request);
        await auth.reauthenticate({ password: PASSWORD });
        return true;
      },
    });
    shared.api.staleAuthentication();

    const passkey = await auth.registerPasskey("laptop");

    assert.equal(passkey.name, "laptop");
    assert.equal(prompts.length, 1);
    assert.equal(prompts[0].method, "POST");
    assert.equal(prompts[0].url, `${API}/api/auth/passkeys/register/options/`);
    assert.ok(prompts[0].error instanceof ReauthenticationRequiredError);
    assert.deepEqual(shared.api.calls("POST", "passkeys/register/options/").map((e) => e.status), [401, 200]);
  });

  it("calls refused together share one prompt", async () => {
    const shared = browser();
    let prompts = 0;
    const auth = await loggedIn(shared, {
      onReauthenticationRequired: async () => {
        prompts += 1;
        await auth.reauthenticate({ password: PASSWORD });
        return true;
      },
    });
    shared.api.staleAuthentication();

    const [enrolment, codes] = await Promise.all([auth.totpEnrol(), auth.regenerateRecoveryCodes()]);

    assert.equal(prompts, 1);
    assert.ok(enrolment.secret && codes.recovery_codes.length);
  });

  it("a call refused before another call's re-authentication finished is sent again without a prompt", async () => {
    const shared = browser();
    let prompts = 0;
    const auth = await loggedIn(shared, { onReauthenticationRequired: () => ++prompts && false });
    shared.api.staleAuthentication();
    const release = shared.api.hold("POST", "mfa/totp/");

    const enrolling = auth.totpEnrol(); // refused, its answer held on the way
    await settle();
    await auth.reauthenticate({ password: PASSWORD });
    release();

    assert.ok((await enrolling).secret);
    assert.equal(prompts, 0);
  });

  for (const [name, hook] of [
    ["resolves false (the user cancelled)", () => false],
    ["throws", () => Promise.reject(new Error("closed"))],
  ]) {
    it(`a hook that ${name}: the call rejects with ReauthenticationRequiredError`, async () => {
      const shared = browser();
      const auth = await loggedIn(shared, { onReauthenticationRequired: hook });
      shared.api.staleAuthentication();

      await assert.rejects(auth.totpDisable(), ReauthenticationRequiredError);
      assert.equal(shared.api.calls("DELETE", "mfa/totp/").length, 1);
    });
  }

  it("a hook that says yes without re-authenticating: sent again once, then the error (no loop)", async () => {
    const shared = browser();
    let prompts = 0;
    const auth = await loggedIn(shared, { onReauthenticationRequired: () => ++prompts > 0 });
    shared.api.staleAuthentication();

    await assert.rejects(auth.regenerateRecoveryCodes(), ReauthenticationRequiredError);

    assert.equal(prompts, 1);
    assert.equal(shared.api.calls("POST", "mfa/recovery-codes/").length, 2);
  });

  it("auth.fetch meets the same hook, for the app's own sensitive endpoints", async () => {
    const shared = browser();
    let prompts = 0;
    const auth = await loggedIn(shared, {
      onReauthenticationRequired: async () => {
        prompts += 1;
        await auth.reauthenticate({ password: PASSWORD });
        return true;
      },
    });
    let refusals = 1;
    shared.api.handlers["POST orders/"] = () =>
      refusals-- > 0
        ? shared.api.json(401, { detail: "Reauthenticate first.", code: "reauthentication_required" })
        : shared.api.json(201, { ok: true });

    const response = await auth.fetch("/api/auth/orders/", { method: "POST" });

    assert.equal(response.status, 201);
    assert.equal(prompts, 1);
  });
});
