// Live countdowns for the limited-time event banner, and a banner for an
// event that starts while the page is open (the "event.started" live push).
const banner = document.querySelector("[data-event-banner]");

function remaining(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const clock = [hours, minutes, seconds].map((n) => String(n).padStart(2, "0")).join(":");
  return days > 0 ? `${days}d ${clock}` : clock;
}

function tick() {
  const now = Date.now();
  for (const time of document.querySelectorAll("time[data-countdown]")) {
    const left = Date.parse(time.getAttribute("datetime")) - now;
    if (left <= 0) {
      time.closest(".event")?.remove();
      continue;
    }
    time.textContent = remaining(left);
  }
  if (banner && !banner.querySelector(".event")) banner.hidden = true;
}

// The push carries both languages; the page's own (<html lang>) wins, English otherwise.
const korean = document.documentElement.lang.startsWith("ko");

function addEvent(event) {
  if (korean) event = { ...event, name: event.name_ko || event.name, description: event.description_ko || event.description };
  if (!banner || banner.querySelector(`[data-event-id="${event.id}"]`)) return;
  const line = document.createElement("p");
  line.className = "event";
  line.dataset.eventId = event.id;
  const name = document.createElement("strong");
  name.textContent = event.name;
  line.append(name);
  if (event.description) line.append(` · ${event.description}`);
  const countdown = document.createElement("span");
  countdown.className = "event-countdown";
  const time = document.createElement("time");
  time.dataset.countdown = "";
  time.setAttribute("datetime", event.ends_at);
  countdown.append(time);
  line.append(" ", countdown);
  banner.append(line);
  banner.hidden = false;
  tick();
}

document.addEventListener("live:event.started", (e) => addEvent(e.detail));
tick();
setInterval(tick, 1000);
