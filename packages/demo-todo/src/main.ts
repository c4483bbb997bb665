/**
 * The demo's entry point: registers the service worker (vite-plugin-pwa / Workbox, which precaches the
 * app shell and Hearth's worker script for offline use), reports any error the page did not catch, and
 * starts the app.
 */
import { registerSW } from 'virtual:pwa-register';
import { showError } from './alerts.js';
import { TodoApp } from './app.js';
import { setOfflineReady } from './status.js';
import './style.css';

addEventListener('error', (event) => showError('Unexpected error', event.error ?? event.message));
addEventListener('unhandledrejection', (event) => showError('Unexpected error', event.reason));

setOfflineReady(false);
if ('serviceWorker' in navigator) {
  registerSW({
    immediate: true,
    onOfflineReady: () => setOfflineReady(true),
    onRegisteredSW: (_url, registration) => {
      if (registration?.active) setOfflineReady(true);
    },
    onRegisterError: (error: unknown) => showError('Offline mode is unavailable: the service worker did not register', error),
  });
}

void new TodoApp().start();
