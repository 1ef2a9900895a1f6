// First: zod must be jitless before the contract's schemas exist (CSP, see the file).
import './zod-jitless.ts';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router.ts';
import './style.css';

createApp(App).use(createPinia()).use(createAppRouter()).mount('#app');
