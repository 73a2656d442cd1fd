/* Outreach demo page: read /config.json, load the widget inside #demo-chat, wire the scenario, reset and print
 * buttons, and show the Telegram QR code when a Telegram link is configured.
 * <body data-widget> is "loading", then "ready" (the chat frame has started) or "error".
 * Language: config.json's `lang`, else <html lang>; then whatever the visitor picks with the chat's FR/EN button
 * (the `gsdoa:language` event; nothing is remembered: the next visitor gets the page's language). Every text
 * of the page is switched here ([data-i18n…] attributes), <html lang> too; the printed handout is the
 * <article lang> that matches <html lang> (demo.css). */
(() => {
  'use strict';
  const DEFAULTS = { telegram_url: null, lang: null };
  const $ = (selector) => document.querySelector(selector);
  const $$ = (selector) => Array.from(document.querySelectorAll(selector));
  const NB = '\u00a0'; // French typography: non-breaking space before « : » and the like

  const STRINGS = {
    en: {
      title: 'Overdose help chat — outreach demo',
      chat: 'Chat',
      loading: 'Loading the chat…',
      loadError: 'The chat could not be loaded. 🚨 Overdose? Call 911.',
      heading: 'Overdose help & the Good Samaritan Act',
      sos: '🚨 Overdose?',
      call911: 'Call 911',
      try: 'Try a question',
      reset: 'Reset conversation',
      print: 'Print handout',
      phone: 'Continue on your phone',
      qrAlt: 'QR code: open the bot on Telegram',
      note: 'General information, not legal advice.',
      // [button label, message sent to the bot]
      scenarios: {
        overdose: ['Someone is overdosing right now', "my friend is overdosing and won't wake up"],
        probation: ["Am I protected if I'm on probation?", 'am I protected if I call 911 while on probation?'],
        naloxone: ['Where do I get naloxone?', 'where can I get naloxone?'],
        'not-covered': ["What isn't covered?", "what doesn't the good samaritan act cover?"],
        search: ['Can police search me?', 'can police search me at an overdose call?'],
        trafficking: ['Trafficking?', 'does the act protect me from trafficking charges?']
      }
    },
    fr: {
      title: "Clavardage d'aide en cas de surdose — démonstration pour l'intervention de proximité",
      chat: 'Clavardage',
      loading: 'Chargement du clavardage…',
      loadError: "Le clavardage n'a pas pu être chargé. 🚨 Surdose? Appelez le 911.",
      heading: 'Aide en cas de surdose et Loi sur les bons samaritains',
      sos: '🚨 Surdose?',
      call911: 'Appelez le 911',
      try: 'Essayez une question',
      reset: 'Recommencer la conversation',
      print: "Imprimer l'aide-mémoire",
      phone: 'Continuez sur votre téléphone',
      qrAlt: 'Code QR' + NB + ": ouvrir l'assistant dans Telegram",
      note: 'Information générale, pas un conseil juridique.',
      scenarios: {
        overdose: ["Quelqu'un fait une surdose en ce moment", 'mon ami fait une surdose pis y se réveille pas'],
        probation: ['Suis-je protégé si je suis en probation?',
          "suis-je protégé si j'appelle le 911 pendant ma probation?"],
        naloxone: ['Où trouver de la naloxone?', 'où trouver de la naloxone?'],
        'not-covered': ["Qu'est-ce qui n'est pas couvert?", "qu'est-ce que la loi ne couvre pas?"],
        search: ['La police peut-elle me fouiller?',
          "la police peut-elle me fouiller lors d'un appel pour une surdose?"],
        trafficking: ['Et le trafic?', 'la loi me protège-t-elle contre une accusation de trafic?']
      }
    }
  };
  const pick = (value) => (/^fr/i.test(value || '') ? 'fr' : /^en/i.test(value || '') ? 'en' : null);
  let lang = pick(document.documentElement.lang) || 'en';

  // Every text of the page in `value`'s language (unknown values keep the current one).
  const setLanguage = (value) => {
    lang = pick(value) || lang;
    const T = STRINGS[lang];
    document.documentElement.lang = lang;
    document.title = T.title;
    $$('[data-i18n]').forEach((node) => { node.textContent = T[node.dataset.i18n]; });
    $$('[data-i18n-alt]').forEach((node) => node.setAttribute('alt', T[node.dataset.i18nAlt]));
    $$('[data-i18n-aria-label]').forEach((node) => node.setAttribute('aria-label', T[node.dataset.i18nAriaLabel]));
    $$('[data-scenario]').forEach((button) => {
      const [label, message] = T.scenarios[button.dataset.scenario];
      button.textContent = label;
      button.dataset.message = message;
    });
  };

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
    $$('.demo-telegram-text').forEach((node) => { node.textContent = text; });
    $('#demo-qr').src = '/qr.svg';
    $$('.handout-qr').forEach((img) => { img.src = '/qr.svg'; });
    $('#demo-phone').hidden = false;
    $$('.handout-phone').forEach((block) => { block.hidden = false; });
  };

  // The chat runs in a frame of this same origin (widget/frame.html); window.GSDOAChat is its small API for this
  // page only (another origin can't reach it).
  const chat = () => {
    const frame = document.getElementById('gsdoa-frame');
    try { return frame && frame.contentWindow && frame.contentWindow.GSDOAChat; } catch (e) { return null; }
  };

  const loadWidget = (config) => {
    const script = document.createElement('script');
    script.src = '/widget/widget.js';
    script.dataset.lang = lang;
    script.dataset.open = 'true';
    script.dataset.fullscreen = 'true';
    script.dataset.container = 'demo-chat'; // render inside the chat column instead of a floating panel
    script.onerror = () => {
      $('#demo-status').dataset.i18n = 'loadError';
      setLanguage(lang);
      document.body.dataset.widget = 'error';
    };
    document.body.append(script);
  };

  // The chat says its language when it starts and whenever its FR/EN button is pressed; the page follows.
  document.addEventListener('gsdoa:language', (e) => {
    setLanguage(e.detail && e.detail.lang);
    if (document.body.dataset.widget !== 'ready' && chat()) {
      const status = $('#demo-status');
      if (status) status.remove();
      $$('[data-scenario], #demo-reset').forEach((button) => { button.disabled = false; });
      document.body.dataset.widget = 'ready';
    }
  });

  $$('[data-scenario]').forEach((button) => {
    button.addEventListener('click', () => { if (chat()) chat().send(button.dataset.message); });
  });
  $('#demo-reset').addEventListener('click', () => { if (chat()) chat().reset(); });
  $('#demo-print').addEventListener('click', () => window.print());

  loadConfig().then((config) => {
    setLanguage(pick(config.lang) || lang);
    showTelegram(config.telegram_url);
    loadWidget(config);
  });
})();
