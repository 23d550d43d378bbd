import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Workspace packages (`@das/core/filter`, `@das/contracts`) are bundled from their TS sources.
const conditions = ['@das/source', 'browser', 'module', 'import', 'default'];

export default defineConfig({
  plugins: [svelte()],
  resolve: { conditions },
  // The console calls the API and the worker by URL (CORS); the dev server proxies nothing.
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
});
