// The demo is a static site: `vite build` writes it to dist/, `vite preview` serves that build.
//
// vite-plugin-pwa generates a Workbox service worker that precaches every file of the build — the app
// shell and the Hearth worker script that @hearth/client loads with `new Worker(new URL(…))` — so that
// after the first visit the app starts with the network off. No COOP/COEP headers are needed or sent.
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  // Relative URLs: the build works from any directory of any static server.
  base: './',
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  plugins: [
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: 'Hearth todos',
        short_name: 'Todos',
        description: 'An offline-first to-do list whose data is a SQLite database in your browser.',
        theme_color: '#b4451f',
        background_color: '#fffaf5',
        display: 'standalone',
        start_url: '.',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
        // The Hearth worker script bundles the whole engine.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});
