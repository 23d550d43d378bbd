// The one place the console reads its build-time environment.

/**
 * The API's default port (`DEFAULT_API_PORT` of @das/contracts, checked by env.test.ts). Kept as a
 * literal so the bundle does not pull the contracts' schema runtime in for one number.
 */
export const DEFAULT_API_PORT = 7400;

/**
 * Base URL of the control API. Production builds are served by the API itself, so its own origin;
 * under `vite dev` the API runs beside it on its default port unless `VITE_DAS_API_URL` says otherwise.
 */
export function apiBaseUrl(env: { VITE_DAS_API_URL?: string; DEV?: boolean } = import.meta.env, origin = window.location.origin): string {
  const configured = env.VITE_DAS_API_URL;
  if (configured !== undefined && configured !== '') return configured.replace(/\/$/, '');
  if (env.DEV === true) return `http://127.0.0.1:${DEFAULT_API_PORT}`;
  return origin;
}
