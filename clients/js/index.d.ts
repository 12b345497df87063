// The types of index.js. The API's bodies come from schema.d.ts, which is generated from the
// server's /swagger.json (the project's tests fail when the two drift apart).

import type {
  Csrf,
  Detail,
  Error as ErrorBody,
  FieldError as FieldErrorBody,
  LoginResponse,
  Me,
  MfaStatus,
  Passkey,
  PasskeyCreated,
  Reauthenticated,
  RecoveryCodes,
  Session,
  TotpEnrolment,
  User,
  WebAuthnOptions,
} from "./schema.js";

export type * from "./schema.js";

/** One field error, as in the API's `errors` list (`code` is null in the older body shape). */
export interface FieldError {
  field: string;
  code: FieldErrorCode | (string & {}) | null;
  message: string;
}

/** The code of a field error (schema.d.ts has them from the server's schema). */
export type FieldErrorCode = FieldErrorBody["code"];

/** A refused call: `status`, the JSON `body`, its `code` and its field `errors`. */
export declare class ApiError extends globalThis.Error {
  constructor(status: number, body: unknown, headers?: Headers | null);
  readonly name: "ApiError" | "ReauthenticationRequiredError";
  readonly status: number;
  /** The API's JSON error: `{detail, code}`, or field errors. */
  readonly body: (Partial<ErrorBody> & Record<string, unknown>) | null;
  /** The machine-readable code: branch on it, not on `detail` (a sentence, maybe translated). */
  readonly code: ErrorCode | (string & {}) | null;
  readonly errors: FieldError[];
  /** After a 429: the seconds to wait (Retry-After), else null. */
  readonly retryAfter: number | null;
}

/**
 * A sensitive call refused `401 reauthentication_required`: the session proved who the user is
 * too long ago. Prompt, call `reauthenticate()`, and repeat the call; or give the client an
 * `onReauthenticationRequired` hook, which does that for every such call.
 */
export declare class ReauthenticationRequiredError extends ApiError {
  readonly name: "ReauthenticationRequiredError";
  readonly code: "reauthentication_required";
}

/** Every code of an error body, from the server's schema; the API reference explains each. */
export type ErrorCode = ErrorBody["code"];

/** The body of an `mfa_required` refusal at login (the second step is verifyMfa()). */
export interface MfaChallenge extends ErrorBody {
  code: "mfa_required";
  methods: Array<"totp" | "recovery_code" | "webauthn">;
  mfa_expires_at: string;
}

/**
 * The answer to one second-factor step: exactly one of these. `{passkey: true}` asks the
 * browser for one of the account's passkeys; `{credential}` is an assertion already made.
 */
export type MfaAnswer =
  | { code: string }
  | { recoveryCode: string }
  | { passkey: true }
  | { credential: PublicKeyCredentialJSON };

/** How the user proves who they are again (reauthenticate()): exactly one of these. */
export type ReauthenticationProof =
  | { password: string }
  | { code: string }
  | { recoveryCode: string }
  | { passkey: true };

/** What onReauthenticationRequired is told: the call that was refused, and its error. */
export interface ReauthenticationRequest {
  method: string;
  url: string;
  error: ReauthenticationRequiredError;
}

/** A PublicKeyCredential as JSON (its toJSON()): binary fields in base64url. */
export interface PublicKeyCredentialJSON {
  id: string;
  rawId: string;
  type: string;
  authenticatorAttachment?: string | null;
  clientExtensionResults: Record<string, unknown>;
  response: {
    clientDataJSON: string;
    /** A registration's. */
    attestationObject?: string;
    transports?: string[];
    /** An assertion's. */
    authenticatorData?: string;
    signature?: string;
    userHandle?: string | null;
    [key: string]: unknown;
  };
}

/** The API's WebAuthn options (`publicKey`), binary fields in base64url. */
export type PublicKeyOptionsJSON = WebAuthnOptions["publicKey"];

export interface AuthState {
  /** "unknown" until restore() or a login tells. */
  readonly status: "unknown" | "authenticated" | "anonymous";
  readonly user: Me | null;
  readonly accessExpiresAt: Date | null;
}

export type SessionEndReason =
  /** logout(), logoutAll() or revoking the current session, in this tab. */
  | "logout"
  /** another tab of this origin logged out or lost the session. */
  | "other_tab"
  /** the API refused a refresh: revoked, expired, or the session's time is up. */
  | "refresh_refused"
  /** a cookie tossed from another host of the domain: the API cleared the auth cookies. */
  | "ambiguous_credentials";

