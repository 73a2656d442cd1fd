/* Outreach demo page: read /config.json, load the widget inside #demo-chat, wire the scenario, reset and print
 * buttons, and show the Telegram QR code when a Telegram link is configured.
 * <body data-widget> is "loading", then "ready" (window.GSDOAWidget usable) or "error". */
(() => {
  'use strict';
  const DEFAULTS = { server: 'http://127.0.0.1:5005', telegram_url: null, lang: 'en' };
  const $ = (selector) => document.querySelector(selector);
  const $$ = (selector) => Array.from(document.querySelectorAll(selector));

  const loadConfig = async () => {
    try {
      const res = await fetch('/config.json', { cache: 'no-store', credentials: 'omit' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return Object.assign({}, DEFAULTS, await res.json());
    } catch (e) {
      console.warn('demo: /config.json not available, using defaults', e); // eslint-disable-line no-console
      return DEFAULTS;
    }
  };

  // Only an https:// link is shown; its QR code comes from the local server (/qr.svg).
  const showTelegram = (value) => {
    let url = null;
    try { url = value ? new URL(value) : null; } catch (e) { /* not a URL */ }
    if (!url || url.protocol !== 'https:') return;
    const text = url.host + url.pathname.replace(/\/$/, '');
    const link = $('.demo-telegram-link');
    link.href = url.href;
    link.textContent = text;
    $('.demo-telegram-text').textContent = text;
    $('#demo-qr').src = '/qr.svg';
    $('#handout-qr').src = '/qr.svg';
    $('#demo-phone').hidden = false;
    $('#handout-phone').hidden = false;
  };

  const loadWidget = (config) => {
    const script = document.createElement('script');
    script.src = '/widget/widget.js';
    script.dataset.server = config.server;
    script.dataset.lang = config.lang === 'fr' ? 'fr' : 'en';
    script.dataset.open = 'true';
    script.dataset.fullscreen = 'true';
    script.dataset.container = 'demo-chat'; // render inside the chat column instead of a floating panel
    script.onload = () => {
      $('#demo-status').remove();
      $$('[data-scenario], #demo-reset').forEach((button) => { button.disabled = false; });
      document.body.dataset.widget = 'ready';
    };
    script.onerror = () => {
      $('#demo-status').textContent = 'The chat could not be loaded. 🚨 Overdose? Call 911.';
      document.body.dataset.widget = 'error';
    };
    document.body.append(script);
  };

  $$('[data-scenario]').forEach((button) => {
    button.addEventListener('click', () => window.GSDOAWidget.send(button.dataset.message));
  });
  $('#demo-reset').addEventListener('click', () => window.GSDOAWidget.reset());
  $('#demo-print').addEventListener('click', () => window.print());

  loadConfig().then((config) => {
    showTelegram(config.telegram_url);
    loadWidget(config);
  });
})();
