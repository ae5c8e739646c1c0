// The daily mood prompt: answer without leaving the page. Without JS the
// form posts to /mood/ and comes back here.
const form = document.querySelector("[data-mood-form]");
if (form) {
  form.addEventListener("submit", async (event) => {
    const button = event.submitter;
    if (!button || !window.fetch) return;
    event.preventDefault();
    let response;
    try {
      response = await fetch("/api/mood", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value,
        },
        body: JSON.stringify({ mood: button.value }),
      });
    } catch {
      response = { ok: false };
    }
    if (!response.ok) {
      // Fall back to the plain form post, which shows the error on the page.
      const chosen = document.createElement("input");
      chosen.type = "hidden";
      chosen.name = "mood";
      chosen.value = button.value;
      form.append(chosen);
      form.submit();
      return;
    }
    const prompt = document.getElementById("mood-prompt");
    prompt.hidden = true;
    const heading = document.querySelector("main h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });
  document.addEventListener("keydown", (event) => {
    const prompt = document.getElementById("mood-prompt");
    if (event.key === "Escape" && prompt && !prompt.hidden && prompt.contains(document.activeElement)) {
      form.querySelector("[value=skipped]").click();
    }
  });
}
