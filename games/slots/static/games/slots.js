// Slots page: the reels spin while the server settles the round, then stop,
// reel by reel, on the server's window; winning paylines are drawn over it.
import { initShell, play, reducedMotion, setPlaying, showError, showResult, sleep, sound, text } from "./play.js";

const board = JSON.parse(document.getElementById("slots-board").textContent);
const windowNode = document.querySelector("[data-slots-window]");
const reelNodes = Array.from(windowNode.querySelectorAll("[data-reel]"));
const linesSvg = windowNode.querySelector("[data-paylines]");
const form = document.querySelector("[data-slots-form]");
const spinButton = form.querySelector("button[type=submit]");
const betInput = form.elements.bet_per_line;
const linesInput = form.elements.lines;
const totalNode = form.querySelector("[data-total-bet]");
const resultNode = document.querySelector("[data-result]");
const winsList = document.querySelector("[data-line-wins]");
const SVG = "http://www.w3.org/2000/svg";

const STOP_GAP_MS = 260;
const MIN_SPIN_MS = 700;

function symbolInfo(code) {
  return board.symbols[code] || { label: code, glyph: code };
}

function makeCell(code, row) {
  const cell = document.createElement("div");
  cell.className = "cell";
  cell.dataset.symbol = code;
  if (row !== undefined) cell.dataset.row = String(row);
  const glyph = document.createElement("span");
  glyph.className = "glyph";
  // Constant SVG markup from the server's symbol table (no player input).
  glyph.innerHTML = symbolInfo(code).glyph;
  glyph.setAttribute("aria-hidden", "true");
  const label = document.createElement("span");
  label.className = "symbol-name";
  label.textContent = symbolInfo(code).label;
  cell.append(glyph, label);
  return cell;
}

function showReel(reelIndex, column) {
  const strip = reelNodes[reelIndex].querySelector("[data-reel-strip]");
  strip.replaceChildren(...column.map((code, row) => makeCell(code, row)));
}

function describeWindow(window) {
  const parts = window.map((column, reel) =>
    text("reelLabel", { reel: reel + 1, symbols: column.map((code) => symbolInfo(code).label).join(", ") }),
  );
  windowNode.setAttribute("aria-label", parts.join("; "));
}

function initialWindow() {
  return board.reels.map((strip) => Array.from({ length: board.rows }, (_, row) => strip[row % strip.length]));
}

function startSpin() {
  if (reducedMotion()) return;
  reelNodes.forEach((reelNode, reelIndex) => {
    const strip = board.reels[reelIndex];
    const offset = Math.floor(Math.random() * strip.length);
    // Twice the same run of symbols, so the looping animation has no seam.
    const run = Array.from({ length: 8 }, (_, i) => strip[(offset + i) % strip.length]);
    const blur = reelNode.querySelector("[data-reel-strip]");
    blur.replaceChildren(...[...run, ...run].map((code) => makeCell(code)));
    reelNode.style.setProperty("--spin-duration", `${0.28 + reelIndex * 0.03}s`);
    reelNode.classList.add("spinning");
    reelNode.classList.remove("landed");
  });
}

async function stopReels(window) {
  for (let reel = 0; reel < reelNodes.length; reel += 1) {
    const reelNode = reelNodes[reel];
    reelNode.classList.remove("spinning");
    showReel(reel, window[reel]);
    if (!reducedMotion()) {
      reelNode.classList.add("landed");
      if (reel < reelNodes.length - 1) await sleep(STOP_GAP_MS);
    }
  }
}

function clearHighlights() {
  linesSvg.replaceChildren();
  winsList.replaceChildren();
  for (const cell of windowNode.querySelectorAll(".cell.win")) cell.classList.remove("win");
}

function cellAt(reel, row) {
  return reelNodes[reel].querySelector(`.cell[data-row="${row}"]`);
}

function highlight(outcome) {
  (outcome.line_wins || []).forEach((win, index) => {
    const rows = win.rows || board.paylines[win.line - 1];
    const polyline = document.createElementNS(SVG, "polyline");
    polyline.setAttribute("points", rows.map((row, reel) => `${reel + 0.5},${row + 0.5}`).join(" "));
    polyline.setAttribute("class", `payline payline-${index % 6}`);
    linesSvg.append(polyline);
    for (let reel = 0; reel < win.count; reel += 1) cellAt(reel, rows[reel])?.classList.add("win");
    const item = document.createElement("li");
    item.textContent = text("lineWin", {
      line: win.line,
      count: win.count,
      symbol: symbolInfo(win.symbol).label,
      payout: win.payout,
    });
    item.className = `line-win payline-${index % 6}`;
    winsList.append(item);
  });
  const scatter = outcome.scatter || {};
  if (scatter.payout > 0) {
    const scatterCode = board.scatter;
    outcome.window.forEach((column, reel) =>
      column.forEach((code, row) => {
        if (code === scatterCode) cellAt(reel, row)?.classList.add("win");
      }),
    );
    const item = document.createElement("li");
    item.textContent = text("scatterWin", { count: scatter.count, symbol: symbolInfo(scatterCode).label, payout: scatter.payout });
    winsList.append(item);
  }
}

function clampInput(input) {
  const min = Number(input.min);
  const max = Number(input.max);
  let value = Math.round(Number(input.value));
  if (!Number.isFinite(value)) value = min;
  value = Math.min(max, Math.max(min, value));
  input.value = String(value);
  return value;
}

function updateTotal() {
  const bet = Number(betInput.value);
  const lines = Number(linesInput.value);
  totalNode.textContent = Number.isFinite(bet * lines) ? String(bet * lines) : "—";
}

let previousWindow = initialWindow();

async function spin(event) {
  event.preventDefault();
  const params = { bet_per_line: clampInput(betInput), lines: clampInput(linesInput) };
  updateTotal();
  spinButton.disabled = true;
  setPlaying(true);
  clearHighlights();
  resultNode.dataset.kind = "pending";
  resultNode.textContent = text("spinning");
  sound("spin");
  startSpin();
  const started = performance.now();
  try {
    const response = await play("slots", params);
    const round = response.round;
    if (!reducedMotion()) await sleep(Math.max(0, MIN_SPIN_MS - (performance.now() - started)));
    await stopReels(round.outcome.window);
    previousWindow = round.outcome.window;
    describeWindow(previousWindow);
    highlight(round.outcome);
    showResult(resultNode, { wager: round.wager, payout: round.payout, balance: response.balance, line: response.feedback && response.feedback.line });
  } catch (error) {
    await stopReels(previousWindow);
    showError(resultNode, error);
  } finally {
    setPlaying(false);
    spinButton.disabled = false;
  }
}

initShell();
previousWindow.forEach((column, reel) => showReel(reel, column));
describeWindow(previousWindow);
betInput.addEventListener("input", updateTotal);
linesInput.addEventListener("input", updateTotal);
form.addEventListener("submit", spin);
updateTotal();

// Space spins when focus is not on a control that uses the key itself.
const OWN_SPACE = "input, textarea, select, button, a, summary, [contenteditable]";
document.addEventListener("keydown", (event) => {
  if (event.code !== "Space" || event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target instanceof Element && event.target.closest(OWN_SPACE)) return;
  event.preventDefault();
  if (!spinButton.disabled) form.requestSubmit(spinButton);
});
