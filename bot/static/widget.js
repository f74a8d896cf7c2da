/* Leerwijzer chat widget.
 *   <script src="https://gateway/widget.js" data-tenant="twente" defer></script>
 * Builds its UI in a Shadow DOM (host CSS can't reach it) from DOM nodes and textContent only:
 * no innerHTML, no inline scripts or styles, no eval, so it runs under a strict CSP and shows
 * anything a user types as text. The host page's CSP must allow the gateway in script-src,
 * style-src and connect-src (http and ws).
 * Texts are Dutch in the code, in _("...") (or N_("...") for a constant translated where it is
 * shown); the gateway serves them per language at /widget/i18n/<lang>.json from the catalogues
 * in locales/ (widget.po), with the list of languages for the switch in the header. The start
 * language: data-lang="en" on the script tag, else the browser's language as a hint. */
(function () {
  "use strict";
  var script = document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-tenant]');
  if (!script || window.leerwijzerWidget) return; // one widget per page
  var tenant = script.getAttribute("data-tenant") || "";
  var origin = new URL(script.src, location.href).origin;
  var API = origin + "/api/v1";
  var WS = origin.replace(/^http/, "ws") + "/api/v1";
  var KEY = "leerwijzer:" + tenant + ":conversation";
  var OPEN_KEY = "leerwijzer:" + tenant + ":open";
  var LANG_KEY = "leerwijzer:" + tenant + ":language";
  var MAX_CHARS = 2000;
  var SENDERS = { user: N_("Jij"), bot: N_("Leerwijzer"), advisor: N_("Adviseur"), system: N_("Melding") };
  var FACTS = [["level", N_("Niveau")], ["format", N_("Vorm")], ["location", N_("Plaats")],
    ["duration", N_("Duur")], ["study_load", N_("Studielast")], ["price", N_("Prijs")],
    ["next_start", N_("Start")]];
  var TEXT = {
    offline: N_("Geen verbinding met de chat. We proberen het opnieuw\u2026"),
    back: N_("Weer verbonden."),
    tooLong: N_("Je bericht is te lang. Er passen maximaal 2.000 tekens in \u00e9\u00e9n bericht."),
    startFailed: N_("De chat kan nu niet starten. Probeer het zo nog eens."),
    gone: N_("Je vorige gesprek is niet meer beschikbaar. We beginnen een nieuw gesprek."),
    rate: N_("Had je hier iets aan?"), up: N_("Ja, nuttig"), down: N_("Nee, niet nuttig"),
    missed: N_("Wat miste je? (mag leeg blijven)"), thanks: N_("Dank je voor je reactie."),
    notSaved: N_("Je reactie kwam niet aan. Probeer het nog eens.")
  };

  var state = {
    id: store("local", KEY), ws: null, lastId: 0, seen: {}, attempts: 0, timer: null,
    open: false, starting: null, info: null, mode: "bot", outbox: []
  };
  window.leerwijzerWidget = { tenant: tenant };

  // -- languages ----------------------------------------------------------------------------
  // i18n.texts: {Dutch text: translation} of the current language (empty for Dutch).
  var i18n = { lang: "nl", texts: {}, languages: [], tables: {} };
  var bound = []; // [node, attribute or null for the text, msgid, values]: redone on a switch
  function N_(msgid) { return msgid; }
  function _(msgid, values) {
    var text = i18n.texts[msgid] || msgid;
    return values ? text.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    }) : text;
  }
  function tr(node, attr, msgid, values) { // show a text now and again after a language switch
    bound.push([node, attr, msgid, values]);
    put(node, attr, _(msgid, values));
    return node;
  }
  function put(node, attr, text) { if (attr) node.setAttribute(attr, text); else node.textContent = text; }
  function relabel() {
    bound = bound.filter(function (b) { return b[0].isConnected; }); // forget removed messages
    bound.forEach(function (b) { put(b[0], b[1], _(b[2], b[3])); });
  }
  function code(lang) { return String(lang || "").toLowerCase().split(/[-_]/)[0]; }
  function table(lang) { // the language's texts and the list of languages, from the gateway
    if (i18n.tables[lang]) return Promise.resolve(i18n.tables[lang]);
    return fetch(origin + "/widget/i18n/" + encodeURIComponent(lang) + ".json").then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) { i18n.tables[lang] = data; return data; });
  }

  // -- small helpers ----------------------------------------------------------------------
  function store(kind, key, value) {
    try {
      var s = kind === "local" ? window.localStorage : window.sessionStorage;
      if (value === undefined) return s.getItem(key);
      if (value === null) s.removeItem(key); else s.setItem(key, value);
    } catch (e) { /* storage blocked: the conversation lasts as long as the page */ }
    return null;
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    (children || []).forEach(function (child) {
      if (child == null) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function srOnly(text) { return el("span", { "class": "lw-sr" }, [text]); }
  function safeUrl(url) {
    try {
      var u = new URL(url, location.href);
      return /^(https?|mailto|tel):$/.test(u.protocol) ? u.href : null;
    } catch (e) { return null; }
  }
  function link(text, url) {
    var href = safeUrl(url);
    if (!href) return document.createTextNode(text);
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [text]);
  }

  // -- safe Markdown subset: paragraphs, line breaks, - lists, 1. lists, **bold**, *italic*,
  // [text](url) and bare URLs; a backslash makes the next \ ` * _ [ ] literal (the bot
  // escapes imported data that way: actions/markup.py). Everything else stays literal text.
  var INLINE = /\\([\\`*_\[\]])|\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*|\*([^*\n]+)\*|(https?:\/\/[^\s<>()\\]*[^\s<>().,;:!?'"\\])/g;
  function inline(text, parent) {
    var last = 0, m;
    INLINE.lastIndex = 0;
    while ((m = INLINE.exec(text))) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] !== undefined) parent.appendChild(document.createTextNode(m[1]));
      else if (m[2] !== undefined) parent.appendChild(link(m[2], m[3]));
      else if (m[4] !== undefined) parent.appendChild(el("strong", {}, [m[4]]));
      else if (m[5] !== undefined) parent.appendChild(el("em", {}, [m[5]]));
      else parent.appendChild(link(m[6], m[6]));
      last = INLINE.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }
  function markdown(text) {
    var out = document.createDocumentFragment();
    text.replace(/\r\n?/g, "\n").split(/\n{2,}/).forEach(function (block) {
      var lines = block.split("\n").filter(function (l) { return l.trim() !== ""; });
      if (!lines.length) return;
      var bullet = /^\s*[-*\u2022]\s+/, number = /^\s*\d+[.)]\s+/;
      var kind = lines.every(function (l) { return bullet.test(l); }) ? ["ul", bullet]
        : lines.every(function (l) { return number.test(l); }) ? ["ol", number] : null;
      if (kind) {
        var list = el(kind[0]);
        lines.forEach(function (l) { list.appendChild(inline(l.replace(kind[1], ""), el("li"))); });
        out.appendChild(list);
      } else {
        var p = el("p");
        lines.forEach(function (l, i) { if (i) p.appendChild(el("br")); inline(l, p); });
        out.appendChild(p);
      }
    });
    return out;
  }

  // -- the UI -------------------------------------------------------------------------------
  var host = document.createElement("leerwijzer-chat");
  // Inline styles via CSSOM are allowed by CSP; !important keeps host-page rules off.
  host.style.setProperty("all", "initial", "important");
  host.style.setProperty("position", "static", "important");
  var shadow = host.attachShadow({ mode: "open" });
  var sheet = el("link", { rel: "stylesheet", href: origin + "/widget.css" });
  var root = el("div", { "class": "lw-root", hidden: "" });
  var launcherText = el("span", { "class": "lw-launcher-text" });
  var unread = el("span", { "class": "lw-unread", hidden: "" }, [tr(srOnly(""), null, N_(" (nieuw bericht)"))]);
  var launcher = el("button", {
    type: "button", "class": "lw-launcher", "aria-expanded": "false", "aria-controls": "lw-panel"
  }, [el("span", { "class": "lw-icon", "aria-hidden": "true" }), launcherText, unread]);
  var title = el("h2", { id: "lw-title", "class": "lw-title" }, ["Leerwijzer"]);
  var subtitle = el("p", { "class": "lw-subtitle" });
  var closeButton = tr(el("button", { type: "button", "class": "lw-close" },
    [el("span", { "aria-hidden": "true" }, ["\u00d7"])]), "aria-label", N_("Chat sluiten"));
  // The language switch (NL | EN): one button per language the gateway speaks.
  var switcher = tr(el("div", { "class": "lw-langs", role: "group" }), "aria-label", N_("Taal"));
  var status = el("p", { "class": "lw-status", role: "status" });
  var log = tr(el("ol", { "class": "lw-log", role: "log", "aria-live": "polite", tabindex: "0" }),
    "aria-label", N_("Gesprek"));
  var typingText = el("span");
  var typing = el("p", { "class": "lw-typing", hidden: "" }, [
    el("span", { "class": "lw-dots", "aria-hidden": "true" }, [el("i"), el("i"), el("i")]),
    typingText]);
  var input = tr(el("textarea", { id: "lw-input", "class": "lw-input", rows: "2",
    maxlength: String(MAX_CHARS), autocomplete: "off", "aria-describedby": "lw-count" }),
    "placeholder", N_("Typ je vraag\u2026"));
  var send = tr(el("button", { type: "submit", "class": "lw-send" }), null, N_("Verstuur"));
  var form = el("form", { "class": "lw-form" }, [
    tr(el("label", { "for": "lw-input", "class": "lw-sr" }), null, N_("Je bericht")), input, send]);
  var count = el("span", { id: "lw-count", "class": "lw-count", "aria-live": "polite" });
  var privacy = tr(el("a", { href: origin + "/privacy", target: "_blank", rel: "noopener noreferrer" }),
    null, N_("Privacy"));
  var hours = el("span", { "class": "lw-hours" });
  var panel = el("section", { id: "lw-panel", "class": "lw-panel", role: "dialog",
    "aria-labelledby": "lw-title", hidden: "" }, [
    el("header", { "class": "lw-head" }, [el("div", {}, [title, subtitle]), switcher, closeButton]),
    status, log, typing, form,
    el("p", { "class": "lw-foot" }, [count, privacy, " \u00b7 ", hours])]);
  root.appendChild(launcher);
  root.appendChild(panel);
  shadow.appendChild(sheet);
  shadow.appendChild(root);
  // Shown once its stylesheet and tenant colours are there, so nothing flashes unstyled.
  var styled = new Promise(function (done) {
    sheet.addEventListener("load", done);
    sheet.addEventListener("error", done);
  });
  (document.body || document.documentElement).appendChild(host);

  function applyTenant(info) {
    state.info = info;
    var colours = info.colours || {};
    if (colours.primary) root.style.setProperty("--lw-primary", colours.primary);
    if (colours.on_primary) root.style.setProperty("--lw-on-primary", colours.on_primary);
    if (colours.accent) root.style.setProperty("--lw-accent", colours.accent);
    title.textContent = info.assistant_name || "Leerwijzer";
    showTexts();
    hours.textContent = info.office_hours || "";
  }
  function name() { return (state.info && state.info.assistant_name) || "Leerwijzer"; }
  function showTexts() { // texts with the tenant's name or the language in them
    launcherText.textContent = _("Stel je vraag aan {name}", { name: name() });
    showMode();
    var url = new URL((state.info && state.info.privacy_url) || "/privacy", origin);
    if (url.origin === origin) { // the gateway's own privacy page speaks every language
      if (i18n.lang !== "nl") url.searchParams.set("lang", i18n.lang); else url.searchParams.delete("lang");
    }
    privacy.setAttribute("href", safeUrl(url.href) || "#");
  }

  // -- messages -------------------------------------------------------------------------------
  function card(c) {
    var facts = el("dl", { "class": "lw-facts" });
    FACTS.forEach(function (f) {
      if (c[f[0]]) facts.appendChild(el("div", {}, [tr(el("dt"), null, f[1]), el("dd", {}, [c[f[0]]])]));
    });
    return el("li", { "class": "lw-card" }, [el("article", {}, [
      el("h3", { "class": "lw-card-title" }, [c.title]),
      c.provider ? el("p", { "class": "lw-provider" }, [c.provider]) : null,
      c.sample ? tr(el("p", { "class": "lw-badge" }), null, N_("Voorbeeldgegevens")) : null,
      facts,
      c.why ? el("p", { "class": "lw-why" }, [tr(el("strong"), null, N_("Waarom: ")), c.why]) : null,
      c.url && safeUrl(c.url) ? el("p", {}, [tr(link("", c.url), null, N_("Meer over {title}"), { title: c.title })]) : null,
      buttons(c.buttons, N_("Keuzes bij {title}"), { title: c.title })])]);
  }
  function buttons(list, label, values) {
    if (!list || !list.length) return null;
    return tr(el("div", { "class": "lw-buttons", role: "group" }, list.map(function (b) {
      var button = el("button", { type: "button", "class": "lw-choice" }, [b.title]);
      button.addEventListener("click", function () {
        if (sendText(b.title, b.payload)) input.focus();
      });
      return button;
    })), "aria-label", label || N_("Kies een antwoord"), values);
  }
  // Thumbs up/down under an answer with substance (m.rateable); a down asks what was missing.
  function postRating(m, rating, comment) {
    var body = { message_id: m.id, rating: rating };
    if (comment) body.comment = comment;
    return fetch(API + "/conversations/" + encodeURIComponent(state.id) + "/feedback", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) { if (!r.ok) throw new Error(r.status); });
  }
  function rating(m) {
    var said = el("p", { "class": "lw-rate-said", role: "status" });
    var thumbs = [["up", "\ud83d\udc4d", TEXT.up], ["down", "\ud83d\udc4e", TEXT.down]].map(function (t) {
      var b = tr(tr(el("button", { type: "button", "class": "lw-thumb", "aria-pressed": "false",
        "data-rating": t[0] }, [el("span", { "aria-hidden": "true" }, [t[1]])]), "aria-label", t[2]), "title", t[2]);
      b.addEventListener("click", function () { choose(t[0]); });
      return b;
    });
    var box = tr(el("div", { "class": "lw-rate", role: "group" },
      [tr(el("span", { "class": "lw-rate-q", "aria-hidden": "true" }), null, TEXT.rate)].concat(thumbs).concat([said])),
      "aria-label", TEXT.rate);
    function choose(value) {
      postRating(m, value).then(function () {
        thumbs.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-rating") === value)); });
        if (value === "down") ask(); else tr(said, null, TEXT.thanks);
      }, function () { tr(said, null, TEXT.notSaved); });
    }
    function ask() {
      if (box.querySelector("form")) return;
      var id = "lw-missed-" + m.id;
      var field = el("input", { id: id, type: "text", "class": "lw-missed", maxlength: "500", autocomplete: "off" });
      var missed = el("form", { "class": "lw-missed-form" }, [
        tr(el("label", { "for": id }), null, TEXT.missed), field,
        tr(el("button", { type: "submit", "class": "lw-choice" }), null, N_("Verstuur"))]);
      missed.addEventListener("submit", function (e) {
        e.preventDefault();
        var text = field.value.trim();
        (text ? postRating(m, "down", text) : Promise.resolve()).then(function () {
          missed.remove();
          tr(said, null, TEXT.thanks);
        }, function () { tr(said, null, TEXT.notSaved); });
      });
      box.insertBefore(missed, said);
      field.focus();
    }
    return box;
  }
  function clock(iso) {
    var date = new Date(iso);
    if (isNaN(date)) return null;
    return el("time", { datetime: iso, "class": "lw-time" },
      [date.toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" })]);
  }
  function render(m) {
    if (state.seen[m.id]) return false;
    state.seen[m.id] = true;
    var bubble = null;
    if (m.text) {
      bubble = el("div", { "class": "lw-bubble" });
      // What people type is shown literally; bot and advisor text may use the Markdown subset.
      if (m.sender === "user") bubble.appendChild(el("p", {}, [m.text]));
      else bubble.appendChild(markdown(m.text));
    }
    var item = el("li", { "class": "lw-msg lw-" + m.sender, "data-id": String(m.id) }, [
      who(m.sender), bubble,
      m.cards && m.cards.length ? el("ul", { "class": "lw-cards" }, m.cards.map(card)) : null,
      buttons(m.buttons), m.rateable && m.sender === "bot" ? rating(m) : null, clock(m.created_at)]);
    var after = null; // keep id order when history and live messages cross
    for (var i = 0; i < log.children.length; i++) {
      var other = Number(log.children[i].getAttribute("data-id"));
      if (other > m.id) { after = log.children[i]; break; }
    }
    log.insertBefore(item, after);
    state.lastId = Math.max(state.lastId, m.id);
    if (m.sender !== "user") typing.hidden = true;
    log.scrollTop = log.scrollHeight;
    return true;
  }
  function who(sender) { // "Jij: " before each message, for screen readers
    return SENDERS[sender] ? el("span", { "class": "lw-sr" }, [tr(el("span"), null, SENDERS[sender]), ": "]) : null;
  }
  function note(text) { // a local notice, not part of the stored conversation
    log.appendChild(el("li", { "class": "lw-msg lw-note", "data-id": String(state.lastId + 0.5) },
      [who("system"), el("div", { "class": "lw-bubble" }, [tr(el("p"), null, text)])]));
    log.scrollTop = log.scrollHeight;
  }
  function setStatus(msgid) { state.status = msgid || ""; status.textContent = msgid ? _(msgid) : ""; }
  // Handoff: the header says who is answering; while an advisor is involved the advisor may
  // see that the user is typing (at most every 3 s).
  var MODES = { bot: N_("digitale assistent"), waiting: N_("wacht op een adviseur"),
    advisor: N_("in gesprek met een adviseur") };
  function showMode() {
    root.setAttribute("data-mode", state.mode);
    subtitle.textContent = ((state.info && state.info.display_name) || "Leerwijzer") + " \u00b7 " +
      _(MODES[state.mode] || MODES.bot);
  }

  // The language: the conversation's (from the gateway), else the one picked, else data-lang on
  // the script tag, else the browser's language (a hint; the gateway may not speak it).
  function applyLanguage(lang, remember) {
    return table(lang).then(function (data) {
      i18n.lang = data.language;
      i18n.texts = data.texts || {};
      i18n.languages = data.languages || [];
      root.setAttribute("lang", i18n.lang);
      if (remember) store("local", LANG_KEY, i18n.lang); // the conversation's: also after a reload
      buildSwitch();
      relabel();
      showTexts();
      if (state.status) setStatus(state.status);
      updateCount();
    });
  }
  function buildSwitch() {
    var existing = switcher.querySelectorAll("button");
    if (existing.length === i18n.languages.length) { // the same languages: only say which is on
      existing.forEach(function (b) { b.setAttribute("aria-pressed", String(b.lang === i18n.lang)); });
      return;
    }
    while (switcher.firstChild) switcher.removeChild(switcher.firstChild);
    i18n.languages.forEach(function (l, i) {
      if (i) switcher.appendChild(el("span", { "aria-hidden": "true" }, [" | "]));
      var b = el("button", { type: "button", "class": "lw-lang", lang: l.code, title: l.name,
        "aria-pressed": String(l.code === i18n.lang) }, [el("span", { "aria-hidden": "true" }, [l.code.toUpperCase()]), srOnly(l.name)]);
      b.addEventListener("click", function () { chooseLanguage(l.code); });
      switcher.appendChild(b);
    });
    switcher.hidden = i18n.languages.length < 2;
  }
  function chooseLanguage(lang) { // the user picked a language: the gateway answers in it from now on
    if (lang === i18n.lang) return;
    state.picked = lang; // a conversation being started gets it when it is there
    if (state.id && !state.starting) tellLanguage(lang);
    applyLanguage(lang, true).catch(function () {});
  }
  function tellLanguage(lang) {
    state.picked = null;
    var telling = state.telling = fetch(API + "/conversations/" + encodeURIComponent(state.id) + "/language", {
      method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ language: lang })
    }).catch(function () { /* the widget speaks it anyway; the bot follows what the user types */ })
      .then(function () { if (state.telling === telling) state.telling = null; });
  }
  function follow(lang) { // the conversation's language as the gateway says it
    if (state.telling || state.picked) return; // not what it said before the user's pick arrived
    lang = code(lang);
    if (lang && lang !== i18n.lang) applyLanguage(lang, true).catch(function () {});
  }
  var typingSent = 0;
  function tellTyping() {
    if (state.mode === "bot" || !state.id || Date.now() - typingSent < 3000) return;
    typingSent = Date.now();
    fetch(API + "/conversations/" + encodeURIComponent(state.id) + "/typing", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ on: true })
    }).catch(function () { /* only a hint for the advisor */ });
  }

  // -- connection -------------------------------------------------------------------------
  function handle(event) {
    if (event.language) follow(event.language); // e.g. the user wrote English: the widget follows
    if (event.type === "history") {
      state.mode = event.mode || state.mode;
      showMode();
      event.messages.forEach(render);
    } else if (event.type === "message") {
      if (render(event.message) && !state.open && event.message.sender !== "user") unread.hidden = false;
    } else if (event.type === "typing") {
      if (event.sender === "user") return; // the user's own typing, sent for the advisor
      typingText.textContent = " " + (event.sender === "advisor" ? _("Adviseur typt\u2026")
        : _("{name} typt\u2026", { name: name() }));
      typing.hidden = !event.on;
      if (event.on) log.scrollTop = log.scrollHeight;
    } else if (event.type === "mode") {
      state.mode = event.mode;
      showMode();
    } else if (event.type === "error") {
      note(event.message);
    }
  }
  function connect() {
    if (!state.id || state.ws) return;
    clearTimeout(state.timer);
    var opened = false;
    var sock = new WebSocket(WS + "/conversations/" + encodeURIComponent(state.id) +
      "/ws?after=" + state.lastId);
    state.ws = sock;
    sock.addEventListener("open", function () {
      opened = true;
      if (state.attempts > 0 || status.textContent) setStatus(TEXT.back);
      state.attempts = 0;
      setTimeout(function () { if (state.status === TEXT.back) setStatus(""); }, 3000);
      flush();
    });
    sock.addEventListener("message", function (e) {
      try { handle(JSON.parse(e.data)); } catch (err) { /* ignore a frame we can't read */ }
    });
    sock.addEventListener("close", function () {
      if (state.ws !== sock) return;
      state.ws = null;
      typing.hidden = true;
      if (!opened) probe(); else retry();
    });
  }
  function retry() {
    setStatus(TEXT.offline);
    // Exponential back-off with jitter: 1, 2, 4 ... 15 s.
    var delay = Math.min(15000, 1000 * Math.pow(2, state.attempts++)) * (0.5 + Math.random() / 2);
    clearTimeout(state.timer);
    state.timer = setTimeout(connect, delay);
  }
  function probe() { // a socket that never opened: offline, or is the conversation gone?
    fetch(API + "/conversations/" + encodeURIComponent(state.id) + "/messages?after=" + state.lastId)
      .then(function (r) {
        if (r.status === 404) return reset(true);
        retry();
      }, retry);
  }
  function reset(tell) {
    store("local", KEY, null);
    state.id = null; state.lastId = 0; state.seen = {};
    while (log.firstChild) log.removeChild(log.firstChild);
    setStatus("");
    if (tell) note(TEXT.gone);
    if (state.open) start();
  }
  function start() { // a new conversation; its first message is the tenant's welcome
    if (state.id) { connect(); return Promise.resolve(); }
    if (state.starting) return state.starting;
    typing.hidden = false;
    state.starting = fetch(API + "/conversations", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ tenant: tenant, language: i18n.lang })
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) {
      state.id = data.conversation_id;
      if (state.picked && state.picked !== data.language) tellLanguage(state.picked);
      else if (data.language) follow(data.language);
      store("local", KEY, state.id);
      data.messages.forEach(render);
      connect();
    }).catch(function () {
      note(TEXT.startFailed);
    }).then(function () {
      typing.hidden = true;
      state.starting = null;
    });
    return state.starting;
  }
  function sendText(text, payload) {
    text = (text || "").trim();
    if (!text) return false;
    if (text.length > MAX_CHARS) { note(TEXT.tooLong); return false; }
    var frame = { type: "message", text: text };
    if (payload) frame.payload = payload;
    state.outbox.push(JSON.stringify(frame));
    flush();
    return true;
  }
  function flush() { // sent as soon as the socket is open (e.g. right after the chat opened)
    if (!state.ws || state.ws.readyState !== 1) {
      if (state.id && !state.starting) connect();
      if (!state.ws && !state.starting) setStatus(TEXT.offline);
      return;
    }
    while (state.outbox.length) state.ws.send(state.outbox.shift());
  }

  // -- behaviour ------------------------------------------------------------------------
  function openPanel(focus) {
    state.open = true;
    panel.hidden = false;
    root.setAttribute("data-open", "true");
    launcher.setAttribute("aria-expanded", "true");
    unread.hidden = true;
    store("session", OPEN_KEY, "1");
    start();
    log.scrollTop = log.scrollHeight;
    if (focus) input.focus();
  }
  function closePanel() {
    state.open = false;
    panel.hidden = true;
    root.removeAttribute("data-open");
    launcher.setAttribute("aria-expanded", "false");
    store("session", OPEN_KEY, "0");
    launcher.focus();
  }
  launcher.addEventListener("click", function () {
    if (state.open) closePanel(); else openPanel(true);
  });
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); closePanel(); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (sendText(input.value)) { input.value = ""; updateCount(); }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : send.click();
    }
  });
  function updateCount() {
    var n = input.value.length;
    count.textContent = n > MAX_CHARS - 200 ? _("{n} van {max} tekens", { n: n, max: MAX_CHARS }) + " \u00b7 " : "";
  }
  input.addEventListener("input", updateCount);
  input.addEventListener("input", tellTyping);
  function reconnectNow() { if (state.id && !state.ws) connect(); }
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") reconnectNow(); // back to the tab: don't wait
  });
  window.addEventListener("offline", function () { if (state.id) setStatus(TEXT.offline); });
  window.addEventListener("storage", function (e) { // another tab started a new conversation
    if (e.key === KEY && e.newValue && e.newValue !== state.id) {
      if (state.ws) { var old = state.ws; state.ws = null; old.close(); }
      reset(false);
      state.id = e.newValue;
      connect();
    }
  });

  var configured = fetch(API + "/tenants/" + encodeURIComponent(tenant)).then(function (r) {
    if (r.status === 404) throw new Error("unknown tenant " + JSON.stringify(tenant));
    return r.ok ? r.json().then(applyTenant) : null; // a passing failure: default look
  }, function () { /* offline: default look; connecting will retry */ });
  // Dutch first (it lists the languages), then the hint if the gateway speaks it.
  var hint = code(store("local", LANG_KEY) || script.getAttribute("data-lang") || navigator.language);
  var spoken = applyLanguage("nl").then(function () {
    if (hint !== "nl" && i18n.languages.some(function (l) { return l.code === hint; })) return applyLanguage(hint);
  }).catch(function () { showTexts(); }); // offline: Dutch, the texts in the code
  Promise.all([styled, configured, spoken]).then(function () {
    root.removeAttribute("hidden");
  }, function (err) { // a tenant this gateway does not know: no widget at all
    host.remove();
    if (window.console) console.warn("Leerwijzer: " + err.message);
  });
  if (state.id) {
    connect(); // replay the history and receive messages that came while the page was away
    if (store("session", OPEN_KEY) === "1") openPanel(false);
  }
})();