export interface AuthEvent {
  type: "login" | "logout" | "refresh" | "restore" | "profile" | "reauthenticate";
  /** Learned from another tab. */
  remote: boolean;
  reason?: SessionEndReason;
}

/** Where app mode keeps the tokens (sync or async): memory by default, or secure storage. */
export interface TokenStore {
  get(): TokenPair | null | Promise<TokenPair | null>;
  set(tokens: TokenPair | null): void | Promise<void>;
}

export interface TokenPair {
  access: string;
  refresh: string;
}

/** The outcome of a refresh: "rotated" means another tab or window won the race (fine). */
export type RefreshOutcome = "ok" | "rotated" | "ended" | "failed";

export interface AuthClientOptions {
  /** Where the API is, e.g. "https://api.example.com" or "/" behind the front end's proxy. Default "http://localhost:8000". */
  baseUrl?: string;
  /** "browser" (cookies, the default) or "app" (tokens in the body, `X-Auth-Client: app`). */
  mode?: "browser" | "app";
  /** Called once when a session that was in ends, with why. */
  onSessionEnded?: (reason: SessionEndReason) => void;
  /** Refresh this long before access_expires_at (half-way for shorter lifetimes); 0 turns it off. Default 30. */
  refreshAheadSeconds?: number;
  /** Share refreshes, logins and logouts with the other tabs of this origin. Default true (browser mode). */
  crossTab?: boolean;
  /** Default "csrftoken" (Django's CSRF_COOKIE_NAME). */
  csrfCookieName?: string;
  /** App mode: where the tokens live. Default: memory. */
  tokenStore?: TokenStore;
  /** The wait before a call is sent again after token_rotated (times the round). Default 100. */
  retryDelayMs?: number;
  /**
   * Called when a call is refused `reauthentication_required`: prompt the user, call
   * `auth.reauthenticate(…)`, and resolve true to send the call again (once), or false to let
   * it reject with a ReauthenticationRequiredError. Calls refused together share one prompt.
   */
  onReauthenticationRequired?: ((request: ReauthenticationRequest) => boolean | Promise<boolean>) | null;
  /** Another fetch (for tests, or a fetch with a cookie jar). */
  fetch?: typeof globalThis.fetch;
  /** For tests: navigator.credentials, and PublicKeyCredential (null: the package's JSON converters). */
  credentials?: Pick<CredentialsContainer, "create" | "get"> | null;
  publicKeyCredential?: {
    parseCreationOptionsFromJSON?(options: unknown): PublicKeyCredentialCreationOptions;
    parseRequestOptionsFromJSON?(options: unknown): PublicKeyCredentialRequestOptions;
  } | null;
  /** For tests: the Web Locks API (null: none), a BroadcastChannel factory, a clock, the page. */
  locks?: LockManager | null;
  broadcastChannel?: ((name: string) => BroadcastChannel) | null;
  clock?: {
    now(): number;
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(id: unknown): void;
  };
  document?: { cookie: string } | null;
  pageOrigin?: string | null;
}

export interface AuthClient {
  readonly mode: "browser" | "app";
  /** The Web Lock every tab of the origin takes to refresh. */
  readonly lockName: string;
  /** The BroadcastChannel the tabs of the origin talk on. */
  readonly channelName: string;

  getState(): AuthState;
  /** Calls `listener` on every change; returns the function that stops it. */
  subscribe(listener: (state: AuthState, event: AuthEvent) => void): () => void;
  /** A quiet page load: GET session/ (and one refresh when only the refresh cookie is left). */
  restore(): Promise<AuthState>;
  /** GET csrf/: sets the csrftoken cookie, resolves to the token. */
  csrf(): Promise<Csrf["csrfToken"]>;

  signup(fields: { username: string; email: string; password: string }): Promise<User>;
  /** Rejects with an ApiError whose code is "mfa_required" (body: MfaChallenge) for an account with a second factor. */
  login(username: string, password: string): Promise<LoginResponse>;
  /** The second step of a login. */
  verifyMfa(answer: MfaAnswer): Promise<LoginResponse>;
  /** WebAuthn request options for the pending login's passkeys. */
  mfaWebauthnOptions(): Promise<WebAuthnOptions>;
  /**
   * A passwordless login with a passkey the browser holds. Rejects with the browser's
   * DOMException (NotAllowedError: cancelled; NotSupportedError: no WebAuthn) or an ApiError.
   */
  loginWithPasskey(): Promise<LoginResponse>;
  /** Proves who the user is again; the session's tokens are reissued with a fresh auth_time. */
  reauthenticate(proof: ReauthenticationProof): Promise<Reauthenticated>;

