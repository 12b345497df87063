// axios with axios-auth-refresh (v5). Its default `deduplicateRefresh: true` rejects every
// 401 that arrives while the first one's refresh runs: of five parallel calls after expiry,
// four fail. With it off, every 401 waits for the one shared refresh and is retried.

import axios from "axios";
import createAuthRefresh from "axios-auth-refresh";

export function createApi(baseURL) {
  const api = axios.create({ baseURL: `${baseURL.replace(/\/+$/, "")}/api/auth/`, withCredentials: true });
  let csrf = null;
  api.interceptors.request.use(async (config) => {
    if (config.method !== "get") {
      // Outside the instance, so that no interceptor (nor a paused refresh) stands in the way.
      csrf ??= (await axios.get(`${api.defaults.baseURL}csrf/`, { withCredentials: true })).data.csrfToken;
      config.headers["X-CSRFToken"] = csrf;
    }
    return config;
  });

  createAuthRefresh(
    api,
    (failed) =>
      api
        .post("refresh/", undefined, { skipAuthRefresh: true })
        // token_rotated: another tab refreshed first; its cookies are already ours. Any other
        // refusal: the session is over, and the caller gets its own 401.
        .catch((e) => {
          if (e.response?.data?.code !== "token_rotated") throw failed;
        }),
    {
      deduplicateRefresh: false, // every parallel 401 shares the refresh instead of failing
      maxRetries: 1,
      // Any 401 but the login's, refresh's and logout's own.
      shouldRefresh: (e) => e.response?.status === 401 && !/^(login|refresh|logout)\//.test(e.config.url),
    },
  );

  return {
    api,
    async login(username, password) {
      const { data } = await api.post("login/", { username, password });
      csrf = null; // login rotated it
      return data;
    },
    logout: () => api.post("logout/", undefined, { skipAuthRefresh: true }).catch(() => null),
  };
}
