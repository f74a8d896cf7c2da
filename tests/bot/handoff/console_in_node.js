// Runs the advisor console (bot/static/advisor/console.js) in Node against a real gateway, with
// just enough DOM for it to start: elements start hidden as index.html says, fetch goes to the
// gateway with the advisor's bearer token, the websocket is a stand-in that never connects.
// Prints JSON: which elements are hidden, what the console asked the API, the number of items
// it put in each list, and any error.   Usage: node console_in_node.js GATEWAY_URL TOKEN
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [base, token] = process.argv.slice(2);
const dir = path.resolve(__dirname, "../../../bot/static/advisor");
const html = fs.readFileSync(path.join(dir, "index.html"), "utf8");
const hiddenInHtml = new Set();
for (const tag of html.match(/<[a-z]+\s[^>]*>/g)) {
  const id = /\sid="([^"]+)"/.exec(tag);
  if (id && /\shidden[\s>]/.test(tag)) hiddenInHtml.add(id[1]);
}

function element(id) {
  return {
    id, hidden: hiddenInHtml.has(id), textContent: "", value: "", disabled: false, children: [],
    firstChild: null, attributes: {}, style: {}, dataset: {},
    classList: { add() {}, remove() {}, toggle() {}, contains() { return false; } },
    setAttribute(name, value) { this.attributes[name] = String(value); },
    getAttribute(name) { return this.attributes[name]; },
    removeAttribute(name) { delete this.attributes[name]; },
    appendChild(child) { this.children.push(child); this.firstChild = this.children[0]; return child; },
    removeChild(child) {
      this.children.splice(this.children.indexOf(child), 1);
      this.firstChild = this.children[0] || null;
      return child;
    },
    addEventListener() {}, focus() {}, scrollIntoView() {},
    querySelector() { return null; }, querySelectorAll() { return []; },
  };
}

const elements = {};
const calls = [];
const errors = [];
const document = {
  getElementById(id) { return elements[id] || (elements[id] = element(id)); },
  createElement() { return element(null); },
  createTextNode(text) { return { textContent: text }; },
  querySelector(selector) { return document.getElementById(selector); },
  querySelectorAll() { return []; },
  addEventListener() {},
  visibilityState: "visible",
};
class WebSocket {
  constructor() { this.readyState = 0; }
  addEventListener() {}
  send() {}
  close() {}
}
function apiFetch(url, options) {
  calls.push(`${options.method} ${url}`);
  const headers = Object.assign({}, options.headers, { Authorization: `Bearer ${token}` });
  return fetch(base + url, { method: options.method, headers, body: options.body });
}
const context = vm.createContext({
  document, WebSocket, fetch: apiFetch, console, Date, JSON, Math, Promise,
  setTimeout, clearTimeout, setInterval, clearInterval,
  location: { protocol: base.startsWith("https") ? "https:" : "http:", host: new URL(base).host },
});
context.window = context;
process.on("unhandledRejection", (err) => errors.push(String(err)));
try {
  vm.runInContext(fs.readFileSync(path.join(dir, "console.js"), "utf8"), context);
} catch (err) {
  errors.push(String(err));
}
setTimeout(() => {
  const hidden = {};
  const items = {};
  for (const [id, el] of Object.entries(elements)) {
    hidden[id] = el.hidden;
    items[id] = el.children.length;
  }
  process.stdout.write(JSON.stringify({ hidden, calls, items, errors }));
  process.exit(0);
}, 1500);
