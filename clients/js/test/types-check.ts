// Compiled by test/types.test.js with tsc --noEmit: the declarations hold together and
// describe the calls a front end makes. Each @ts-expect-error must be an error.

import {
  ApiError,
  ReauthenticationRequiredError,
  base64urlToBuffer,
  bufferToBase64url,
  createAuthClient,
  credentialToJSON,
  memoryTokenStore,
  requestOptionsFromJSON,
} from "../index.js";
import type {
  AuthState,
  ErrorCode,
  FieldErrorCode,
  LoginResponse,
  Me,
  MfaStatus,
  Operations,
  Passkey,
  PublicKeyCredentialJSON,
  Session,
  SessionProbe,
} from "../index.js";

const auth = createAuthClient({
  baseUrl: "http://localhost:8000",
  onSessionEnded: (reason) => {
    const known: "logout" | "other_tab" | "refresh_refused" | "ambiguous_credentials" = reason;
    void known;
  },
});

async function flows(): Promise<void> {
  const state: AuthState = await auth.restore();
  if (state.status === "authenticated" && state.user) {
    const name: string = state.user.username;
    void name;
  }
  try {
    const result: LoginResponse = await auth.login("alice", "secret");
    const verified: boolean = result.user.email_verified;
    void verified;
  } catch (error) {
    if (error instanceof ApiError && error.code === "mfa_required") {
      await auth.verifyMfa({ code: "123456" });
      await auth.verifyMfa({ recoveryCode: "abcd-efgh" });
    }
  }
  const me: Me = await auth.me();
  const sessions: Session[] = await auth.sessions();
  const current: boolean | undefined = sessions[0]?.current;
  void me;
  void current;
  const outcome = await auth.refresh();
  if (outcome === "ended") return;
  const { confirmed } = await auth.logout();
  void confirmed;
  const response: Response = await auth.fetch("/api/orders/", { method: "POST", body: "{}" });
  void response;
  const unsubscribe = auth.subscribe((next, event) => void [next.status, event.type, event.remote]);
  unsubscribe();

  // @ts-expect-error verifyMfa takes an object with one answer
  await auth.verifyMfa("123456");
  // @ts-expect-error a passkey answer is `passkey: true`
  await auth.verifyMfa({ passkey: "yes" });
  // @ts-expect-error reauthenticate needs one proof
  await auth.reauthenticate({});
  // @ts-expect-error passkey ids are the API's numbers
  await auth.deletePasskey("laptop");
  // @ts-expect-error there is no such mode
  createAuthClient({ mode: "native" });
  // @ts-expect-error the state's status is one of three words
  const wrong: AuthState["status"] = "logged-in";
  void wrong;
}

const app = createAuthClient({ mode: "app", tokenStore: memoryTokenStore() });
void app;

// Second factors, passkeys, and the re-authentication prompt.
const guarded = createAuthClient({
  onReauthenticationRequired: async ({ method, url, error }) => {
    const code: "reauthentication_required" = error.code;
    void [method, url, code];
    await guarded.reauthenticate({ password: "secret" });
    return true;
  },
});

async function secondFactors(): Promise<void> {
  await guarded.verifyMfa({ passkey: true });
  const login: LoginResponse = await guarded.loginWithPasskey();
  void login;
  const status: MfaStatus = await guarded.mfaStatus();
  const enabled: boolean = status.totp.enabled;
  void enabled;
  const { qr_svg } = await guarded.totpEnrol();
  const codes: string[] = (await guarded.totpConfirm("123456")).recovery_codes;
  void [qr_svg, codes];
  const passkey: Passkey = await guarded.registerPasskey("laptop");
  await guarded.renamePasskey(passkey.id, "old laptop");
  const list: Passkey[] = await guarded.passkeys();
  void list;
  await guarded.deletePasskey(passkey.id);
  for (const proof of [{ code: "123456" }, { recoveryCode: "abcde-fghij" }, { passkey: true as const }]) {
    const { auth_time } = await guarded.reauthenticate(proof);
    void auth_time;
  }
  try {
    await guarded.totpDisable();
  } catch (error) {
    if (error instanceof ReauthenticationRequiredError) {
      const status: number = error.status;
      void status;
    }
  }
  const bytes: ArrayBuffer = base64urlToBuffer("AQID");
  const text: string = bufferToBase64url(new Uint8Array(bytes));
  const options: PublicKeyCredentialRequestOptions = requestOptionsFromJSON({ challenge: text });
  const credential = await navigator.credentials.get({ publicKey: options });
  if (credential instanceof PublicKeyCredential) {
    const json: PublicKeyCredentialJSON = credentialToJSON(credential);
    await guarded.verifyMfa({ credential: json });
  }
}
void secondFactors;

// The generated schema types describe the operations the client calls.
const probePath: Operations["auth_session_probe"]["path"] = "/api/auth/session/";
const probe: Operations["auth_session_probe"]["responses"]["200"] = {} as SessionProbe;
void probePath;
void probe;
void flows;

// The account's own flows: re-authentication, profile, address, closing it.
async function accountFlows(): Promise<void> {
  const me: Me = await auth.updateMe({ username: "alicia", firstName: "Alice" });
  const first: string = me.first_name;
  void first;
  try {
    await auth.requestEmailChange("new@example.com");
  } catch (error) {
    if (error instanceof ApiError && error.code === "reauthentication_required") {
      const again = await auth.reauthenticate({ password: "secret" });
      const authTime: string = again.auth_time;
      void authTime;
    }
  }
  await auth.confirmEmailChange({ uid: "MQ", token: "t" });
  await auth.cancelEmailChange({ uid: "MQ", token: "t" });
  await auth.deleteAccount();
  // @ts-expect-error one proof, by its name
  await auth.reauthenticate("secret");
  // @ts-expect-error the names are camelCase here
  await auth.updateMe({ first_name: "Alice" });
}
void accountFlows;

// Error codes come from the server's schema: a field error's code and an error's code.
function branches(error: ApiError): string {
  const weak = error.errors.some((entry) => entry.code === "password_too_common");
  const known: ErrorCode = "csrf_failed";
  const field: FieldErrorCode = "unique";
  // @ts-expect-error not a code of the service
  const unknown: ErrorCode = "no_such_code";
  void [known, field, unknown];
  return weak ? "weak" : error.code ?? "none";
}
void branches;
