/* GSDOA overdose-help chat — the loader a site includes. Vanilla ES2017, no dependencies, no cookies, no storage.
 * It draws only the launcher button and an <iframe> holding the chat (frame.html, on the bot's own origin). The
 * conversation never enters this page: not its text, not its sender id, not a keystroke typed in the chat. The
 * two talk by postMessage, and only about open / close / escape / exit: this side accepts messages only from that
 * iframe's window with the bot's origin, and sends only to the bot's origin. */
(() => {
  'use strict';
  if (window.GSDOAWidget) return; // the tag was included twice

  const LAUNCHER = { en: 'Overdose help chat', fr: 'Aide surdose' };
  const FRAME_TITLE = { en: 'Overdose help chat', fr: "Clavardage d'aide en cas de surdose" };

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
  const frameUrl = new URL('frame.html', src);
  const botOrigin = frameUrl.origin;
  const exitUrl = (attr('exit-url') && httpUrl(attr('exit-url'), location.href) || {}).href || 'https://www.google.ca/';
  const host = attr('container') && document.getElementById(attr('container')); // render inline there
  const fullscreen = attr('fullscreen') === 'true' || !!host;
  const pick = (value) => (/^fr/i.test(value || '') ? 'fr' : /^en/i.test(value || '') ? 'en' : null);
  const lang = pick(attr('lang')) || pick(document.documentElement.lang) || 'en';

  /* ---- DOM: a launcher and, once opened, the frame ---- */
  const el = (tag, props) => {
    const node = document.createElement(tag);
    Object.keys(props || {}).forEach((k) => node.setAttribute(k, props[k]));
    return node;
  };
  const root = el('div', { class: 'gsdoa-root', lang, dir: 'ltr' });
  const launcher = el('button', { type: 'button', id: 'gsdoa-launcher', class: 'gsdoa-launcher',
    'aria-expanded': 'false', 'aria-controls': 'gsdoa-frame' });
  launcher.append(el('span', { 'aria-hidden': 'true' }), LAUNCHER[lang]);
  launcher.firstChild.textContent = '💬 ';
  let frame = null, lastEsc = 0, exiting = 0;

  const makeFrame = () => {
    // The fragment (never sent to a server) tells the chat its language, title, layout and who embeds it.
    const options = new URLSearchParams({ lang, origin: location.origin, mode: host ? 'inline' : 'float' });
    if (attr('title')) options.set('title', attr('title'));
    frame = el('iframe', { id: 'gsdoa-frame', class: 'gsdoa-frame', title: attr('title') || FRAME_TITLE[lang],
      src: frameUrl.href + '#' + options, referrerpolicy: 'no-referrer', hidden: '' });
    frame.addEventListener('load', () => { if (!frame.hidden) tell('open', { focus: frame.dataset.focus === '1' }); });
    root.append(frame);
  };

  const tell = (type, extra) => {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(Object.assign({ gsdoa: type }, extra), botOrigin);
  };

  const setOpen = (open, focus) => {
    if (open && !frame) makeFrame();
    if (!frame) return;
    const hadFocus = document.activeElement === frame;
    frame.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    root.classList.toggle('gsdoa-is-open', open);
    if (open) {
      frame.dataset.focus = focus ? '1' : '';
      if (focus) frame.focus();
      tell('open', { focus: !!focus }); // lost if the frame is still loading: its load event says it again
    } else if (focus || hadFocus) launcher.focus();
  };

  // Quick exit: the chat erases the conversation, then this page replaces itself (no Back-button way back).
  const leave = () => location.replace(exitUrl);
  const quickExit = () => {
    if (exiting) return;
    if (!frame) return leave();
    tell('exit');                        // the chat erases and answers 'exit'…
    exiting = setTimeout(leave, 300);    // …or we leave anyway
  };

  // Escape twice within 1 s (on this page or in the chat): quick exit. Once, with the chat open: close it.
  const escape = (fromFrame) => {
    if (Date.now() - lastEsc < 1000) return quickExit();
    lastEsc = Date.now();
    if (!fullscreen && frame && !frame.hidden && (fromFrame || document.activeElement === frame)) setOpen(false, true);
  };

  window.addEventListener('message', (e) => {
    if (!frame || e.source !== frame.contentWindow || e.origin !== botOrigin) return;
    const type = e.data && typeof e.data === 'object' ? e.data.gsdoa : null;
    if (type === 'close') setOpen(false, true);
    else if (type === 'escape') escape(true);
    else if (type === 'exit') { clearTimeout(exiting); exiting = 1; leave(); }
  });
  launcher.addEventListener('click', () => setOpen(!frame || frame.hidden, true));
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') escape(false); }, true);

  /* ---- start ---- */
  root.style.visibility = 'hidden'; // until our CSS is in: no unstyled flash
  const css = el('link', { rel: 'stylesheet', href: new URL('widget.css', src).href });
  css.onload = css.onerror = () => { root.style.visibility = ''; };
  document.head.append(css);

  const mount = () => {
    if (host) root.classList.add('gsdoa-inline');
    if (fullscreen) root.classList.add('gsdoa-fs');
    root.append(launcher);
    (host || document.body).append(root);
    // No focus move at load: on a tablet the on-screen keyboard would cover the chat.
    if (fullscreen || attr('open') === 'true') setOpen(true, false);
  };
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);

  // For the page: open and close the chat, nothing else (the conversation stays in the frame).
  window.GSDOAWidget = Object.freeze({
    open: () => setOpen(true, true),
    close: () => setOpen(false, false)
  });
})();
