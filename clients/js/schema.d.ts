// The API's bodies and operations, generated from its /swagger.json by
// scripts/generate-schema-types.mjs: do not edit by hand, regenerate.

export interface _Enabled {
  enabled: boolean;
}

export interface _Remaining {
  remaining: number;
}

export interface Code {
  /** A code of the authenticator app (6 digits) */
  code: string;
}

export interface Csrf {
  csrfToken: string;
}

export interface Detail {
  detail: string;
}

export interface EmailChange {
  email: string;
}

export interface EmailLink {
  /** The link's uid parameter */
  uid: string;
  /** The link's token parameter */
  token: string;
}

export interface EmailRequest {
  email: string;
}

export interface Error {
  /** A sentence, in the language of Accept-Language. */
  detail: string;
  /** What to branch on: the same in every language. */
  code: "already_enabled" | "ambiguous_credentials" | "csrf_failed" | "disallowed_host" | "email_not_verified" | "invalid_code" | "invalid_credential" | "invalid_link" | "method_not_allowed" | "mfa_enrolment_required" | "mfa_required" | "mfa_token_invalid" | "no_active_account" | "no_refresh_token" | "not_acceptable" | "not_authenticated" | "not_found" | "parse_error" | "reauthentication_required" | "request_too_large" | "server_error" | "service_unavailable" | "throttled" | "token_not_valid" | "token_rotated" | "unsupported_media_type";
}

export interface FieldError {
  /** The request's field, a nested one with dots (credential.id); non_field_errors for the request as a whole. */
  field: string;
  /** What to branch on: the same in every language. */
  code: "required" | "null" | "blank" | "invalid" | "max_length" | "null_characters_not_allowed" | "not_a_dict" | "unique" | "password_too_short" | "password_too_common" | "password_entirely_numeric" | "password_too_similar" | "password_incorrect" | "one_proof_required" | "read_only" | "unchanged";
  /** The message, as under the field's own key. */
  message: string;
}

export interface Health {
  status: "ok" | "error";
  database: "ok" | "unavailable";
  detail?: string;
  /** Something to look at that does not fail the check. */
  warning?: string;
  /** Emails undelivered for over AUTH_EMAIL_BACKLOG_WARNING_SECONDS. */
  email_backlog?: number;
}

export interface Login {
  /** Username or email address */
  username: string;
  password: string;
}

export interface LoginResponse {
  detail: string;
  access_expires_at: string;
  refresh_expires_at: string;
  /** Only with AUTH_RETURN_TOKENS_IN_BODY=1 */
  access?: string;
  /** Only with AUTH_RETURN_TOKENS_IN_BODY=1 */
  refresh?: string;
  user: Me;
}

export interface Me {
  id: number;
  username: string;
  email: string;
  email_verified: boolean;
  date_joined: string;
  first_name: string;
  last_name: string;
}

