/* GSDOA overdose-help chat: the chat itself, on the bot's own origin (frame.html, shown in an <iframe> by
 * widget.js). Vanilla ES2017, no dependencies. The conversation — what is shown, what is typed, the sender id —
 * lives only in this page's memory: no cookies, no localStorage, no sessionStorage, and nothing of it is ever sent
 * to the page that embeds the chat. postMessage to that page carries only open / close / escape / exit, and only
 * to and from its one origin, which must be one of the allowed embedding origins (config.json, the same list as
 * the CSP frame-ancestors). Leaving the page (pagehide: closing the tab, reloading, quick exit) erases the
 * conversation on the server and here. All bot and user text is rendered as text, never HTML. */
(() => {
  'use strict';

  // Every text of the chat in English and French, side by side: [en, fr].
  const PAIRS = {
    title: ['Overdose help · Good Samaritan Act', 'Aide surdose · Loi sur les bons samaritains'],
    pageTitle: ['Overdose help chat', "Clavardage d'aide en cas de surdose"],
    del: ['Delete conversation', 'Supprimer la conversation'],
    deleted: ['Conversation deleted.', 'Conversation supprimée.'],
    close: ['Close chat', 'Fermer le clavardage'],
    sos: [['🚨 Overdose? ', 'Call 911'], ['🚨 Surdose? ', 'Appelez le 911']],
    exit: ['Quick exit', 'Sortie rapide'],
    exitHint: ['Leaves this page right away. You can also press Escape twice.',
      'Quitte cette page immédiatement. Vous pouvez aussi appuyer deux fois sur Échap.'],
    log: ['Conversation', 'Conversation'],
    bot: ['Assistant:', 'Assistant :'],
    you: ['You:', 'Vous :'],
    replies: ['Suggested replies', 'Réponses suggérées'],
    label: ['Your message', 'Votre message'],
    placeholder: ['Type your question…', 'Écrivez votre question…'],
    send: ['Send', 'Envoyer'],
    typing: ['Typing…', "L'assistant écrit…"],
    other: ['FR', 'EN'],
    otherName: ['Français', 'English'],
    otherHint: ['Passer au français', 'Switch to English'],
    offline: ["I can't reach the server right now. 🚨 If someone is overdosing, call 911. " +
      "Overdose line (NORS): 1-888-688-6677. I'll keep trying.",
    "Je n'arrive pas à joindre le serveur. 🚨 Si quelqu'un fait une surdose, appelez le 911. " +
      'Ligne de surdose (NORS) : 1-888-688-6677. Je réessaie.'],
    refused: ["This chat can't be shown on this page. 🚨 If someone is overdosing, call 911. " +
      'Overdose line (NORS): 1-888-688-6677.',
    "Ce clavardage ne peut pas s'afficher sur cette page. 🚨 Si quelqu'un fait une surdose, appelez " +
      'le 911. Ligne de surdose (NORS) : 1-888-688-6677.']
  };
  const STRINGS = { en: {}, fr: {} };
  for (const [key, [en, fr]] of Object.entries(PAIRS)) { STRINGS.en[key] = en; STRINGS.fr[key] = fr; }
  const EXIT_URL = 'https://www.google.ca/'; // quick exit when the chat is opened on its own (no embedding page)

  /* ---- where we are: options from widget.js in the fragment (never sent to any server) ---- */
  const params = new URLSearchParams(location.hash.slice(1));
  const pick = (value) => (/^fr/i.test(value || '') ? 'fr' : /^en/i.test(value || '') ? 'en' : null);
  const embedded = window.parent !== window;
  // The embedding page's origin: what the browser says (ancestorOrigins), else what widget.js said. A wrong claim
  // gets nowhere: postMessage to a target origin that isn't the parent's is dropped, and messages are accepted
  // only from window.parent with exactly that origin.
  const ancestors = location.ancestorOrigins;
  const parentOrigin = !embedded ? null : (ancestors && ancestors.length ? ancestors[0] : params.get('origin'));
  const inline = params.get('mode') === 'inline'; // filling a box of the page: no close button
  let parentOk = false; // set once config.json says the embedding origin is allowed

  let lang = pick(params.get('lang')) || pick(navigator.language) || 'en';
  let T = STRINGS[lang];
  const customTitle = (params.get('title') || '').slice(0, 120);
  const title = () => customTitle || T.title;
  const newId = () => 'web-' + Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, '0')).join('');
  const validButtons = (list) => (Array.isArray(list) ? list : [])
    .filter((b) => b && typeof b.title === 'string' && typeof b.payload === 'string');

  /* ---- state: memory only ---- */
  let server = location.origin; // the REST channel; config.json may name another one (`make run`: Rasa's port)
  let sender = newId();
  let talked = false;  // the server has a conversation under `sender` (erase it when leaving)
  let guessed = false; // the page's language was sent as a first guess for this conversation
  let log = [];        // what is shown: [{from: 'bot'|'user', text, buttons?}]
  let queue = [];      // texts or /intent payloads not answered yet, sent in order
  let busy = false, offline = false, delay = 2000, pollTimer = 0, inflight = null, lastEsc = 0, notice = null;
  let gen = 0;         // bumped by reset / quick exit: older answers are dropped
  let started = false, wantOpen = false, wantFocus = false;
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
  const heading = el('h1', { class: 'gsdoa-title', text: title() });
  const sos = el('p', { class: 'gsdoa-911' });
  const exitHint = el('span', { id: 'gsdoa-exit-hint', class: 'gsdoa-sr', text: T.exitHint });
  const inputLabel = el('label', { for: 'gsdoa-input', class: 'gsdoa-sr', text: T.label });
  const panel = el('main', { id: 'gsdoa-panel', class: 'gsdoa-panel', 'aria-label': title() }, [
    el('header', { class: 'gsdoa-header' }, [heading, langBtn, delBtn].concat(embedded && !inline ? [closeBtn] : [])),
    el('div', { class: 'gsdoa-bar' }, [sos, exitBtn, exitHint]),
    logEl, info, typing, replies,
    el('div', { class: 'gsdoa-form' }, [inputLabel, input, sendBtn])]);

  // Every text of the chat's own interface, in the current language (called again by the FR/EN button).
  const applyStrings = () => {
    document.documentElement.lang = lang;
    document.title = customTitle || T.pageTitle;
    heading.textContent = title();
    panel.setAttribute('aria-label', title());
    langBtn.textContent = T.other;
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
    if (!m.text) return null; // buttons only: they become quick replies
    return el('div', { class: 'gsdoa-msg gsdoa-' + m.from },
      [el('span', { class: 'gsdoa-sr', text: (m.from === 'bot' ? T.bot : T.you) + ' ' }), linkify(m.text)]);
  };

  const addEntry = (m) => {
    log.push(m);
    if (log.length > 200) log = log.slice(-200);
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

  const setNotice = (on, text) => {
    if (on && !notice) panel.insertBefore(notice = el('div', { class: 'gsdoa-notice', role: 'alert' }, [linkify(text || T.offline)]), typing);
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
    if (!payload || !started) return;
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
      if (!guessed) body.metadata = { language: lang };
      talked = true;
      const data = await call('/webhook', body, inflight);
      if (g !== gen) return;
      guessed = true;
      queue.shift();
      delay = 2000;
      setNotice(false);
      flushForget();
      let first = null;
      (Array.isArray(data) ? data : []).forEach((m) => {
        if (!m || typeof m !== 'object') return; // `custom` and images are ignored
        const entry = { from: 'bot', text: typeof m.text === 'string' ? m.text : '' };
        const buttons = validButtons(m.buttons);
        if (buttons.length) entry.buttons = buttons;
        if (entry.text || entry.buttons) { const node = addEntry(entry); first = first || node; }
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

  // A new, empty conversation under a new id (the old one is erased by the caller).
  const clearView = () => {
    gen++;
    if (inflight) inflight.abort();
    queue = [];
    log = [];
    logEl.textContent = info.textContent = '';
    renderReplies();
    sender = newId();
    talked = guessed = false;
  };

  // Delete conversation: erase it on the server, go on under a new id, greet again.
  const reset = async () => {
    const old = sender, had = talked;
    clearView();
    const g = gen;
    greet();
    if (!had || await forget(old)) { if (g === gen) info.textContent = T.deleted; } else unforgotten.push(old);
  };

  // Erase on the server (keepalive: the request outlives the page) and wipe this page.
  const wipe = () => {
    if (talked) forget(sender, true);
    clearView();
    setNotice(false);
    input.value = '';
  };

  // Quick exit (GOV.UK pattern): erase, wipe the screen, and have the embedding page replace itself (it owns the
  // tab; location.replace leaves no Back-button way back). On its own, this page leaves the same way.
  const quickExit = () => {
    wipe();
    if (embedded) tell('exit');
    else location.replace(EXIT_URL);
  };

  /* ---- the embedding page: open / close / escape / exit, its origin only ---- */
  const tell = (type) => {
    if (embedded && parentOk) window.parent.postMessage({ gsdoa: type }, parentOrigin);
  };
  window.addEventListener('message', (e) => {
    if (!embedded || e.source !== window.parent || e.origin !== parentOrigin) return;
    const type = e.data && typeof e.data === 'object' ? e.data.gsdoa : null;
    if (type === 'open') open(e.data.focus === true); // before start: remembered, done only if the origin is allowed
    else if (type === 'exit' && parentOk) quickExit();
  });

  const open = (focus) => {
    if (!started) { wantOpen = true; wantFocus = wantFocus || focus; return; }
    greet();
    logEl.scrollTop = logEl.scrollHeight;
    if (focus) input.focus();
  };

  // Same-origin pages only (the bot's own demo page): window.GSDOAChat and the gsdoa:language event. Another
  // origin can't read this window's properties or this document.
  const tellSameOrigin = () => {
    try {
      if (embedded) window.parent.document.dispatchEvent(new CustomEvent('gsdoa:language', { detail: { lang } }));
    } catch (e) { /* another origin: it gets nothing */ }
  };

  const submit = () => {
    const text = input.value.trim();
    input.value = '';
    if (text) send(text, text);
  };

  /* ---- events ---- */
  closeBtn.addEventListener('click', () => tell('close'));
  delBtn.addEventListener('click', reset);
  // FR/EN: the interface switches at once and the bot is told, so its answers switch too.
  langBtn.addEventListener('click', () => {
    const name = T.otherName;
    lang = lang === 'fr' ? 'en' : 'fr';
    T = STRINGS[lang];
    applyStrings();
    send('/set_language{"language":"' + lang + '"}', name);
    tellSameOrigin();
  });
  exitBtn.addEventListener('click', quickExit);
  sendBtn.addEventListener('click', submit);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  // Escape: embedded, widget.js decides (once: close the panel; twice within 1 s, here or on the page: quick
  // exit) — only the fact that Escape was pressed is passed on, never another key. On its own: twice = quick exit.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (embedded) return tell('escape');
    if (Date.now() - lastEsc < 1000) return quickExit();
    lastEsc = Date.now();
  }, true);
  // Closing the tab, reloading, leaving the page: the conversation ends — erased on the server and here, so
  // neither a reopened tab nor the Back button brings it back.
  window.addEventListener('pagehide', wipe);

  /* ---- start ---- */
  const refuse = () => {
    document.body.append(el('main', { class: 'gsdoa-refused' }, [el('p', { role: 'alert' }, [linkify(T.refused)])]));
  };
  const start = (config) => {
    const origins = Array.isArray(config.origins) ? config.origins.filter((o) => typeof o === 'string') : [];
    if (embedded && !(parentOrigin === location.origin || origins.includes(parentOrigin))) return refuse();
    parentOk = embedded;
    if (typeof config.server === 'string' && /^https?:\/\/[^/]+$/.test(config.server)) server = config.server;
    if (inline) document.body.classList.add('gsdoa-inline');
    document.body.append(panel);
    started = true;
    window.GSDOAChat = Object.freeze({
      get lang() { return lang; },
      send: (text) => send(text, text),
      reset
    });
    if (!embedded || inline || wantOpen) open(wantFocus);
    tellSameOrigin();
    document.documentElement.dataset.ready = 'true';
  };
  fetch('config.json', { cache: 'no-store', credentials: 'omit' })
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error('HTTP ' + res.status))))
    .then((config) => start(config && typeof config === 'object' ? config : {}), refuse);
})();