  mfaStatus(): Promise<MfaStatus>;
  /** Recent authentication needed. */
  totpEnrol(): Promise<TotpEnrolment>;
  /** The recovery codes, shown only now. */
  totpConfirm(code: string): Promise<RecoveryCodes>;
  /** Recent authentication needed. */
  totpDisable(): Promise<null>;
  /** Recent authentication needed. */
  regenerateRecoveryCodes(): Promise<RecoveryCodes>;
  /** Creation options, navigator.credentials.create(), POST passkeys/ (recent authentication needed). */
  /** With `recovery_codes` (shown only then) when it is the account's first factor. */
  registerPasskey(name: string): Promise<PasskeyCreated>;
  passkeys(): Promise<Passkey[]>;
  renamePasskey(id: number, name: string): Promise<Passkey>;
  /** Recent authentication needed. */
  deletePasskey(id: number): Promise<null>;
  /** An explicit refresh, shared with any in flight. */
  refresh(): Promise<RefreshOutcome>;
  /** Ends the session here and in the other tabs whatever the answer; `confirmed`: the API said so. */
  logout(): Promise<{ confirmed: boolean; error: unknown }>;

  me(): Promise<Me>;
  sessions(): Promise<Session[]>;
  revokeSession(id: string): Promise<null>;
  logoutAll(): Promise<null>;
  changePassword(oldPassword: string, newPassword: string): Promise<Detail>;
  requestPasswordReset(email: string): Promise<Detail>;
  confirmPasswordReset(link: { uid: string; token: string; newPassword: string }): Promise<Detail>;
  verifyEmail(link: { uid: string; token: string }): Promise<Detail>;
  resendVerification(email: string): Promise<Detail>;

  /** PATCH me/ with any of the fields; resolves to the changed user (field errors as at signup). */
  updateMe(changes: { username?: string; firstName?: string; lastName?: string }): Promise<Me>;
  /** POST email/change/ (needs a recent authentication): a link goes to the new address. */
  requestEmailChange(email: string): Promise<Detail>;
  /** The uid and token of FRONTEND_URL/confirm-email-change. */
  confirmEmailChange(link: { uid: string; token: string }): Promise<Detail>;
  /** The uid and token of FRONTEND_URL/cancel-email-change (the notice to the old address). */
  cancelEmailChange(link: { uid: string; token: string }): Promise<Detail>;
  /** DELETE me/ (needs a recent authentication): the account is closed, every session ends. */
  deleteAccount(): Promise<null>;

  /** Any endpoint under /api/auth/ (a path relative to it), with CSRF and the refresh on a 401. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** fetch() for the API's origin only, with the credentials, CSRF and the refresh on a 401. */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** Stops the refresh timer and leaves the channel. */
  close(): void;
}

export declare function createAuthClient(options?: AuthClientOptions): AuthClient;

/** A TokenStore in memory: the tokens live as long as the process. */
export declare function memoryTokenStore(initial?: TokenPair | null): TokenStore;

/** base64url text (no padding) as an ArrayBuffer; a TypeError for anything else. */
export declare function base64urlToBuffer(text: string): ArrayBuffer;
/** Bytes as base64url text without padding. */
export declare function bufferToBase64url(buffer: ArrayBuffer | ArrayBufferView): string;
/** The API's creation options as navigator.credentials.create() takes them (where the browser
 * lacks PublicKeyCredential.parseCreationOptionsFromJSON). */
export declare function creationOptionsFromJSON(options: PublicKeyOptionsJSON): PublicKeyCredentialCreationOptions;
/** The API's request options as navigator.credentials.get() takes them. */
export declare function requestOptionsFromJSON(options: PublicKeyOptionsJSON): PublicKeyCredentialRequestOptions;
/** A credential from navigator.credentials as the JSON the API takes (its toJSON() if it has one). */
export declare function credentialToJSON(credential: PublicKeyCredential): PublicKeyCredentialJSON;