export interface MeUpdate {
  /** Letters, digits and . + - _ only; no @. */
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface MfaStatus {
  totp: _Enabled;
  recovery_codes: _Remaining;
  passkeys: Passkey[];
}

export interface MfaVerify {
  /** A TOTP code (6 digits) */
  code?: string;
  recovery_code?: string;
  /** The PublicKeyCredential, as JSON (id, rawId, type, response). */
  credential?: {
    id?: string;
    rawId?: string;
    /** "public-key" */
    type?: string;
    /** clientDataJSON and attestationObject or authenticatorData, signature, userHandle (base64url) */
    response?: {
      [key: string]: unknown;
    };
    authenticatorAttachment?: string | null;
    clientExtensionResults?: {
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  /** For app clients: the mfa_token of the login answer (browsers send the cookie). */
  mfa_token?: string;
}

export interface Passkey {
  id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface PasskeyCreate {
  name: string;
  /** The PublicKeyCredential, as JSON (id, rawId, type, response). */
  credential: {
    id?: string;
    rawId?: string;
    /** "public-key" */
    type?: string;
    /** clientDataJSON and attestationObject or authenticatorData, signature, userHandle (base64url) */
    response?: {
      [key: string]: unknown;
    };
    authenticatorAttachment?: string | null;
    clientExtensionResults?: {
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
}

export interface PasskeyCreated {
  id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
  /** Only when the passkey is the account's first factor; shown only here. */
  recovery_codes?: string[];
}

export interface PasskeyLogin {
  /** The PublicKeyCredential, as JSON (id, rawId, type, response). */
  credential: {
    id?: string;
    rawId?: string;
    /** "public-key" */
    type?: string;
    /** clientDataJSON and attestationObject or authenticatorData, signature, userHandle (base64url) */
    response?: {
      [key: string]: unknown;
    };
    authenticatorAttachment?: string | null;
    clientExtensionResults?: {
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
}

export interface PasskeyRename {
  name: string;
}

export interface PasswordChange {
  old_password: string;
  new_password: string;
}

export interface PasswordResetConfirm {
  /** The link's uid parameter */
  uid: string;
  /** The link's token parameter */
  token: string;
  new_password: string;
}

export interface Reauthenticate {
  password?: string;
  code?: string;
  recovery_code?: string;
  /** The PublicKeyCredential, as JSON (id, rawId, type, response). */
  credential?: {
    id?: string;
    rawId?: string;
    /** "public-key" */
    type?: string;
    /** clientDataJSON and attestationObject or authenticatorData, signature, userHandle (base64url) */
    response?: {
      [key: string]: unknown;
    };
    authenticatorAttachment?: string | null;
    clientExtensionResults?: {
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
}

export interface Reauthenticated {
  detail: string;
  access_expires_at: string;
  refresh_expires_at: string;
  /** Only with AUTH_RETURN_TOKENS_IN_BODY=1 */
  access?: string;
  /** Only with AUTH_RETURN_TOKENS_IN_BODY=1 */
  refresh?: string;
  auth_time: string;
}

export interface RecoveryCodes {
  /** Shown only now: each works once. */
  recovery_codes: string[];
}

export interface RefreshRequest {
  /** A refresh token, for clients without cookies; ignored when the refresh_token cookie is present. */
  refresh?: string;
}

export interface Session {
  id: string;
  created_at?: string;
  last_used_at?: string;
  expires_at: string;
  user_agent?: string;
  ip_address?: string | null;
  current: boolean;
}

export interface SessionProbe {
  /** A valid access token came with the call. */
  authenticated: boolean;
  /** Not authenticated, but a refresh token came with it: POST refresh/ next. */
  refreshable: boolean;
  user?: Me;
  /** When authenticated: refresh shortly before this moment. */
  access_expires_at?: string;
}

export interface Signup {
  /** Letters, digits and . + - _ only; no @. */
  username: string;
  email: string;
  password: string;
}

export interface TokenExpiry {
  detail: string;
  access_expires_at: string;
  refresh_expires_at: string;
  /** Only with AUTH_RETURN_TOKENS_IN_BODY=1 */
  access?: string;
  /** Only with AUTH_RETURN_TOKENS_IN_BODY=1 */
  refresh?: string;
}

export interface TotpEnrolment {
  /** Base32, for typing into an app by hand */
  secret: string;
  otpauth_url: string;
  /** The otpauth URL as a QR code, an SVG element */
  qr_svg: string;
}

export interface User {
  id: number;
  /** Letters, digits and . + - _ only; no @. */
  username: string;
  email: string;
}

export interface WebAuthnOptions {
  /** Pass to navigator.credentials (binary fields in base64url). */
  publicKey: {
    [key: string]: unknown;
  };
}

/** Every operation of the API, by its operationId. */
export interface Operations {
  /** Get a CSRF token (also set as the csrftoken cookie) */
  auth_csrf: {
    method: "GET";
    path: "/api/auth/csrf/";
    responses: {
      /** The token. */
      "200": Csrf;
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Ask to change the email address */
  auth_email_change: {
    method: "POST";
    path: "/api/auth/email/change/";
    body: EmailChange;
    responses: {
      /** The link is on its way; nothing changed yet. */
      "202": Detail;
      /** A malformed address, one another account has (code "unique"), or the account's own (code "unchanged"). */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "reauthentication_required": the session proved who the user is more than AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Cancel a pending change of address from the notice sent to the current one */
  auth_email_change_cancel: {
    method: "POST";
    path: "/api/auth/email/change/cancel/";
    body: EmailLink;
    responses: {
      /** "email change cancelled". */
      "200": Detail;
      /** code "invalid_link": the uid or token is wrong or tampered with, the link has expired (AUTH_PASSWORD_RESET_TIMEOUT_SECONDS), was used, or a later request or a cancel replaced it. Or a missing field. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Change the email address from the link sent to the new one */
  auth_email_change_confirm: {
    method: "POST";
    path: "/api/auth/email/change/confirm/";
    body: EmailLink;
    responses: {
      /** "email changed". */
      "200": Detail;
      /** code "invalid_link": the uid or token is wrong or tampered with, the link has expired (AUTH_PASSWORD_RESET_TIMEOUT_SECONDS), was used, or a later request or a cancel replaced it; also when another account has the address by now. Or a missing field. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Verify the email address from an emailed link */
  auth_email_verify: {
    method: "POST";
    path: "/api/auth/email/verify/";
    body: EmailLink;
    responses: {
      /** "email verified". */
      "200": Detail;
      /** code "invalid_link": the uid or token is wrong or tampered with, the link has expired (AUTH_PASSWORD_RESET_TIMEOUT_SECONDS) or was already used; or field errors: a missing field. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "invalid_link" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "invalid_link" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Email a new verification link */
  auth_email_verify_resend: {
    method: "POST";
    path: "/api/auth/email/verify/resend/";
    body: EmailRequest;
    responses: {
      /** Accepted; the same answer whether or not an email is sent. */
      "202": Detail;
      /** Field errors, or a body that is not a JSON object (code "parse_error"). */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Log in: start a session and set the auth cookies */
  auth_login: {
    method: "POST";
    path: "/api/auth/login/";
    body: Login;
    responses: {
      /** Logged in. */
      "200": LoginResponse;
      /** Field errors, or a body that is not a JSON object (code "parse_error"). */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "no_active_account": wrong password, unknown or inactive user, all alike; code "email_not_verified" when verification is mandatory; code "mfa_required" for an account with a second factor (the body also has methods and mfa_expires_at; finish with POST mfa/verify/). */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "no_active_account" | "email_not_verified" | "mfa_required" | "ambiguous_credentials";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Log out: revoke this session and clear the auth cookies */
  auth_logout: {
    method: "POST";
    path: "/api/auth/logout/";
    body: RefreshRequest;
    responses: {
      /** Logged out, or there was no refresh token (nothing left to end). */
      "204": null;
      /** "no refresh token" (code "no_refresh_token"), or `refresh` is not a string; the auth cookies are cleared. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "no_refresh_token" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "no_refresh_token" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "token_not_valid"; the auth cookies are cleared. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "token_not_valid" | "ambiguous_credentials";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Revoke every session of the user */
  auth_logout_all: {
    method: "POST";
    path: "/api/auth/logout-all/";
    responses: {
      /** All sessions revoked. */
      "204": null;
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** The logged-in user */
  auth_me: {
    method: "GET";
    path: "/api/auth/me/";
    responses: {
      /** The user of the access token. */
      "200": Me;
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Close the account */
  auth_me_delete: {
    method: "DELETE";
    path: "/api/auth/me/";
    responses: {
      /** Closed: every session revoked, the account anonymised. */
      "204": null;
      /** code "reauthentication_required": the session proved who the user is more than AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Change the username, first or last name */
  auth_me_update: {
    method: "PATCH";
    path: "/api/auth/me/";
    body: MeUpdate;
    responses: {
      /** The user, changed. */
      "200": Me;
      /** Field errors as at signup: a taken username (in canonical form), one breaking the rules; a field that cannot change here (code "read_only"), such as email. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host" | FieldError[] | undefined;
      };
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Make new recovery codes */
  auth_mfa_recovery_codes_regenerate: {
    method: "POST";
    path: "/api/auth/mfa/recovery-codes/";
    responses: {
      /** New codes; the old ones are dead. */
      "200": RecoveryCodes;
      /** code "reauthentication_required": the session proved who the user is more than AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "not_found": the account has no second factor to recover. */
      "404": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_found";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** The user's second factors: TOTP, how many recovery codes remain, passkeys */
  auth_mfa_status: {
    method: "GET";
    path: "/api/auth/mfa/";
    responses: {
      /** The user's factors. */
      "200": MfaStatus;
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Confirm the authenticator app with one of its codes */
  auth_mfa_totp_confirm: {
    method: "POST";
    path: "/api/auth/mfa/totp/confirm/";
    body: Code;
    responses: {
      /** TOTP is on; the recovery codes are shown only here. */
      "200": RecoveryCodes;
      /** code "invalid_code": not a current code of the app; or field errors. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** The error's code (parse_error, no_refresh_token, invalid_link, invalid_code, invalid_credential, disallowed_host), or the messages of the code field. */
        code?: unknown;
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | unknown | FieldError[] | undefined;
      };
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "not_found": no enrolment is pending. */
      "404": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_found";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Turn TOTP off */
  auth_mfa_totp_disable: {
    method: "DELETE";
    path: "/api/auth/mfa/totp/";
    responses: {
      /** TOTP removed. */
      "204": null;
      /** code "reauthentication_required": the session proved who the user is more than AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "not_found": TOTP is not enabled. */
      "404": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_found";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Start enrolling an authenticator app */
  auth_mfa_totp_enrol: {
    method: "POST";
    path: "/api/auth/mfa/totp/";
    responses: {
      /** A pending TOTP secret; confirm it with a code. */
      "200": TotpEnrolment;
      /** code "reauthentication_required": the session proved who the user is more than AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "already_enabled": TOTP is on; disable it first. */
      "409": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "already_enabled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Finish a login with a second factor */
  auth_mfa_verify: {
    method: "POST";
    path: "/api/auth/mfa/verify/";
    body: MfaVerify;
    responses: {
      /** Logged in, as at a login. */
      "200": LoginResponse;
      /** code "invalid_code": a wrong, replayed or used code, or an assertion that does not hold; the pending login goes on until it expires or is throttled. Or field errors. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** The error's code (parse_error, no_refresh_token, invalid_link, invalid_code, invalid_credential, disallowed_host), or the messages of the code field. */
        code?: unknown;
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | unknown | FieldError[] | undefined;
      };
      /** code "mfa_token_invalid": no pending login (the mfa_token is missing, expired, used, presented by another browser, or given up after too many wrong codes): log in again. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Options for finishing a pending login with a passkey */
  auth_mfa_webauthn_options: {
    method: "POST";
    path: "/api/auth/mfa/webauthn/options/";
    responses: {
      /** Request options for the account's passkeys. */
      "200": WebAuthnOptions;
      /** code "mfa_token_invalid": no pending login (the mfa_token is missing, expired, used, presented by another browser, or given up after too many wrong codes): log in again. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Register a passkey */
  auth_passkeys_create: {
    method: "POST";
    path: "/api/auth/passkeys/";
    body: PasskeyCreate;
    responses: {
      /** Registered; with recovery_codes (shown only here) when it is the account's first factor. */
      "201": PasskeyCreated;
      /** code "invalid_credential": the credential does not verify; or field errors. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "reauthentication_required": the session proved who the user is more than AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Delete a passkey */
  auth_passkeys_delete: {
    method: "DELETE";
    path: "/api/auth/passkeys/{passkey_id}/";
    pathParameters: { passkey_id: number };
    responses: {
      /** Deleted. */
      "204": null;
      /** code "reauthentication_required": the session proved who the user is more than AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "not_found": no such passkey of this user. */
      "404": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_found";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** The user's passkeys, oldest first */
  auth_passkeys_list: {
    method: "GET";
    path: "/api/auth/passkeys/";
    responses: {
      /** The user's passkeys. */
      "200": Passkey[];
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Log in with a passkey alone */
  auth_passkeys_login: {
    method: "POST";
    path: "/api/auth/passkeys/login/";
    body: PasskeyLogin;
    responses: {
      /** Logged in, with amr ["webauthn"]. */
      "200": LoginResponse;
      /** Field errors, or a body that is not a JSON object (code "parse_error"). */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "invalid_credential": the passkey could not be verified. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Options for a passwordless login with a passkey */
  auth_passkeys_login_options: {
    method: "POST";
    path: "/api/auth/passkeys/login/options/";
    responses: {
      /** Request options. */
      "200": WebAuthnOptions;
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Options for registering a passkey */
  auth_passkeys_register_options: {
    method: "POST";
    path: "/api/auth/passkeys/register/options/";
    responses: {
      /** Creation options. */
      "200": WebAuthnOptions;
      /** code "reauthentication_required": the session proved who the user is more than AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Rename a passkey */
  auth_passkeys_rename: {
    method: "PATCH";
    path: "/api/auth/passkeys/{passkey_id}/";
    pathParameters: { passkey_id: number };
    body: PasskeyRename;
    responses: {
      /** Renamed. */
      "200": Passkey;
      /** Field errors, or a body that is not a JSON object (code "parse_error"). */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "disallowed_host" | FieldError[] | undefined;
      };
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "not_found": no such passkey of this user. */
      "404": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_found";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Change the password; every other session is revoked */
  auth_password_change: {
    method: "POST";
    path: "/api/auth/password/change/";
    body: PasswordChange;
    responses: {
      /** "password changed"; this session goes on. */
      "200": Detail;
      /** Wrong old password, or a weak new one. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "disallowed_host" | FieldError[] | undefined;
      };
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. Or code "mfa_enrolment_required": under AUTH_MFA_REQUIRED_FOR_EVERYONE, a session that has not proved a second factor may only enrol one. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed" | "mfa_enrolment_required";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Email a password reset link */
  auth_password_reset: {
    method: "POST";
    path: "/api/auth/password/reset/";
    body: EmailRequest;
    responses: {
      /** Accepted; the same answer whether or not an email is sent. */
      "202": Detail;
      /** Field errors, or a body that is not a JSON object (code "parse_error"). */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Set a new password from an emailed reset link */
  auth_password_reset_confirm: {
    method: "POST";
    path: "/api/auth/password/reset/confirm/";
    body: PasswordResetConfirm;
    responses: {
      /** "password reset"; every session revoked. */
      "200": Detail;
      /** code "invalid_link": the uid or token is wrong or tampered with, the link has expired (AUTH_PASSWORD_RESET_TIMEOUT_SECONDS) or was already used; or field errors: a weak new_password. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "invalid_link" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "invalid_link" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Prove who you are again, for a sensitive action */
  auth_reauthenticate: {
    method: "POST";
    path: "/api/auth/reauthenticate/";
    body: Reauthenticate;
    responses: {
      /** The session's tokens, reissued with a fresh auth_time. */
      "200": Reauthenticated;
      /** code "invalid_code": a wrong code or assertion; or field errors. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** The error's code (parse_error, no_refresh_token, invalid_link, invalid_code, invalid_credential, disallowed_host), or the messages of the code field. */
        code?: unknown;
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | unknown | FieldError[] | undefined;
      };
      /** code "no_active_account": a wrong password; or no valid access token. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "invalid_credential" | "not_authenticated" | "token_not_valid" | "token_rotated" | "no_active_account" | "email_not_verified" | "ambiguous_credentials" | "reauthentication_required" | "mfa_required" | "mfa_token_invalid";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Options for re-authenticating with a passkey */
  auth_reauthenticate_options: {
    method: "POST";
    path: "/api/auth/reauthenticate/options/";
    responses: {
      /** Request options for the user's passkeys. */
      "200": WebAuthnOptions;
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Rotate the refresh token and get a new access token */
  auth_refresh: {
    method: "POST";
    path: "/api/auth/refresh/";
    body: RefreshRequest;
    responses: {
      /** Rotated. */
      "200": TokenExpiry;
      /** "no refresh token" (code "no_refresh_token"), or `refresh` is not a string; the auth cookies are cleared. */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "no_refresh_token" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "no_refresh_token" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "token_not_valid": invalid, expired, blacklisted, revoked or wrong-type token; the auth cookies are cleared. code "token_rotated": the token was rotated within the grace (another tab refreshed first): the newest token is already in the cookies, so retry the request; nothing is cleared. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "token_not_valid" | "token_rotated" | "ambiguous_credentials";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Whether a session exists, without an error for anonymous callers */
  auth_session_probe: {
    method: "GET";
    path: "/api/auth/session/";
    responses: {
      /** The caller's state. */
      "200": SessionProbe;
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Revoke one session */
  auth_sessions_delete: {
    method: "DELETE";
    path: "/api/auth/sessions/{session_id}/";
    pathParameters: { session_id: string };
    responses: {
      /** Revoked; the auth cookies are cleared when it was the current session. */
      "204": null;
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "csrf_failed";
      };
      /** code "not_found": no such active session of this user. */
      "404": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_found";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** The user's active sessions, most recently used first, a page at a time */
  auth_sessions_list: {
    method: "GET";
    path: "/api/auth/sessions/";
    responses: {
      /** A page of active sessions, at most 50. */
      "200": Session[];
      /** `cursor` is not one this list gave (code "invalid"). */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "no_refresh_token" | "invalid_link" | "invalid_code" | "invalid_credential" | "disallowed_host" | FieldError[] | undefined;
      };
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). Refresh, then retry. */
      "401": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "not_authenticated" | "token_not_valid" | "ambiguous_credentials";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Create an account */
  auth_signup: {
    method: "POST";
    path: "/api/auth/signup/";
    body: Signup;
    responses: {
      /** Created; log in next. */
      "201": User;
      /** Field errors, or a body that is not a JSON object (code "parse_error"). */
      "400": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code?: "parse_error" | "disallowed_host";
        /** One entry per message of the field errors. */
        errors?: FieldError[];
        [key: string]: string[] | string | "parse_error" | "disallowed_host" | FieldError[] | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "request_too_large";
      };
      /** code "unsupported_media_type": the body is not application/json. */
      "415": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "unsupported_media_type";
      };
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "throttled";
      };
      /** code "service_unavailable": the database does not answer. */
      "503": {
        /** A sentence, in the language of Accept-Language. */
        detail: string;
        /** What to branch on: the same in every language. */
        code: "service_unavailable";
      };
    };
  };
  /** Health check: the service and its database answer */
  healthz: {
    method: "GET";
    path: "/healthz/";
    responses: {
      /** Healthy. */
      "200": Health;
      /** The database does not answer. */
      "503": Health;
    };
  };
}
