// Fairness page: current seeds, rotation, recent rounds and the in-browser
// verifier. The verdict comes from fair.js alone (WebCrypto on the revealed
// seed); the server only supplies the data to check.
import { verifyRound } from "./fair.js";
import { announce, api, initShell, text } from "./play.js";

const slotsBoard = JSON.parse(document.getElementById("slots-board").textContent);
const seedHash = document.querySelector("[data-seed-hash]");
const clientSeed = document.querySelector("[data-client-seed]");
const nonceNode = document.querySelector("[data-nonce]");
const rotateForm = document.querySelector("[data-rotate-form]");
const seedsStatus = document.querySelector("[data-seeds-status]");
const revealed = document.querySelector("[data-revealed]");
const roundsBody = document.querySelector("[data-rounds]");
const roundsEmpty = document.querySelector("[data-rounds-empty]");
const verifyForm = document.querySelector("[data-verify-form]");
const reelsField = document.querySelector("[data-reels-field]");
const verdict = document.querySelector("[data-verdict]");
const checksList = document.querySelector("[data-checks]");

function capitalised(name) {
  return name[0].toUpperCase() + name.slice(1);
}

function showSeeds(seeds) {
  seedHash.textContent = seeds.server_seed_hash;
  clientSeed.textContent = seeds.client_seed;
  nonceNode.textContent = String(seeds.nonce);
}

async function loadSeeds() {
  try {
    showSeeds(await api("/api/fairness/seeds"));
  } catch (error) {
    seedsStatus.dataset.kind = "error";
    seedsStatus.textContent = error.message;
  }
}

async function rotate(event) {
  event.preventDefault();
  const button = rotateForm.querySelector("button[type=submit]");
  const chosen = rotateForm.elements.client_seed.value.trim();
  button.disabled = true;
  try {
    const result = await api("/api/fairness/rotate", { method: "POST", body: chosen ? { client_seed: chosen } : {} });
    showSeeds(result);
    revealed.hidden = false;
    revealed.querySelector("[data-revealed-seed]").textContent = result.revealed_server_seed;
    revealed.querySelector("[data-revealed-hash]").textContent = result.previous_server_seed_hash;
    rotateForm.elements.client_seed.value = "";
    seedsStatus.dataset.kind = "win";
    seedsStatus.textContent = text("rotated");
    announce(text("rotated"));
    await loadRounds();
  } catch (error) {
    seedsStatus.dataset.kind = "error";
    seedsStatus.textContent = error.message;
    announce(error.message);
  } finally {
    button.disabled = false;
  }
}

function cell(content) {
  const td = document.createElement("td");
  td.textContent = content;
  return td;
}

async function loadRounds() {
  let page;
  try {
    page = await api("/api/games/rounds/?page_size=20");
  } catch (error) {
    roundsEmpty.hidden = false;
    roundsEmpty.textContent = error.message;
    return;
  }
  const rounds = page.results || [];
  roundsEmpty.hidden = rounds.length > 0;
  roundsBody.replaceChildren(
    ...rounds.map((round) => {
      const row = document.createElement("tr");
      row.dataset.roundId = String(round.id);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button small";
      button.textContent = text("verifyButton");
      button.setAttribute("aria-label", text("verifyRound", { id: round.id }));
      button.addEventListener("click", () => loadRound(round.id));
      const action = document.createElement("td");
      action.append(button);
      row.append(
        cell(`#${round.id}`),
        cell(text(`game${capitalised(round.game)}`) || round.game),
        cell(String(round.wager)),
        cell(String(round.payout)),
        cell(String(round.nonce)),
        action,
      );
      return row;
    }),
  );
}

function syncReelsField() {
  reelsField.hidden = verifyForm.elements.game.value !== "slots";
}

async function loadRound(id) {
  let round;
  try {
    round = await api(`/api/games/rounds/${id}`);
  } catch (error) {
    showVerdict("error", error.message);
    return;
  }
  const fields = verifyForm.elements;
  fields.game.value = round.game;
  fields.nonce.value = String(round.nonce);
  fields.server_seed.value = round.server_seed || "";
  fields.server_seed_hash.value = round.server_seed_hash;
  fields.client_seed.value = round.client_seed;
  const outcome = { ...round.outcome };
  fields.outcome.value = JSON.stringify(outcome);
  const reels = (round.config && round.config.reels) || slotsBoard.reels;
  fields.reels.value = round.game === "slots" ? JSON.stringify(reels) : "";
  syncReelsField();
  checksList.replaceChildren();
  if (!round.server_seed) {
    showVerdict("error", text("notRevealed"));
    return;
  }
  announce(text("loaded", { id }));
  await verify();
  fields.server_seed.focus();
}

function showVerdict(kind, message) {
  verdict.hidden = false;
  verdict.dataset.verdict = kind;
  verdict.textContent = message;
  announce(message);
}

function shown(value) {
  return typeof value === "string" ? value : JSON.stringify(value);
}

async function verify(event) {
  if (event) event.preventDefault();
  const fields = verifyForm.elements;
  let outcome;
  let reels = null;
  try {
    outcome = fields.outcome.value.trim() ? JSON.parse(fields.outcome.value) : {};
    if (fields.game.value === "slots") reels = JSON.parse(fields.reels.value || JSON.stringify(slotsBoard.reels));
  } catch {
    showVerdict("error", text("badJson"));
    return;
  }
  const round = {
    game: fields.game.value,
    server_seed: fields.server_seed.value.trim(),
    server_seed_hash: fields.server_seed_hash.value.trim(),
    client_seed: fields.client_seed.value,
    nonce: Number(fields.nonce.value),
    outcome,
    config: reels ? { reels, rows: (outcome.window && outcome.window[0] && outcome.window[0].length) || slotsBoard.rows } : undefined,
  };
  let result;
  try {
    result = await verifyRound(round);
  } catch (error) {
    showVerdict("error", round.server_seed ? error.message : text("notRevealed"));
    checksList.replaceChildren();
    return;
  }
  checksList.replaceChildren(
    ...result.checks.map((check) => {
      const item = document.createElement("li");
      item.dataset.ok = String(check.ok);
      item.dataset.check = check.name;
      const label = text(`check${capitalised(check.name)}`) || check.name;
      item.textContent = `${label}: ${text("expected")} ${shown(check.expected)} · ${text("actual")} ${shown(check.actual)}`;
      return item;
    }),
  );
  showVerdict(result.matches ? "match" : "mismatch", text(result.matches ? "match" : "mismatch"));
}

initShell();
syncReelsField();
verifyForm.elements.game.addEventListener("change", syncReelsField);
verifyForm.addEventListener("submit", verify);
rotateForm.addEventListener("submit", rotate);
loadSeeds();
loadRounds();
