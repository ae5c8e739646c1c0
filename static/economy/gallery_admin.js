// The gallery item admin: draw the stage 2 region as a rectangle over a preview of the
// picture; it fills region_x/y/w/h in the original's pixels. The four fields work
// without this script, and typing in them moves the rectangle.
"use strict";

// Django's JavaScript catalogue (/jsi18n/, loaded before this file by the admin's
// Media) defines window.gettext; without it the English stays.
const gettext = typeof window.gettext === "function" ? window.gettext : (text) => text;

document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector(".gallery-region-picker");
  const fileInput = document.getElementById("id_original");
  const fields = ["x", "y", "w", "h"].map((name) => document.getElementById(`id_region_${name}`));
  if (!picker || !fileInput || fields.some((field) => !field)) return;

  const stage = document.createElement("div");
  stage.className = "gallery-region-stage";
  const img = document.createElement("img");
  img.alt = "";
  const box = document.createElement("div");
  box.className = "gallery-region-box";
  box.hidden = true;
  stage.append(img, box);
  const help = document.createElement("p");
  help.className = "gallery-region-help";
  help.textContent = gettext("Drag on the picture to mark the region stage 2 reveals.");
  picker.append(stage, help);

  // The original's size: from the server for a saved item, from the file for a new one.
  let originalWidth = Number(picker.dataset.width) || 0;
  let originalHeight = Number(picker.dataset.height) || 0;

  function scale() {
    return img.clientWidth ? originalWidth / img.clientWidth : 1;
  }

  function draw() {
    const [x, y, w, h] = fields.map((field) => Number(field.value) || 0);
    if (!img.clientWidth || w < 1 || h < 1) {
      box.hidden = true;
      return;
    }
    const factor = scale();
    box.hidden = false;
    box.style.left = `${x / factor}px`;
    box.style.top = `${y / factor}px`;
    box.style.width = `${w / factor}px`;
    box.style.height = `${h / factor}px`;
  }

  function show(url) {
    img.src = url;
    picker.hidden = false;
  }

  img.addEventListener("load", () => {
    if (img.dataset.fromFile === "1") {
      originalWidth = img.naturalWidth;
      originalHeight = img.naturalHeight;
    }
    draw();
  });

  if (picker.dataset.previewUrl) show(picker.dataset.previewUrl);

  fileInput.addEventListener("change", () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    img.dataset.fromFile = "1";
    // A data: URL, not a blob: one: the site's CSP allows img-src 'self' data: only.
    const reader = new FileReader();
    reader.addEventListener("load", () => show(reader.result));
    reader.readAsDataURL(file);
  });

  function point(event) {
    const rect = img.getBoundingClientRect();
    const x = Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
    const y = Math.min(Math.max(event.clientY - rect.top, 0), rect.height);
    return { x, y };
  }

  let start = null;
  function update(event) {
    const end = point(event);
    const factor = scale();
    const left = Math.min(start.x, end.x) * factor;
    const top = Math.min(start.y, end.y) * factor;
    const right = Math.max(start.x, end.x) * factor;
    const bottom = Math.max(start.y, end.y) * factor;
    const x = Math.min(Math.floor(left), Math.max(0, originalWidth - 1));
    const y = Math.min(Math.floor(top), Math.max(0, originalHeight - 1));
    fields[0].value = String(x);
    fields[1].value = String(y);
    fields[2].value = String(Math.max(1, Math.min(Math.round(right) - x, originalWidth - x)));
    fields[3].value = String(Math.max(1, Math.min(Math.round(bottom) - y, originalHeight - y)));
    draw();
  }

  stage.addEventListener("pointerdown", (event) => {
    if (!img.clientWidth) return;
    event.preventDefault();
    start = point(event);
    stage.setPointerCapture(event.pointerId);
  });
  stage.addEventListener("pointermove", (event) => {
    if (start) update(event);
  });
  stage.addEventListener("pointerup", (event) => {
    if (!start) return;
    update(event);
    start = null;
  });
  for (const field of fields) field.addEventListener("input", draw);
  window.addEventListener("resize", draw);
});
