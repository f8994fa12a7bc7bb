/**
 * Build of the web UI: `npm run build:web` (= `vite build web`) writes dist/web/index.html and
 * dist/web/assets/*, which src/api/static-ui.ts serves. Everything is bundled: no CDN at run time.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // One small app: no need to split chunks; the assets are served from memory by the API.
    chunkSizeWarningLimit: 400,
  },
});
