// The API's bodies and operations, generated from its /swagger.json by
// scripts/generate-schema-types.mjs: do not edit by hand, regenerate.

export interface Csrf {
  csrfToken: string;
}

export interface Detail {
  detail: string;
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
  detail: string;
  code: string;
}

export interface Health {
  status: "ok" | "error";
  database: "ok" | "unavailable";
  detail?: string;
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

export interface User {
  id: number;
  /** Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only. */
  username: string;
  email: string;
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
        detail?: string;
        code?: string;
        [key: string]: string[] | string | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": Error;
      /** code "unsupported_media_type": the body is not application/json. */
      "415": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
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
      /** A malformed email address, or a value that is not a string. */
      "400": {
        detail?: string;
        code?: string;
        [key: string]: string[] | string | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": Error;
      /** code "unsupported_media_type": the body is not application/json. */
      "415": Error;
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
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
      /** A field is missing or not a string. */
      "400": {
        detail?: string;
        code?: string;
        [key: string]: string[] | string | undefined;
      };
      /** code "no_active_account": wrong password, unknown or inactive user, all alike; code "email_not_verified" when verification is mandatory. */
      "401": Error;
      /** code "request_too_large": the body is over 64 KiB. */
      "413": Error;
      /** code "unsupported_media_type": the body is not application/json. */
      "415": Error;
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
    };
  };
  /** Log out: revoke this session and clear the auth cookies */
  auth_logout: {
    method: "POST";
    path: "/api/auth/logout/";
    body: RefreshRequest;
    responses: {
      /** Logged out. */
      "204": null;
      /** "no refresh token" (code "no_refresh_token"), or `refresh` is not a string; the auth cookies are cleared. */
      "400": {
        detail?: string;
        code?: string;
        [key: string]: string[] | string | undefined;
      };
      /** code "token_not_valid"; the auth cookies are cleared. */
      "401": Error;
      /** CSRF Failed: the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": Error;
      /** code "request_too_large": the body is over 64 KiB. */
      "413": Error;
      /** code "unsupported_media_type": the body is not application/json. */
      "415": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
    };
  };
  /** Revoke every session of the user */
  auth_logout_all: {
    method: "POST";
    path: "/api/auth/logout-all/";
    responses: {
      /** All sessions revoked. */
      "204": null;
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). */
      "401": Error;
      /** CSRF Failed: the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
    };
  };
  /** The logged-in user */
  auth_me: {
    method: "GET";
    path: "/api/auth/me/";
    responses: {
      /** The user of the access token. */
      "200": Me;
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). */
      "401": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
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
        detail?: string;
        code?: string;
        [key: string]: string[] | string | undefined;
      };
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). */
      "401": Error;
      /** CSRF Failed: the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": Error;
      /** code "request_too_large": the body is over 64 KiB. */
      "413": Error;
      /** code "unsupported_media_type": the body is not application/json. */
      "415": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
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
      /** A malformed email address, or a value that is not a string. */
      "400": {
        detail?: string;
        code?: string;
        [key: string]: string[] | string | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": Error;
      /** code "unsupported_media_type": the body is not application/json. */
      "415": Error;
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
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
      /** code "invalid_link": the uid or token is wrong or tampered with, the link has expired (AUTH_PASSWORD_RESET_TIMEOUT_SECONDS) or was already used; or field errors: a weak new_password, a missing field. */
      "400": {
        detail?: string;
        code?: string;
        [key: string]: string[] | string | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": Error;
      /** code "unsupported_media_type": the body is not application/json. */
      "415": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
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
        detail?: string;
        code?: string;
        [key: string]: string[] | string | undefined;
      };
      /** code "token_not_valid": invalid, expired, blacklisted, revoked or wrong-type token. The auth cookies are cleared, except for a token reused within the grace. */
      "401": Error;
      /** CSRF Failed: the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": Error;
      /** code "request_too_large": the body is over 64 KiB. */
      "413": Error;
      /** code "unsupported_media_type": the body is not application/json. */
      "415": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
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
      "503": Error;
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
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). */
      "401": Error;
      /** CSRF Failed: the credential came from a cookie and X-CSRFToken did not match the csrftoken cookie, or the Origin is not trusted. */
      "403": Error;
      /** code "not_found": no such active session of this user. */
      "404": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
    };
  };
  /** The user's active sessions, most recently used first */
  auth_sessions_list: {
    method: "GET";
    path: "/api/auth/sessions/";
    responses: {
      /** Active sessions. */
      "200": Session[];
      /** No valid access token: code "not_authenticated" (none given) or "token_not_valid" (malformed, forged, expired, or its session revoked). */
      "401": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
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
      /** Username or email taken (case-insensitively), weak password, bad email, a value that is not a string, or a body that is not a JSON object. */
      "400": {
        detail?: string;
        code?: string;
        [key: string]: string[] | string | undefined;
      };
      /** code "request_too_large": the body is over 64 KiB. */
      "413": Error;
      /** code "unsupported_media_type": the body is not application/json. */
      "415": Error;
      /** code "throttled": too many attempts; Retry-After gives the seconds to wait. */
      "429": Error;
      /** code "service_unavailable": the database does not answer. */
      "503": Error;
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
