import { DEFAULT_API_PORT as CONTRACT_PORT } from '@das/contracts';
import { describe, expect, it } from 'vitest';
import { apiBaseUrl, DEFAULT_API_PORT } from './env.js';

describe('apiBaseUrl', () => {
  it('uses the page origin in production, where the API serves the console', () => {
    expect(apiBaseUrl({ DEV: false }, 'http://127.0.0.1:7400')).toBe('http://127.0.0.1:7400');
  });
  it('uses the API default port under vite dev', () => {
    expect(apiBaseUrl({ DEV: true }, 'http://127.0.0.1:5173')).toBe('http://127.0.0.1:7400');
  });
  it('prefers VITE_DAS_API_URL, without a trailing slash', () => {
    expect(apiBaseUrl({ DEV: true, VITE_DAS_API_URL: 'http://api.local:9000/' }, 'x')).toBe('http://api.local:9000');
  });
  it('keeps the default port in step with @das/contracts', () => {
    expect(DEFAULT_API_PORT).toBe(CONTRACT_PORT);
  });
});
