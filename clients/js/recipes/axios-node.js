// axios in Node (a server-side script, a test) with the browser's cookies. Node has no
// cookie jar and axios's XSRF options do nothing there, so this keeps the cookies itself
// and sends X-CSRFToken explicitly. Behind HTTPS, Django also checks the Referer of every
// unsafe request: send the API's own public origin. (Prefer app mode in Node: no cookies,
// no CSRF; see app-node.js.)

import axios from "axios";

export function createApi(baseURL, { publicOrigin = new URL(baseURL).origin } = {}) {
  const jar = new Map();
  const api = axios.create({ baseURL: `${baseURL.replace(/\/+$/, "")}/api/auth/` });

  api.interceptors.request.use((config) => {
    config.headers.Cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    if (config.method !== "get") {
      config.headers["X-CSRFToken"] = jar.get("csrftoken"); // read fresh: login rotates it
      if (publicOrigin) config.headers.Referer = `${publicOrigin}/`;
    }
    return config;
  });

  const keepCookies = (response) => {
    for (const line of response.headers["set-cookie"] || []) {
      const [pair, ...attributes] = line.split(";");
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const value = pair.slice(pair.indexOf("=") + 1).trim();
      const cleared = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "" || value === '""';
      if (cleared) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  api.interceptors.response.use(keepCookies, (error) => {
    if (error.response) keepCookies(error.response);
    throw error;
  });

  // Any 401 refreshes once, then retries once (one process: no other tab to race).
  api.interceptors.response.use(undefined, async (error) => {
    const { config, response } = error;
    if (response?.status !== 401 || config.retried || /^(login|refresh|logout)\//.test(config.url)) {
      throw error;
    }
    await api.post("refresh/").catch(() => {
      throw error; // the session is over: the caller gets its own 401
    });
    return api({ ...config, retried: true });
  });

  return {
    api,
    jar,
    // The login sets the csrftoken cookie (and rotates it): the next unsafe call reads it.
    login: async (username, password) => (await api.post("login/", { username, password })).data,
    logout: () => api.post("logout/"),
  };
}
