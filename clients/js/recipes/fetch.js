// fetch() in a browser, without the client package: the whole protocol in one small module.
// The API is on another origin (http://localhost:8000 from a page on http://localhost:5173,
// or api.example.com from app.example.com).

export function createApi(baseUrl) {
  const root = `${baseUrl.replace(/\/+$/, "")}/api/auth/`;
  let csrf = null; // the token GET csrf/ gave: a page on another host cannot read the API's cookie
  let refreshing = null;

  async function csrfToken() {
    if (!csrf) {
      const response = await fetch(`${root}csrf/`, { credentials: "include" });
      csrf = (await response.json()).csrfToken;
    }
    return csrf;
  }

  async function send(method, path, body) {
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = await csrfToken();
    const init = { method, headers, credentials: "include" };
    if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(root + path, init);
  }

  // One refresh for every caller; token_rotated means another tab won: its cookies are ours.
  function refresh() {
    refreshing ??= send("POST", "refresh/")
      .then(async (r) => r.ok || (r.status === 401 && (await r.json()).code === "token_rotated"))
      .finally(() => (refreshing = null));
    return refreshing;
  }

  async function parse(response) {
    const data = response.status === 204 ? null : await response.json();
    if (!response.ok) throw Object.assign(new Error(data.detail), { status: response.status, body: data });
    return data;
  }

  async function call(method, path, body) {
    let response = await send(method, path, body);
    // ANY 401: an expired access cookie is dropped by the browser (not_authenticated).
    if (response.status === 401 && (await refresh())) response = await send(method, path, body);
    return parse(response);
  }

  return {
    async login(username, password) {
      const data = await parse(await send("POST", "login/", { username, password }));
      csrf = null; // login rotated it: fetch it again
      return data;
    },
    me: () => call("GET", "me/"),
    call,
    // Logged out whatever the answer (a second logout is a 204 too).
    logout: () => send("POST", "logout/").catch(() => null).finally(() => (csrf = null)),
  };
}
