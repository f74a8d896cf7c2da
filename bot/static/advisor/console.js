/* Leerwijzer advisor console: login, the queue per list, a case (transcript, profile, shown
 * modules, notes), replies in real time and handing back to the bot.
 * Builds the page from DOM nodes and textContent only (no innerHTML, no inline code), so it runs
 * under the strict CSP the gateway sends and shows whatever users typed as text.
 * Talks to /advisor/api (cookie login; every change carries X-Leerwijzer-Console: 1) and
 * follows live events on /advisor/api/ws. */
(function () {
  "use strict";
  var API = "/advisor/api";
  var SENDERS = { user: "Gebruiker", bot: "Leerwijzer", advisor: "Adviseur", system: "Melding" };
  var STATUS = { waiting: "in de wachtrij", active: "bij een adviseur", callback: "terugbelverzoek",
    closed: "gesloten", offered: "keuze aangeboden", collecting: "vult terugbelverzoek in" };
  var OUTCOMES = { handed_back: "teruggegeven aan de bot", cancelled: "gestopt door de gebruiker",
    continued_with_bot: "verder met de bot", called_back: "teruggebeld" };
  var PROFILE = [["theme", "Thema"], ["education_level", "Opleidingsniveau"], ["location", "Plaats"],
    ["region", "Regio"], ["employment_status", "Werksituatie"], ["age", "Leeftijd"],
    ["sector", "Sector"], ["course_format", "Lesvorm"], ["hours_per_week", "Uren per week"],
    ["budget", "Budget (euro)"], ["on_benefit", "Uitkering"], ["benefit_type", "Soort uitkering"],
    ["company_size", "Aantal medewerkers"], ["tenant", "Website van regio"]];
  var LISTS = ["waiting", "active", "callback"];

  var state = { advisor: null, list: "waiting", current: null, ws: null, attempts: 0,
    seen: {}, typingTimer: null, lastTyping: 0, refreshTimer: null, retryTimer: null };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    (children || []).forEach(function (child) {
      if (child == null) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function setStatus(text) { $("status").textContent = text || ""; }
  function minutes(seconds) {
    if (seconds < 60) return Math.max(0, Math.round(seconds)) + " s";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min";
    return Math.floor(seconds / 3600) + " u " + Math.floor((seconds % 3600) / 60) + " min";
  }
  function since(iso) { return (Date.now() - new Date(iso).getTime()) / 1000; }
  // The user's language (issue 17): a badge "EN" with its name, so the advisor answers in it.
  // Names come from the browser (Intl), so a new language needs nothing here.
  var NAMES = window.Intl && Intl.DisplayNames ? new Intl.DisplayNames(["nl"], { type: "language" }) : null;
  function languageName(code) {
    try { return (NAMES && NAMES.of(code)) || code; } catch (e) { return code; }
  }
  function languageBadge(code) {
    if (!code || code === "nl") return null; // Dutch is the usual case: no badge
    var name = languageName(code);
    return el("span", { "class": "lang-badge", lang: code, title: name }, [
      el("span", { "aria-hidden": "true" }, [code.toUpperCase()]), el("span", { "class": "sr-only" }, [name])]);
  }
  function clock(iso) {
    var date = new Date(iso);
    return el("time", { datetime: iso }, [date.toLocaleString("nl-NL", {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })]);
  }

  // -- the API ----------------------------------------------------------------------------
  function call(method, path, body) {
    var options = { method: method, credentials: "same-origin",
      headers: { "X-Leerwijzer-Console": "1" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      if (response.status === 204) return null;
      return response.json().then(function (data) {
        if (response.ok) return data;
        var error = new Error(data.message || "Er ging iets mis.");
        error.status = response.status;
        error.code = data.error;
        if (response.status === 401 && path !== "/login") showLogin();
        throw error;
      }, function () {
        var error = new Error("Er ging iets mis (" + response.status + ").");
        error.status = response.status;
        throw error;
      });
    });
  }

  // -- login ------------------------------------------------------------------------------
  function showLogin(message) {
    state.advisor = null;
    if (state.ws) { var old = state.ws; state.ws = null; old.close(); }
    clearTimeout(state.retryTimer);
    $("console").hidden = true;
    $("logout").hidden = true;
    $("sources-panel").hidden = true;
    clear($("sources"));
    $("insights-panel").hidden = true;
    $("who").textContent = "";
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("email").focus();
  }
  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var email = $("email").value.trim(), password = $("password").value;
    if (!email || !password) {
      $("login-error").textContent = "Vul je e-mailadres en wachtwoord in.";
      return;
    }
    $("login-error").textContent = "";
    call("POST", "/login", { email: email, password: password }).then(function () {
      $("password").value = "";
      start();
    }, function (error) {
      $("login-error").textContent = error.message;
      $("password").focus();
    });
  });
  $("logout").addEventListener("click", function () {
    call("POST", "/logout").then(null, function () {}).then(function () {
      showLogin("Je bent uitgelogd.");
    });
  });

  // Catalogue feeds (read-only, operators only): last sync, counts and the last errors per source.
  function loadSources() {
    call("GET", "/catalogue/sources").then(function (data) {
      var list = $("sources");
      clear(list);
      if (!data.sources.length) list.appendChild(el("li", {}, ["Nog geen bronnen gesynchroniseerd."]));
      data.sources.forEach(function (s) {
        var run = s.last_run;
        list.appendChild(el("li", {}, [
          el("strong", {}, [s.feed]), " (" + s.kind + ") · laatste sync ", s.last_sync ? clock(s.last_sync) : "-",
          " · " + s.status + " · " + s.modules.active + " modules, " + s.modules.withdrawn + " ingetrokken · laatste run: " +
          run.new + " nieuw, " + run.updated + " bijgewerkt, " + run.unchanged + " ongewijzigd, " +
          run.withdrawn + " ingetrokken, " + run.refused + " geweigerd",
          el("ul", {}, s.last_errors.map(function (e) { return el("li", { "class": "error" }, [e]); }))
        ]));
      });
    }, function () {});
  }

  // Insights (operators only): a region's figures for a period next to the period before, the
  // course of the period (a uPlot chart with the same numbers in a table), top lists as bars
  // with a table and CSV each, and the messages the assistant did not understand, to label.
  // Every part is optional in the JSON: a part the gateway does not send stays hidden.
  var FIGURES = [
    ["conversations_started", "Gesprekken gestart"],
    ["conversations_active", "Gesprekken met een vraag"],
    ["conversations_returning", "Waarvan terugkerend"],
    ["user_messages", "Berichten van gebruikers"],
    ["turns", "Berichten die de assistent las"],
    ["missed_turns", "Niet begrepen"],
    ["missed_rate", "Niet begrepen (deel van de berichten)", "percent"],
    ["channels.web", "Via de website"],
    ["channels.whatsapp", "Via WhatsApp"],
    ["modules.shown", "Modules getoond"],
    ["modules.details", "Details bekeken"],
    ["modules.signups", "Doorgeklikt naar aanmelden"],
    ["handoffs.requests", "Vragen om een adviseur"],
    ["handoffs.outside_office_hours", "Buiten kantooruren gevraagd"],
    ["handoffs.served", "Geholpen door een adviseur"],
    ["handoffs.callbacks", "Terugbelverzoeken"],
    ["handoffs.given_up", "Gestopt met wachten"],
    ["handoffs.wait_seconds_p50", "Wachttijd mediaan (seconden)"],
    ["handoffs.wait_seconds_p90", "Wachttijd p90 (seconden)"],
    ["feedback.up", "Antwoorden met duim omhoog"],
    ["feedback.down", "Antwoorden met duim omlaag"],
    ["feedback.handoff_ratings", "Cijfers voor adviseurs"],
    ["feedback.handoff_score_mean", "Gemiddeld cijfer adviseur (1-5)"]
  ];
  // The course of the period: key in data.series.points, name in the legend and the table,
  // colour (at least 3:1 on white) and dash (not told apart by colour alone).
  var SERIES = [
    ["conversations", "Gesprekken", "#1f3a68", []],
    ["turns", "Berichten", "#00695c", [8, 4]],
    ["missed", "Niet begrepen", "#a4001d", [2, 3]],
    ["handoffs", "Vraag om adviseur", "#6b4c00", [10, 3, 2, 3]]
  ];
  // Top lists: key in data.current.top (or "modules"), table caption, first column, CSV link.
  var TOPS = [
    ["intents", "Meest gestelde vragen", "Vraag", "Vragen als CSV"],
    ["themes", "Meest gekozen thema's", "Thema", "Thema's als CSV"],
    ["places", "Meest genoemde plaatsen", "Plaats", "Plaatsen als CSV"],
    ["levels", "Meest genoemde opleidingsniveaus", "Niveau", "Niveaus als CSV"],
    ["schemes", "Meest genoemde regelingen", "Regeling", "Regelingen als CSV"]
  ];
  var WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6]; // y ticks: counts
  var insights = { tenant: null, chart: null, resize: null, unit: "day" };

  function figure(data, key, kind) {
    var value = key.split(".").reduce(function (v, k) { return v == null ? v : v[k]; }, data);
    if (value == null) return key.indexOf("channels.") === 0 || key.indexOf("languages.") === 0 ? "0" : "-";
    if (kind === "percent" && typeof value === "number") value = Math.round(value * 1000) / 10;
    var text = typeof value === "number" ? String(Math.round(value * 10) / 10).replace(".", ",") : String(value);
    return kind === "percent" ? text + "%" : text;
  }
  function insightsQuery() {
    return "/insights?tenant=" + encodeURIComponent($("insights-tenant").value) +
      "&period=" + encodeURIComponent($("insights-period").value);
  }
  function csv(query, table) { return API + query + "&format=csv&table=" + table; }
  function number(n) { return n == null ? "-" : String(n); }
  function loadInsights() {
    var query = insightsQuery();
    var tenant = $("insights-tenant").value;
    $("insights-csv").setAttribute("href", API + query + "&format=csv");
    $("insights-series-csv").setAttribute("href", csv(query, "series"));
    $("insights-misses-csv").setAttribute("href", csv(query, "misses"));
    $("insights-nlu").setAttribute("href", API + "/insights/nlu?tenant=" + encodeURIComponent(tenant));
    call("GET", query).then(function (data) {
      insights.tenant = tenant;
      var range = $("insights-range");
      clear(range);
      [data.tenant + ": van ", clock(data.from), " tot ", clock(data.to), "."].forEach(function (part) {
        range.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
      });
      var current = data.current || {};
      var body = $("insights-figures").tBodies[0];
      clear(body);
      // one row per language the assistant speaks (its names come with the data)
      var names = data.language_names || {};
      var rows = FIGURES.slice();
      var at = rows.findIndex(function (f) { return f[0] === "channels.whatsapp"; }) + 1;
      Object.keys(names).forEach(function (code, i) {
        rows.splice(at + i, 0, ["languages." + code, "Taal: " + names[code] + " (" + code.toUpperCase() + ")"]);
      });
      rows.forEach(function (f) {
        body.appendChild(el("tr", {}, [el("th", { scope: "row" }, [f[1]]),
          el("td", {}, [figure(current, f[0], f[2])]), el("td", {}, [figure(data.previous, f[0], f[2])])]));
      });
      renderSeries(data.series);
      renderTops(current, query);
      renderMisses(data.misses, data.intents, data.intent_labels || {});
      var feedback = current.feedback || {};
      var topics = $("insights-topics").tBodies[0];
      clear(topics);
      (feedback.per_topic || []).forEach(function (t) {
        topics.appendChild(el("tr", {}, [el("th", { scope: "row" }, [t.topic]),
          el("td", {}, [String(t.up)]), el("td", {}, [String(t.down)])]));
      });
      var comments = $("insights-comments");
      clear(comments);
      if (!(feedback.comments || []).length) comments.appendChild(el("li", {}, ["Nog geen opmerkingen."]));
      (feedback.comments || []).forEach(function (c) {
        comments.appendChild(el("li", {}, [el("strong", {}, [c.topic]), " (", clock(c.at), "): ", c.comment]));
      });
    }, function (error) { $("insights-range").textContent = error.message; });
  }

  // The course of the period: a line chart (decoration for the eye, aria-hidden) and the same
  // numbers in the table below it, which is what a screen reader reads.
  function instant(at) { // ms; the gateway's hours and days are UTC ("2026-12-07T14:00", "2026-12-07")
    var text = String(at);
    return Date.parse(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text) ? text + "Z" : text);
  }
  function moment(seconds, unit) {
    var options = unit === "hour" ? { weekday: "short", hour: "2-digit", minute: "2-digit" }
      : { weekday: "short", day: "numeric", month: "short" };
    return new Date(seconds * 1000).toLocaleString("nl-NL", options);
  }
  function renderSeries(series) {
    var box = $("insights-chart");
    if (insights.chart) { insights.chart.destroy(); insights.chart = null; }
    clear(box);
    var points = series && Array.isArray(series.points) ? series.points : null;
    $("insights-series").hidden = !points;
    if (!points) return;
    var hourly = series.unit === "hour";
    insights.unit = hourly ? "hour" : "day";
    var per = hourly ? "Per uur" : "Per dag";
    $("insights-series-title").textContent = "Grafiek: verloop " + per.toLowerCase() +
      ". De cijfers staan in de tabel '" + per + "' hieronder.";
    $("insights-series-caption").textContent = per;
    $("insights-series-when").textContent = hourly ? "Uur" : "Dag";
    $("insights-series-csv").textContent = per + " als CSV";
    var rows = points.filter(function (p) { return p && !isNaN(instant(p.at)); }).sort(function (a, b) {
      return instant(a.at) - instant(b.at);
    });
    var table = $("insights-series-table").tBodies[0];
    clear(table);
    if (!rows.length) {
      table.appendChild(el("tr", {}, [el("td", { colspan: "5" }, ["Nog niets in deze periode."])]));
    }
    var xs = rows.map(function (p) { return instant(p.at) / 1000; });
    rows.forEach(function (p, i) {
      var when = el("time", { datetime: new Date(xs[i] * 1000).toISOString() }, [moment(xs[i], insights.unit)]);
      table.appendChild(el("tr", {}, [el("th", { scope: "row" }, [when])].concat(SERIES.map(function (s) {
        return el("td", {}, [number(p[s[0]])]);
      }))));
    });
    if (!rows.length || typeof window.uPlot !== "function") return; // the table says it all
    var data = [xs].concat(SERIES.map(function (s) {
      return rows.map(function (p) { return typeof p[s[0]] === "number" ? p[s[0]] : null; });
    }));
    var step = hourly ? 3600 : 86400;
    var axis = { stroke: "#1a1a1a", font: "12px system-ui, sans-serif",
      grid: { stroke: "#e3e3e3", width: 1 }, ticks: { stroke: "#c8c8c8", width: 1 } };
    insights.chart = new window.uPlot({
      width: Math.max(box.clientWidth, 280),
      height: 240,
      padding: [12, 40, 0, 8], // room for the last time on the axis
      legend: { live: false, markers: { width: 3, dash: function (u, i) {
        var dash = u.series[i].dash || [];
        return !dash.length ? "solid" : dash[0] <= 2 ? "dotted" : "dashed";
      } } },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: function (u, min, max) {
          return min === max ? [min - step / 2, max + step / 2] : [min, max];
        } },
        y: { range: function (u, min, max) { return [0, Math.max(1, Math.ceil((max || 0) * 1.1))]; } }
      },
      axes: [
        Object.assign({}, axis, {
          // Ticks on the points themselves (UTC hours and days), as many as fit.
          splits: function (u) {
            var every = Math.max(1, Math.ceil(xs.length * (hourly ? 72 : 80) / Math.max(u.width - 60, 1)));
            return xs.filter(function (x, i) { return (xs.length - 1 - i) % every === 0; });
          },
          values: function (u, splits) { return splits.map(function (s) { return moment(s, insights.unit); }); }
        }),
        Object.assign({}, axis, { incrs: WHOLE })
      ],
      series: [{ label: hourly ? "Uur" : "Dag" }].concat(SERIES.map(function (s) {
        return { label: s[1], stroke: s[2], width: 2, dash: s[3], points: { size: 5 } };
      }))
    }, data, box);
    box.querySelectorAll("canvas").forEach(function (c) { c.setAttribute("aria-hidden", "true"); });
    if (!insights.resize && typeof ResizeObserver === "function") {
      // The panel is closed (width 0) when the chart is made; it gets its size on opening.
      insights.resize = new ResizeObserver(function () {
        var width = Math.max($("insights-chart").clientWidth, 280);
        if (insights.chart && insights.chart.width !== width) insights.chart.setSize({ width: width, height: 240 });
      });
      insights.resize.observe(box);
    }
  }

  // A top list: a table whose count cell has a bar (width via CSSOM: no inline style).
  function barCell(value, most) {
    var bar = el("span", { "class": "bar" });
    bar.style.width = (most > 0 && value > 0 ? Math.max(2, Math.round(100 * value / most)) : 0) + "%";
    return el("td", {}, [el("span", { "class": "bar-cell" }, [
      el("span", { "class": "bar-track", "aria-hidden": "true" }, [bar]),
      el("span", { "class": "bar-number" }, [number(value)])])]);
  }
  function topTable(name, caption, heads, items, cells, link, linkText) {
    var rows = items.map(function (item) {
      return el("tr", {}, [el("th", { scope: "row" }, [String(item.label || item.key || "-")])].concat(cells(item)));
    });
    if (!rows.length) {
      rows = [el("tr", {}, [el("td", { colspan: String(heads.length), "class": "empty-row" },
        ["Nog niets in deze periode."])])];
    }
    return el("div", { "class": "top-list", "data-top": name }, [
      el("table", { "class": "top-table" }, [el("caption", {}, [caption]),
        el("thead", {}, [el("tr", {}, heads.map(function (h) { return el("th", { scope: "col" }, [h]); }))]),
        el("tbody", {}, rows)]),
      el("p", { "class": "links" }, [el("a", { href: link, download: "" }, [linkText])])
    ]);
  }
  function renderTops(current, query) {
    var box = $("insights-top-lists");
    clear(box);
    var top = current.top || null;
    var modules = current.modules && Array.isArray(current.modules.top) ? current.modules.top : null;
    $("insights-tops").hidden = !top && !modules;
    TOPS.forEach(function (t) {
      var items = top && Array.isArray(top[t[0]]) ? top[t[0]] : null;
      if (!items) return;
      var most = Math.max.apply(null, [0].concat(items.map(function (i) { return i.count || 0; })));
      box.appendChild(topTable(t[0], t[1], [t[2], "Aantal"], items, function (item) {
        return [barCell(item.count, most)];
      }, csv(query, t[0]), t[3]));
    });
    if (modules) {
      var most = Math.max.apply(null, [0].concat(modules.map(function (m) { return m.shown || 0; })));
      box.appendChild(topTable("modules", "Meest getoonde modules", ["Module", "Getoond", "Details bekeken",
        "Naar aanmelden"], modules, function (m) {
        return [barCell(m.shown, most), el("td", {}, [number(m.details)]), el("td", {}, [number(m.signups)])];
      }, csv(query, "modules"), "Modules als CSV"));
    }
  }

  // Messages the assistant did not understand (masked, as stored): the operator says what the
  // user meant; the labelled ones come back as NLU examples (the YAML link).
  function renderMisses(misses, intents, labels) {
    var list = $("insights-misses");
    clear(list);
    $("insights-misses-box").hidden = !Array.isArray(misses);
    if (!Array.isArray(misses)) return;
    if (!misses.length) list.appendChild(el("li", { "class": "muted" }, ["Geen niet begrepen berichten in deze periode."]));
    var choices = Array.isArray(intents) ? intents : [];
    misses.slice().sort(function (a, b) {
      return (Date.parse(b.last_at) || 0) - (Date.parse(a.last_at) || 0);
    }).forEach(function (miss, n) {
      var id = "miss-" + n;
      var select = el("select", { id: id + "-intent", "aria-describedby": id + "-text" },
        [el("option", { value: "" }, ["— kies —"])].concat(choices.map(function (name) {
          return el("option", { value: name }, [labels[name] ? labels[name] + " (" + name + ")" : name]);
        })));
      if (miss.intent && choices.indexOf(miss.intent) < 0) {
        select.appendChild(el("option", { value: miss.intent }, [miss.intent]));
      }
      select.value = miss.intent || "";
      var status = el("span", { "class": "miss-status", role: "status" });
      var save = el("button", { type: "button", "class": "quiet", "aria-describedby": id + "-text" }, ["Bewaar"]);
      save.addEventListener("click", function () {
        var chosen = select.value || null;
        save.disabled = true;
        status.textContent = "Bezig met bewaren…";
        call("POST", "/insights/misses", { tenant: insights.tenant, ids: miss.ids || [], intent: chosen })
          .then(function () {
            miss.intent = chosen;
            status.textContent = "Bewaard";
          }, function (error) { status.textContent = error.message; })
          .then(function () { save.disabled = false; });
      });
      var count = miss.count > 1 ? el("span", { "class": "miss-count" }, [
        el("span", { "aria-hidden": "true" }, ["×" + miss.count]),
        el("span", { "class": "sr-only" }, [miss.count + " keer"])]) : null;
      list.appendChild(el("li", { "class": "miss" }, [
        el("p", { id: id + "-text", "class": "miss-text" }, [String(miss.text == null ? "" : miss.text)]),
        el("p", { "class": "miss-meta muted" }, [count, count ? " · " : null,
          miss.last_at ? "laatst " : null, miss.last_at ? clock(miss.last_at) : null]),
        el("span", { "class": "miss-form" }, [
          el("label", { "for": id + "-intent" }, ["Wat bedoelde de gebruiker?"]), select, save, status])
      ]));
    });
  }
  $("insights-form").addEventListener("submit", function (event) {
    event.preventDefault();
    loadInsights();
  });

  function start() {
    call("GET", "/me").then(function (me) {
      state.advisor = me.advisor;
      $("who").textContent = me.advisor.name + " · " + me.tenants.map(function (t) {
        return t.name;
      }).join(", ");
      var closed = me.tenants.filter(function (t) { return !t.open; });
      $("availability").textContent = closed.length ? "Buiten kantooruren voor " + closed.map(
        function (t) { return t.name; }).join(", ") + ": gebruikers krijgen dan een " +
        "terugbelverzoek aangeboden." : "";
      $("login").hidden = true;
      $("console").hidden = false;
      $("logout").hidden = false;
      connect();
      refresh();
      $("sources-panel").hidden = me.advisor.role !== "operator";
      if (me.advisor.role === "operator") loadSources();
      $("insights-panel").hidden = me.advisor.role !== "operator";
      if (me.advisor.role === "operator") {
        clear($("insights-tenant"));
        me.tenants.forEach(function (t) {
          $("insights-tenant").appendChild(el("option", { value: t.tenant }, [t.name]));
        });
        loadInsights();
        if (/\/advisor\/insights\/?$/.test(window.location.pathname)) {  // the operator's Monday page
          $("insights-panel").open = true;
          $("insights-panel").scrollIntoView();
        }
      }
      $("main").focus();
    }, function (error) {
      if (error.status !== 401) showLogin(error.message);
    });
  }

  // -- lists -----------------------------------------------------------------------------
  document.querySelectorAll("[data-list]").forEach(function (button) {
    button.addEventListener("click", function () {
      state.list = button.getAttribute("data-list");
      document.querySelectorAll("[data-list]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      refresh();
    });
  });
  function refresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(loadLists, 100); // many events at once: one reload
  }
  function loadLists() {
    LISTS.forEach(function (list) {
      if (list === state.list) return;
      call("GET", "/handoffs?status=" + list).then(function (data) { count(list, data.handoffs.length); });
    });
    call("GET", "/handoffs?status=" + state.list).then(function (data) {
      count(state.list, data.handoffs.length);
      renderList(data.handoffs);
    }, function (error) { setStatus(error.message); });
  }
  function count(list, n) {
    var node = document.querySelector('[data-count="' + list + '"]');
    if (node) node.textContent = n ? "(" + n + ")" : "";
  }
  function renderList(items) {
    var list = $("cases");
    clear(list);
    $("empty").hidden = items.length > 0;
    items.forEach(function (item) {
      var waited = item.status === "waiting" ? el("span", { "class": "waited", "data-since": item.created_at },
        ["wacht " + minutes(since(item.created_at))]) : el("span", { "class": "waited" },
        [item.status === "closed" ? (OUTCOMES[item.outcome] || "gesloten") :
          item.status === "callback" ? "aangevraagd " + minutes(since(item.created_at)) + " geleden" :
            "bij " + (item.advisor || "een adviseur")]);
      var button = el("button", { type: "button", "class": "case-item", "data-id": String(item.id),
        "aria-current": state.current && state.current.id === item.id ? "true" : "false" }, [
        el("span", { "class": "case-line" }, [
          item.position ? el("span", { "class": "position" }, [item.position + "."]) : null,
          el("strong", {}, [item.tenant_name]), " · ", item.channel === "whatsapp" ? "WhatsApp" : "web",
          item.language && item.language !== "nl" ? " " : null, languageBadge(item.language)]),
        el("span", { "class": "case-reason" }, [item.reason_text]),
        waited]);
      button.addEventListener("click", function () { openCase(item.id, true); });
      list.appendChild(el("li", {}, [button]));
    });
  }
  setInterval(function () { // waiting times move on
    document.querySelectorAll("[data-since]").forEach(function (node) {
      node.textContent = "wacht " + minutes(since(node.getAttribute("data-since")));
    });
  }, 15000);

  // -- a case ----------------------------------------------------------------------------
  function openCase(id, focus) {
    return call("GET", "/handoffs/" + id).then(function (detail) {
      var switched = !state.current || state.current.id !== detail.id;
      state.current = detail;
      if (switched) {
        state.seen = {};
        clear($("transcript"));
        $("case-error").textContent = "";
        $("typing").hidden = true;
        send({ type: "watch", handoff_id: detail.id });
      }
      renderCase(detail);
      document.querySelectorAll(".case-item").forEach(function (b) {
        b.setAttribute("aria-current", String(Number(b.getAttribute("data-id")) === detail.id));
      });
      if (focus) $("case-title").focus();
    }, function (error) { setStatus(error.message); });
  }
  function renderCase(d) {
    $("case").hidden = false;
    $("case-title").textContent = "Gesprek " + d.id + " · " + d.tenant_name;
    var badge = languageBadge(d.language);
    if (badge) $("case-title").appendChild(el("span", {}, [" ", badge]));
    var meta = "Reden: " + d.reason_text + " · " + (d.channel === "whatsapp" ? "WhatsApp" : "web") +
      " · " + (STATUS[d.status] || d.status);
    if (d.status === "closed" && d.outcome) meta += " (" + (OUTCOMES[d.outcome] || d.outcome) + ")";
    if (d.advisor) meta += " · adviseur: " + d.advisor;
    meta += " · wachttijd " + minutes(d.waiting_seconds);
    if (d.language) meta += " · taal: " + languageName(d.language);
    // The reply box speaks the user's language (spelling check, screen readers).
    $("reply").setAttribute("lang", d.language || "nl");
    $("case-meta").textContent = meta;
    var mine = d.status === "active" && d.mine;
    $("claim").hidden = d.status !== "waiting";
    $("reply-form").hidden = !mine;
    $("close-form").hidden = !(mine || d.status === "waiting" || d.status === "callback");
    $("close").textContent = d.status === "callback" ? "Afgehandeld (contact gehad)"
      : "Sluiten en teruggeven aan de bot";
    renderFacts($("profile"), PROFILE.filter(function (p) {
      var v = d.profile[p[0]];
      return v !== null && v !== undefined && v !== "";
    }).map(function (p) {
      var v = d.profile[p[0]];
      return [p[1], v === true ? "ja" : v === false ? "nee" : String(v).replace(/_/g, " ")];
    }), "Nog niets bekend.");
    $("callback-box").hidden = !d.callback;
    if (d.callback) {
      renderFacts($("callback"), [["Naam", d.callback.name || "–"],
        [d.callback.kind === "phone" ? "Telefoon" : "E-mail", d.callback.contact]]);
    }
    var modules = $("modules");
    clear(modules);
    d.shown_modules.forEach(function (m) {
      var label = (m.title || m.module_id) + (m.provider ? " – " + m.provider : "");
      modules.appendChild(el("li", {}, [label]));
    });
    if (!d.shown_modules.length) modules.appendChild(el("li", { "class": "muted" }, ["Geen."]));
    var notes = $("notes");
    clear(notes);
    d.notes.forEach(function (n) {
      notes.appendChild(el("li", {}, [el("p", {}, [n.text]),
        el("p", { "class": "muted" }, [(n.advisor || "Adviseur") + ", ", clock(n.created_at)])]));
    });
    if (!d.notes.length) notes.appendChild(el("li", { "class": "muted" }, ["Nog geen notities."]));
    d.messages.forEach(function (m) { addMessage(m, d.handed_over_after); });
  }
  function renderFacts(list, facts, empty) {
    clear(list);
    facts.forEach(function (f) { list.appendChild(el("div", {}, [el("dt", {}, [f[0]]), el("dd", {}, [f[1]])])); });
    if (!facts.length && empty) list.appendChild(el("div", {}, [el("dd", { "class": "muted" }, [empty])]));
  }
  function addMessage(m, handedOverAfter) {
    if (state.seen[m.id]) return;
    state.seen[m.id] = true;
    var log = $("transcript");
    var parts = [el("span", { "class": "sender" }, [SENDERS[m.sender] || m.sender]), " ", clock(m.created_at)];
    var body = [el("p", { "class": "who-line" }, parts)];
    if (m.text) body.push(el("p", { "class": "text" }, [m.text]));
    (m.cards || []).forEach(function (c) {
      body.push(el("p", { "class": "card" }, ["Module: " + c.title + (c.provider ? " – " + c.provider : "")]));
    });
    if (m.buttons && m.buttons.length) {
      body.push(el("p", { "class": "muted" }, ["Knoppen: " + m.buttons.map(function (b) { return b.title; }).join(" | ")]));
    }
    var item = el("li", { "class": "msg msg-" + m.sender, "data-id": String(m.id) }, body);
    var after = null;
    for (var i = 0; i < log.children.length; i++) {
      if (Number(log.children[i].getAttribute("data-id")) > m.id) { after = log.children[i]; break; }
    }
    log.insertBefore(item, after);
    if (handedOverAfter && m.id === handedOverAfter) {
      log.insertBefore(el("li", { "class": "handover", "data-id": String(m.id + 0.5) },
        ["Vanaf hier: doorgestuurd naar een adviseur"]), item.nextSibling);
    }
    if (m.sender === "user") $("typing").hidden = true;
    log.scrollTop = log.scrollHeight;
  }

  $("claim").addEventListener("click", function () {
    var id = state.current.id;
    call("POST", "/handoffs/" + id + "/claim").then(function (detail) {
      state.current = detail;
      renderCase(detail);
      refresh();
      $("reply").focus();
    }, function (error) {
      $("case-error").textContent = error.message;
      openCase(id, false);
      refresh();
    });
  });
  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply").value.trim();
    if (!text) return;
    call("POST", "/handoffs/" + state.current.id + "/messages", { text: text }).then(function (data) {
      $("reply").value = "";
      addMessage(data.message);
      send({ type: "typing", on: false });
      $("reply").focus();
    }, function (error) { $("case-error").textContent = error.message; });
  });
  $("reply").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("reply-form").requestSubmit();
    }
  });
  $("reply").addEventListener("input", function () { // the user sees "Adviseur typt..."
    if (Date.now() - state.lastTyping > 2500) {
      state.lastTyping = Date.now();
      send({ type: "typing", on: true });
    }
  });
  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("note").value.trim();
    if (!text) return;
    call("POST", "/handoffs/" + state.current.id + "/notes", { text: text }).then(function () {
      $("note").value = "";
      return openCase(state.current.id, false);
    }, function (error) { $("case-error").textContent = error.message; });
  });
  $("close-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var note = $("close-note").value.trim();
    call("POST", "/handoffs/" + state.current.id + "/close", note ? { note: note } : {}).then(function (detail) {
      $("close-note").value = "";
      state.current = detail;
      renderCase(detail);
      setStatus("Gesprek " + detail.id + " is gesloten" +
        (detail.outcome === "handed_back" ? " en teruggegeven aan de bot." : "."));
      refresh();
    }, function (error) { $("case-error").textContent = error.message; });
  });

  // -- live events ---------------------------------------------------------------------------
  function send(frame) {
    if (state.ws && state.ws.readyState === 1) state.ws.send(JSON.stringify(frame));
  }
  function connect() {
    if (state.ws || !state.advisor) return;
    var sock = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + API + "/ws");
    state.ws = sock;
    var ping = null;
    sock.addEventListener("open", function () {
      state.attempts = 0;
      setStatus("");
      ping = setInterval(function () { send({ type: "ping" }); }, 20000);
      if (state.current) send({ type: "watch", handoff_id: state.current.id });
      refresh();
    });
    sock.addEventListener("message", function (e) {
      var event;
      try { event = JSON.parse(e.data); } catch (err) { return; }
      handle(event);
    });
    sock.addEventListener("close", function (e) {
      clearInterval(ping);
      if (state.ws !== sock) return;
      state.ws = null;
      if (e.code === 4001) { showLogin("Je bent uitgelogd. Log opnieuw in."); return; }
      if (!state.advisor) return;
      setStatus("Geen live verbinding. We proberen het opnieuw…");
      var delay = Math.min(30000, 1000 * Math.pow(2, state.attempts++));
      state.retryTimer = setTimeout(connect, delay);
    });
  }
  function handle(event) {
    var current = state.current;
    var here = current && event.handoff_id === current.id;
    if (event.type === "message" && here) {
      addMessage(event.message, current.handed_over_after);
    } else if (event.type === "typing" && here && event.sender === "user") {
      $("typing").hidden = !event.on;
      clearTimeout(state.typingTimer);
      if (event.on) state.typingTimer = setTimeout(function () { $("typing").hidden = true; }, 6000);
    } else if (["queued", "claimed", "closed", "left_queue", "callback", "note"].indexOf(event.type) >= 0) {
      refresh();
      if (here) openCase(current.id, false);
      if (event.type === "queued") setStatus("Nieuw gesprek in de wachtrij.");
    } else if (event.type === "user_message" && !here) {
      refresh();
    }
  }

  start();
})();
