// Site-wide behaviour: the phone navigation toggle and the live socket.
// Pages listen for `live:<type>` events on `document` instead of opening
// their own sockets, so each player keeps one connection.

const toggle = document.querySelector(".nav-toggle");
const nav = document.getElementById("site-nav");
if (toggle && nav) {
  // The menu is closed on phones by CSS from the first paint; the toggle is a
  // link to #site-nav (works without JavaScript), made a button here.
  toggle.addEventListener("click", (event) => {
    event.preventDefault();
    const open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    nav.dataset.expanded = String(!open);
    if (!open) nav.querySelector("a, button")?.focus();
  });
  toggle.addEventListener("keydown", (event) => {
    if (event.key === " ") {
      event.preventDefault();
      toggle.click();
    }
  });
}

export function announce(text) {
  const region = document.getElementById("live-region");
  if (region) region.textContent = text;
}

function connectLive(attempt = 0) {
  if (document.body.dataset.authenticated !== "true" || !("WebSocket" in window)) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/live/`);
  window.casinoLive = socket;
  socket.addEventListener("open", () => {
    attempt = 0;
    document.dispatchEvent(new CustomEvent("live:open", { detail: socket }));
  });
  socket.addEventListener("message", (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch { return; }
    if (event && typeof event.type === "string") {
      document.dispatchEvent(new CustomEvent(`live:${event.type}`, { detail: event }));
    }
  });
  socket.addEventListener("close", (closeEvent) => {
    if (closeEvent.code === 4401) return; // signed out: do not retry
    const delay = Math.min(30000, 1000 * 2 ** attempt) + Math.random() * 500;
    setTimeout(() => connectLive(attempt + 1), delay);
  });
}
connectLive();

// Notifications: keep the unread badge current and show a short toast.
function setUnread(count) {
  for (const badge of document.querySelectorAll("[data-unread-count]")) {
    badge.textContent = String(count);
    badge.toggleAttribute("data-zero", count === 0);
  }
}
document.addEventListener("live:notification", (event) => {
  const { title, unread } = event.detail;
  setUnread(unread);
  announce(title);
  let stack = document.querySelector(".toast-stack");
  if (!stack) {
    stack = document.createElement("div");
    stack.className = "toast-stack";
    document.body.append(stack);
  }
  const toast = document.createElement("div");
  toast.className = "toast";
  toast.setAttribute("role", "status");
  toast.textContent = title;
  stack.append(toast);
  setTimeout(() => toast.remove(), 6000);
});
document.addEventListener("live:notification.read", (event) => setUnread(event.detail.unread));

// A table wider than the screen scrolls inside its wrapper; keyboard users must
// be able to focus the wrapper to scroll it (WCAG 2.1.1). Only wrappers that
// actually overflow become a tab stop, re-checked when the window resizes.
const SCROLLERS = ".table-wrap, .table-scroll, pre";
function markScrollers() {
  for (const node of document.querySelectorAll(SCROLLERS)) {
    const scrolls = node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1;
    if (scrolls) {
      node.tabIndex = 0;
      if (!node.hasAttribute("aria-label")) {
        const caption = node.querySelector("caption");
        if (caption) {
          node.setAttribute("role", "region");
          node.setAttribute("aria-label", caption.textContent.trim());
        }
      }
    } else if (node.tabIndex === 0) {
      node.removeAttribute("tabindex");
    }
  }
}
markScrollers();
new ResizeObserver(markScrollers).observe(document.documentElement);
document.addEventListener("toggle", markScrollers, true); // a <details> opened or closed
