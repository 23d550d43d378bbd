import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { apiBaseUrl } from './env.js';
import { ConsoleApp } from './lib/state/console-app.svelte.js';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html lacks #app');

mount(App, { target, props: { app: new ConsoleApp(apiBaseUrl()) } });
