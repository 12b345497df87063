// axios in a browser, the API on another origin. axios's own XSRF options read
// document.cookie, which a page on another host cannot (api.example.com's cookie is not
// app.example.com's), so an interceptor sends the token from GET csrf/ instead.

import axios from "axios";

export function createApi(baseURL) {
  const api = axios.create({ baseURL: `${baseURL.replace(/\/+$/, "")}/api/auth/`, withCredentials: true });
  let csrf = null;
  let refreshing = null;

  api.interceptors.request.use(async (config) => {
    if (config.method !== "get") {
      // Outside the instance, so that no interceptor (nor a paused refresh) stands in the way.
      csrf ??= (await axios.get(`${api.defaults.baseURL}csrf/`, { withCredentials: true })).data.csrfToken;
      config.headers["X-CSRFToken"] = csrf;
    }
    return config;
  });

  // Any 401 (but the login's own) refreshes once for every caller, then retries once.
  api.interceptors.response.use(undefined, async (error) => {
    const { config, response } = error;
    if (response?.status !== 401 || config.retried || /^(login|refresh|logout)\//.test(config.url)) {
      throw error;
    }
    refreshing ??= api
      .post("refresh/")
      .then(() => true, (e) => e.response?.data?.code === "token_rotated") // another tab won: fine
      .finally(() => (refreshing = null));
    if (!(await refreshing)) throw error;
    return api({ ...config, retried: true });
  });

  return {
    api,
    async login(username, password) {
      const { data } = await api.post("login/", { username, password });
      csrf = null; // login rotated it
      return data;
    },
    logout: () => api.post("logout/").catch(() => null).finally(() => (csrf = null)),
  };
}
