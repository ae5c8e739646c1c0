// Reality checks: every N minutes of play (the player's choice, counted on the
// server) a dialog shows time played and net coins this session. "Keep playing"
// and "Take a break" both record the answer, so the next check is N minutes later.
const dialog = document.querySelector("[data-reality-check]");
const POLL_MS = 60_000;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function request(url, method = "GET") {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  const response = await fetch(url, { method, headers, credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

function show(session) {
  const text = dialog.dataset.text
    .replace("{minutes}", String(session.minutes_played))
    .replace("{net}", session.net_coins > 0 ? `+${session.net_coins}` : String(session.net_coins));
  dialog.querySelector("[data-reality-text]").textContent = text;
  if (!dialog.open) dialog.showModal();
}

async function check() {
  if (dialog.open) return;
  try {
    const session = await request(dialog.dataset.sessionUrl);
    if (session.reality_check_due) show(session);
  } catch {
    // Offline or signed out: try again on the next tick.
  }
}

async function answer(takeBreak) {
  try {
    await request(dialog.dataset.ackUrl, "POST");
  } finally {
    dialog.close();
    if (takeBreak) window.location.assign(dialog.dataset.breakUrl);
  }
}

if (dialog && typeof dialog.showModal === "function") {
  dialog.querySelector("[data-keep-playing]").addEventListener("click", () => answer(false));
  dialog.querySelector("[data-take-break]").addEventListener("click", () => answer(true));
  // Escape is "keep playing": the answer is still recorded.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    answer(false);
  });
  check();
  setInterval(check, POLL_MS);
  // A round just played may have made a check due.
  document.addEventListener("visibilitychange", () => document.hidden || check());
}
