/* GSDOA overdose-help chat widget for the Rasa REST channel. Vanilla ES2017, no dependencies.
 * No cookies or localStorage (sessionStorage only); all bot and user text is rendered as text, never HTML. */
(() => {
  'use strict';
  if (window.GSDOAWidget) return; // the tag was included twice

  const STRINGS = {
    en: {
      launcher: 'Overdose help chat', title: 'Overdose help · Good Samaritan Act',
      del: 'Delete conversation', deleted: 'Conversation deleted.', close: 'Close chat',
      sos: ['🚨 Overdose? ', 'Call 911'], exit: 'Quick exit',
      exitHint: 'Leaves this page right away. You can also press Escape twice.',
      log: 'Conversation', bot: 'Assistant:', you: 'You:', replies: 'Suggested replies',
      label: 'Your message', placeholder: 'Type your question…', send: 'Send', typing: 'Typing…',
      other: 'FR', otherName: 'Français', otherHint: 'Passer au français',
      offline: "I can't reach the server right now. 🚨 If someone is overdosing, call 911. " +
        "Overdose line (NORS): 1-888-688-6677. I'll keep trying."
    },
    fr: {
      launcher: 'Aide surdose', title: 'Aide surdose · Loi sur les bons samaritains',
      del: 'Supprimer la conversation', deleted: 'Conversation supprimée.', close: 'Fermer le clavardage',
      sos: ['🚨 Surdose? ', 'Appelez le 911'], exit: 'Sortie rapide',
      exitHint: 'Quitte cette page immédiatement. Vous pouvez aussi appuyer deux fois sur Échap.',
      log: 'Conversation', bot: 'Assistant :', you: 'Vous :', replies: 'Réponses suggérées',
      label: 'Votre message', placeholder: 'Écrivez votre question…', send: 'Envoyer', typing: "L'assistant écrit…",
      other: 'EN', otherName: 'English', otherHint: 'Switch to English',
      offline: "Je n'arrive pas à joindre le serveur. 🚨 Si quelqu'un fait une surdose, appelez le 911. " +
        'Ligne de surdose (NORS) : 1-888-688-6677. Je réessaie.'
    }
  };
  const K_SENDER = 'gsdoa.sender', K_LOG = 'gsdoa.log', K_OPEN = 'gsdoa.open', K_LANG = 'gsdoa.lang';
  const K_GUESSED = 'gsdoa.guessed'; // the conversation that already got the page's language as a first guess

  /* ---- configuration: data- attributes of our own <script> tag ---- */
  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const src = script ? script.src : location.href;
  const attr = (name) => (script ? script.getAttribute('data-' + name) : null);
  const httpUrl = (value, base) => { // URL object if value is an http(s) URL, else null
    try {
      const u = new URL(value, base);
      return /^https?:$/.test(u.protocol) ? u : null;
    } catch (e) { return null; }
  };
  const serverUrl = attr('server') && httpUrl(attr('server'), src);
  const server = serverUrl ? serverUrl.href.replace(/\/+$/, '') : new URL(src).origin;
  const exitUrl = (attr('exit-url') && httpUrl(attr('exit-url'), location.href) || {}).href || 'https://www.google.ca/';
  const host = attr('container') && document.getElementById(attr('container')); // render inline there
  const fullscreen = attr('fullscreen') === 'true' || !!host;

  /* ---- state ---- */
  const ss = (fn) => { try { return fn(sessionStorage); } catch (e) { return null; } }; // throws when blocked
  const store = {
    get: (k) => ss((s) => s.getItem(k)),
    set: (k, v) => ss((s) => s.setItem(k, v)),
    clear: () => ss((s) => [K_SENDER, K_LOG, K_OPEN, K_LANG, K_GUESSED].forEach((k) => s.removeItem(k)))
  };
  // Language: the visitor's choice (the FR/EN button), else data-lang, else the page's <html lang>.
  const pick = (value) => (/^fr/i.test(value || '') ? 'fr' : /^en/i.test(value || '') ? 'en' : null);
  let lang = pick(store.get(K_LANG)) || pick(attr('lang')) || pick(document.documentElement.lang) || 'en';
  let T = STRINGS[lang];
  const title = () => attr('title') || T.title;
  const newId = () => 'web-' + Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, '0')).join('');
  const validButtons = (list) => (Array.isArray(list) ? list : [])
    .filter((b) => b && typeof b.title === 'string' && typeof b.payload === 'string');
  const loadLog = () => {
    try {
      const list = JSON.parse(store.get(K_LOG) || '[]');
      return list.filter((m) => m && /^(bot|user)$/.test(m.from) && typeof m.text === 'string');
    } catch (e) { return []; }
  };

  let sender = store.get(K_SENDER);
  if (!/^web-[0-9a-f]{32}$/.test(sender || '')) store.set(K_SENDER, sender = newId());
  let log = loadLog(); // what is shown: [{from: 'bot'|'user', text, buttons?, image?}]
  let queue = [];      // texts or /intent payloads not answered yet, sent in order
  let busy = false, offline = false, delay = 2000, pollTimer = 0, inflight = null, lastEsc = 0, notice = null;
  let gen = 0;         // bumped by reset / quick exit: older answers are dropped
  const unforgotten = []; // ids the server couldn't erase yet: retried when it answers

  /* ---- DOM ---- */
  const el = (tag, props, kids) => {
    const node = document.createElement(tag);
    Object.keys(props || {}).forEach((k) => {
      if (k === 'text') node.textContent = props[k];
      else node.setAttribute(k, props[k]);
    });
    node.append(...(kids || []));
    return node;
  };
  const button = (cls, text, props) => el('button', Object.assign({ type: 'button', class: cls, text }, props));

  const root = el('div', { class: 'gsdoa-root', lang, dir: 'ltr' });
  const launcher = el('button', { type: 'button', id: 'gsdoa-launcher', class: 'gsdoa-launcher',
    'aria-expanded': 'false', 'aria-controls': 'gsdoa-panel' }, [el('span', { 'aria-hidden': 'true', text: '💬 ' }), T.launcher]);
  const delBtn = button('gsdoa-delete', T.del);
  const closeBtn = button('gsdoa-close', '×', { 'aria-label': T.close });
  const langBtn = button('gsdoa-lang', T.other, { 'aria-label': T.otherHint, lang: lang === 'fr' ? 'en' : 'fr' });
  const exitBtn = button('gsdoa-exit', T.exit, { 'aria-describedby': 'gsdoa-exit-hint' });
  const logEl = el('div', { id: 'gsdoa-log', class: 'gsdoa-log', role: 'log', 'aria-live': 'polite',
    'aria-relevant': 'additions', 'aria-label': T.log, tabindex: '0' }); // focusable: scrollable by keyboard
  const info = el('p', { class: 'gsdoa-info', role: 'status' });
  const typing = el('div', { class: 'gsdoa-typing', role: 'status' });
  const replies = el('div', { class: 'gsdoa-quick-replies', role: 'group', 'aria-label': T.replies });
  const input = el('textarea', { id: 'gsdoa-input', class: 'gsdoa-input', rows: '2', maxlength: '1000',
    placeholder: T.placeholder, autocomplete: 'off', enterkeyhint: 'send' });
  const sendBtn = button('gsdoa-send', T.send);
  const heading = el('h2', { class: 'gsdoa-title', text: title() });
  const sos = el('p', { class: 'gsdoa-911' });
  const exitHint = el('span', { id: 'gsdoa-exit-hint', class: 'gsdoa-sr', text: T.exitHint });
  const inputLabel = el('label', { for: 'gsdoa-input', class: 'gsdoa-sr', text: T.label });
  const panel = el('div', { id: 'gsdoa-panel', class: 'gsdoa-panel', role: 'dialog', 'aria-label': title(),
    'aria-modal': 'false', hidden: '' }, [
    el('div', { class: 'gsdoa-header' }, [heading, langBtn, delBtn, closeBtn]),
    el('div', { class: 'gsdoa-bar' }, [sos, exitBtn, exitHint]),
    logEl, info, typing, replies,
    el('div', { class: 'gsdoa-form' }, [inputLabel, input, sendBtn])]);

  // Every text of the widget's own interface, in the current language (called again by the FR/EN button).
  const applyStrings = () => {
    root.setAttribute('lang', lang);
    launcher.lastChild.textContent = T.launcher;
    heading.textContent = title();
    panel.setAttribute('aria-label', title());
    Object.assign(langBtn, { textContent: T.other });
    langBtn.setAttribute('aria-label', T.otherHint);
    langBtn.setAttribute('lang', lang === 'fr' ? 'en' : 'fr');
    delBtn.textContent = T.del;
    closeBtn.setAttribute('aria-label', T.close);
    exitBtn.textContent = T.exit;
    exitHint.textContent = T.exitHint;
    sos.textContent = '';
    sos.append(T.sos[0], el('a', { href: 'tel:911', text: T.sos[1] }));
    logEl.setAttribute('aria-label', T.log);
    replies.setAttribute('aria-label', T.replies);
    inputLabel.textContent = T.label;
    input.setAttribute('placeholder', T.placeholder);
    sendBtn.textContent = T.send;
  };
  applyStrings();

  // Only http(s):// and tel: URLs become links, and only after new URL() confirms the scheme.
  const LINK = /\b(?:https?:\/\/[^\s<>"]*[^\s<>"'.,;:!?)\]]|tel:\+?\d[\d-]{1,20})/gi;
  const linkify = (text) => {
    const out = el('div', { class: 'gsdoa-text' });
    let last = 0, m;
    LINK.lastIndex = 0;
    while ((m = LINK.exec(text))) {
      let url = null;
      try { url = new URL(m[0]); } catch (e) { /* stays text */ }
      if (!url || !['http:', 'https:', 'tel:'].includes(url.protocol)) continue;
      const a = el('a', { text: m[0] });
      a.href = url.href;
      if (url.protocol !== 'tel:') Object.assign(a, { target: '_blank', rel: 'noopener noreferrer' });
      out.append(text.slice(last, m.index), a);
      last = m.index + m[0].length;
    }
    out.append(text.slice(last));
    return out;
  };

  const bubble = (m) => {
    const img = m.image && httpUrl(m.image);
    if (!m.text && !img) return null; // buttons only: they become quick replies
    const node = el('div', { class: 'gsdoa-msg gsdoa-' + m.from },
      [el('span', { class: 'gsdoa-sr', text: (m.from === 'bot' ? T.bot : T.you) + ' ' })]);
    if (m.text) node.append(linkify(m.text));
    if (img) node.append(el('img', { class: 'gsdoa-img', src: img.href, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' }));
    return node;
  };

  const addEntry = (m) => {
    log.push(m);
    store.set(K_LOG, JSON.stringify(log.slice(-100)));
    const node = bubble(m);
    if (node) logEl.append(node);
    renderReplies();
    return node;
  };

  // Quick replies: buttons of the latest bot message that has some, until the user says something.
  const renderReplies = () => {
    let buttons = [];
    for (let i = log.length - 1; i >= 0 && log[i].from === 'bot' && !buttons.length; i--) {
      buttons = validButtons(log[i].buttons);
    }
    replies.textContent = '';
    buttons.forEach((b) => {
      const btn = button('', b.title);
      btn.addEventListener('click', (e) => {
        send(b.payload, b.title); // the new user entry hides the quick replies
        if (e.detail === 0) input.focus(); // keyboard, not touch: keep focus in the chat
      });
      replies.append(btn);
    });
    replies.hidden = !buttons.length;
  };

  const setNotice = (on) => {
    if (on && !notice) panel.insertBefore(notice = el('div', { class: 'gsdoa-notice', role: 'alert' }, [linkify(T.offline)]), typing);
    if (!on && notice) notice = notice.remove(); // remove() returns undefined
  };

  /* ---- talking to Rasa ---- */
  const call = async (path, body, ctl, keepalive) => {
    ctl = ctl || new AbortController();
    const timer = setTimeout(() => ctl.abort(), 12000);
    try {
      const res = await fetch(server + '/webhooks/rest' + path, {
        method: body ? 'POST' : 'GET',
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        credentials: 'omit', cache: 'no-store', keepalive: !!keepalive, signal: ctl.signal
      });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return await res.json();
    } finally {
      clearTimeout(timer);
    }
  };

  const send = (payload, shown) => {
    payload = String(payload == null ? '' : payload).trim();
    if (!payload) return;
    if (shown) {
      info.textContent = '';
      addEntry({ from: 'user', text: String(shown) });
      logEl.scrollTop = logEl.scrollHeight;
    }
    queue.push(payload);
    pump();
  };

  const pump = async () => {
    if (busy || offline || !queue.length) return;
    busy = true;
    typing.textContent = T.typing;
    const g = gen;
    inflight = new AbortController();
    try {
      // The page's language is a first guess for a new conversation only: after that, what the visitor writes
      // (and the FR/EN button, which sends /set_language) decides the language.
      const body = { sender, message: queue[0], input_channel: 'web' };
      if (store.get(K_GUESSED) !== sender) body.metadata = { language: lang };
      const data = await call('/webhook', body, inflight);
      store.set(K_GUESSED, sender);
      if (g !== gen) return;
      queue.shift();
      delay = 2000;
      setNotice(false);
      flushForget();
      let first = null;
      (Array.isArray(data) ? data : []).forEach((m) => {
        if (!m || typeof m !== 'object') return; // `custom` is ignored
        const entry = { from: 'bot', text: typeof m.text === 'string' ? m.text : '' };
        const buttons = validButtons(m.buttons);
        if (buttons.length) entry.buttons = buttons;
        if (typeof m.image === 'string') entry.image = m.image;
        if (entry.text || entry.buttons || entry.image) { const node = addEntry(entry); first = first || node; }
      });
      if (first) logEl.scrollTop = first.offsetTop - 8; // show the start of a long answer, not its end
    } catch (e) {
      if (g === gen) goOffline();
    } finally {
      inflight = null;
      busy = false;
      typing.textContent = ''; // never an endless spinner
      pump();
    }
  };

  // Down or slow: keep the queue, say where to get help now, poll the health URL with backoff.
  const goOffline = () => {
    offline = true;
    setNotice(true);
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, delay);
    delay = Math.min(delay * 2, 30000); // back to 2 s once a message goes through
  };
  const poll = async () => {
    try { await call('/'); } catch (e) { return goOffline(); }
    offline = false;
    flushForget();
    if (!queue.length) setNotice(false); // else once the queued message is answered
    pump();
  };
  window.addEventListener('online', () => { if (offline) { clearTimeout(pollTimer); poll(); } });

  const forget = (id, keepalive) => call('/forget', { sender: id }, null, keepalive)
    .then((r) => !!(r && r.erased), () => false);
  const flushForget = () => unforgotten.splice(0).forEach((id) => forget(id).then((ok) => ok || unforgotten.push(id)));

  const greet = () => {
    if (!log.length && !queue.includes('/greet')) { queue.push('/greet'); pump(); }
  };

  const clearView = () => {
    gen++;
    if (inflight) inflight.abort();
    queue = [];
    log = [];
    logEl.textContent = info.textContent = '';
    renderReplies();
  };

  // Delete conversation: erase it on the server, go on under a new id, greet again.
  const reset = async () => {
    const old = sender;
    clearView();
    store.set(K_SENDER, sender = newId());
    store.set(K_LOG, '[]');
    const g = gen;
    greet();
    if (await forget(old)) { if (g === gen) info.textContent = T.deleted; } else unforgotten.push(old);
  };

  // Quick exit (GOV.UK pattern): erase, wipe the screen, leave with no Back-button way back.
  const quickExit = () => {
    forget(sender, true); // fire-and-forget; keepalive lets it outlive the page
    clearView();
    store.clear();
    setNotice(false);
    input.value = '';
    location.replace(exitUrl);
  };

  const setOpen = (open, focus) => {
    const hadFocus = panel.contains(document.activeElement);
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    root.classList.toggle('gsdoa-is-open', open);
    store.set(K_OPEN, open ? '1' : '0');
    if (open) {
      greet();
      logEl.scrollTop = logEl.scrollHeight;
      if (focus) input.focus();
    } else if (focus || hadFocus) launcher.focus();
  };

  const submit = () => {
    const text = input.value.trim();
    input.value = '';
    if (text) send(text, text);
  };

  /* ---- events ---- */
  launcher.addEventListener('click', () => setOpen(panel.hidden, true));
  closeBtn.addEventListener('click', () => setOpen(false, true));
  delBtn.addEventListener('click', reset);
  // FR/EN: the interface switches at once and the bot is told, so its answers switch too.
  langBtn.addEventListener('click', () => {
    const name = T.otherName;
    lang = lang === 'fr' ? 'en' : 'fr';
    T = STRINGS[lang];
    store.set(K_LANG, lang);
    applyStrings();
    send('/set_language{"language":"' + lang + '"}', name);
    // Tell the host page (the demo page translates itself), e.g. addEventListener('gsdoa:language', …).
    document.dispatchEvent(new CustomEvent('gsdoa:language', { detail: { lang } }));
  });
  exitBtn.addEventListener('click', quickExit);
  sendBtn.addEventListener('click', submit);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  // Escape twice within 1 s anywhere on the page: quick exit. Once, with focus in the panel: close it.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (Date.now() - lastEsc < 1000) return quickExit();
    lastEsc = Date.now();
    if (!fullscreen && !panel.hidden && panel.contains(document.activeElement)) setOpen(false, true);
  }, true);

  /* ---- start ---- */
  root.style.visibility = 'hidden'; // until our CSS is in: no unstyled flash
  const css = el('link', { rel: 'stylesheet', href: new URL('widget.css', src).href });
  css.onload = css.onerror = () => { root.style.visibility = ''; };
  document.head.append(css);

  const mount = () => {
    log.forEach((m) => logEl.append(bubble(m) || ''));
    renderReplies();
    if (host) root.classList.add('gsdoa-inline');
    if (fullscreen) root.classList.add('gsdoa-fs');
    root.append(launcher, panel);
    (host || document.body).append(root);
    // No focus move at load: on a tablet the on-screen keyboard would cover the chat.
    setOpen(fullscreen || attr('open') === 'true' || store.get(K_OPEN) === '1', false);
  };
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);

  window.GSDOAWidget = {
    get lang() { return lang; }, // 'en' or 'fr': the interface's language (the FR/EN button changes it)
    open: () => setOpen(true, true),
    close: () => setOpen(false, false),
    reset,
    send: (text) => { setOpen(true, false); send(text, text); }
  };
})();
