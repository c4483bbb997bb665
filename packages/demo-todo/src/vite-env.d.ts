// Types of Vite's client environment and of vite-plugin-pwa's `virtual:pwa-register` module.
/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/vanillajs" />
