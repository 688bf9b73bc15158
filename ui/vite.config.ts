import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The desktop shell (src-tauri) embeds `dist/` at compile time and serves it over its own
// protocol; `npm run dev` is only for working on the UI against a Tauri dev build.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    // WebKitGTK 2.40+ on Linux, WebView2 on Windows, WKWebView on macOS 12+.
    target: ['es2022', 'safari15'],
    outDir: 'dist',
    emptyOutDir: true,
    // Everything is served from the app bundle: no inline data: scripts under the CSP.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
