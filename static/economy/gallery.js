// The gallery page: unlock the next stage without a reload and reveal it.
// Without JavaScript the forms post to /gallery/unlock/ and the page reloads.

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(url);
    image.onerror = reject;
    image.src = url;
  });
}

async function reveal(itemNode, imageUrl, stage) {
  await loadImage(imageUrl);
  let img = itemNode.querySelector("img[data-testid=gallery-image]");
  if (!img) {
    // The first stage of a collection just opened: no image yet.
    img = document.createElement("img");
    img.dataset.testid = "gallery-image";
    img.width = 512;
    img.height = 384;
    itemNode.querySelector(".gallery-locked")?.replaceWith(img);
  }
  const animate = !reducedMotion.matches;
  if (animate) img.classList.add("reveal-start");
  img.src = imageUrl;
  itemNode.dataset.stage = String(stage);
  if (animate) {
    void img.offsetWidth; // commit the start state before the transition
    requestAnimationFrame(() => img.classList.remove("reveal-start"));
    img.addEventListener(
      "transitionend",
      () => itemNode.classList.add("revealed"),
      { once: true },
    );
  } else {
    itemNode.classList.add("revealed");
  }
}

async function refreshFrom(itemNode) {
  // The server renders the next condition and stage text in the page's language.
  const response = await fetch(window.location.pathname, { credentials: "same-origin" });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById(itemNode.id);
  if (fresh) {
    const freshImage = fresh.querySelector("img[data-testid=gallery-image]");
    const image = itemNode.querySelector("img[data-testid=gallery-image]");
    if (freshImage && image) image.alt = freshImage.alt;
    for (const selector of [".gallery-next", ".gallery-stage"]) {
      const old = itemNode.querySelector(selector);
      const replacement = fresh.querySelector(selector);
      if (old && replacement) old.replaceWith(replacement);
    }
  }
  const balance = page.querySelector("[data-testid=gallery-balance]");
  const shown = document.querySelector("[data-testid=gallery-balance]");
  if (balance && shown) shown.textContent = balance.textContent;
  bind(itemNode);
}

async function unlock(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const itemNode = form.closest(".gallery-item");
  const error = itemNode.querySelector(".gallery-error");
  const button = form.querySelector("button");
  button.disabled = true;
  error.textContent = "";
  try {
    const response = await fetch("/api/unlock", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value,
        "Idempotency-Key": form.querySelector("[name=idempotency_key]").value,
      },
      body: JSON.stringify({ item_id: Number(form.querySelector("[name=item_id]").value) }),
    });
    const body = await response.json();
    if (!response.ok) {
      error.textContent = body.error?.message || String(response.status);
      button.disabled = false;
      return;
    }
    await reveal(itemNode, body.item.image_url, body.item.stage);
    await refreshFrom(itemNode);
  } catch (failure) {
    error.textContent = String(failure);
    button.disabled = false;
  }
}

function bind(root) {
  for (const form of root.querySelectorAll("form.gallery-unlock")) {
    form.addEventListener("submit", unlock);
  }
}

bind(document);
