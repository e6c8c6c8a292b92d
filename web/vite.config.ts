// The agent inbox: built to web/dist (static files served by CloudFront, and
// by the local stack from the synthesized template). `npm run build:web`.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { allRoutes } from '../shared/http/routes/index.ts';
import { reportInitialJavaScript } from './build-report.ts';
import { apiDocs } from './api-docs.ts';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), reportInitialJavaScript(), apiDocs()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // TICKETER_WEB_DEBUG=1: readable output for chasing an error in the browser.
    minify: process.env.TICKETER_WEB_DEBUG !== '1',
    // Hashed file names: the distribution caches /assets/* for a year, index.html never.
    assetsDir: 'assets',
  },
  server: {
    // `npm run dev:web`: the API of a running local stack on the same origin, for the API's paths (the route table's).
    proxy: Object.fromEntries(
      [...new Set(allRoutes().map((route) => route.path.split("/")[1]))].map((segment) => [
        `^/${segment}(/|$)`,
        { target: process.env.TICKETER_API_URL ?? 'http://127.0.0.1:8000', changeOrigin: false },
      ]),
    ),
  },
});
