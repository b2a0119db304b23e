// Mailwright admin center and account portal: dialogs, the live policy check of every
// new-password form (reset dialog, change form, recovery link page), generated passwords and
// copy buttons. Plain JavaScript, no build step; loaded as a static file so the
// Content-Security-Policy can forbid inline script.
"use strict";

(function () {
  const DEBOUNCE_MS = 300;

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  async function postJson(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRF-Token": csrfToken(),
      },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(data.error || "The server refused the request (" + response.status + ").");
    }
    return data;
  }

  function setList(list, items, className) {
    list.replaceChildren();
    list.className = "reasons" + (className ? " " + className : "");
    for (const text of items) {
      const item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    }
  }

  function wireResetForm(form) {
    const password = form.querySelector("#new-password");
    const confirm = form.querySelector("#confirm-password");
    const confirmMessage = form.querySelector("#confirm-message");
    const meter = form.querySelector("#password-strength");
    const strengthText = form.querySelector("#password-strength-text");
    const reasons = form.querySelector("#password-reasons");
    const generated = form.querySelector("#generated");
    const generatedValue = form.querySelector("#generated-value");
    const generateButton = form.querySelector("#generate-password");
    // The recovery link's page has no session: its link token authorises the check.
    const linkToken = form.querySelector('input[name="token"]');
    let timer = null;
    let sequence = 0;

    function clearVerdict() {
      meter.value = 0;
      strengthText.textContent = "not checked yet";
      setList(reasons, [], "");
    }

    async function check() {
      const mine = ++sequence;
      const value = password.value;
      if (!value) {
        clearVerdict();
        return;
      }
      strengthText.textContent = "checking…";
      try {
        const body = { password: value };
        if (linkToken) {
          body.token = linkToken.value;
        }
        const verdict = await postJson(form.dataset.checkUrl, body);
        if (mine !== sequence) {
          return; // a newer keystroke has its own check under way
        }
        meter.value = verdict.score;
        strengthText.textContent = verdict.strength + " (" + verdict.score + " of 4)";
        if (verdict.ok) {
          setList(reasons, ["The password meets the policy."], "passes");
        } else {
          setList(reasons, verdict.reasons, "");
        }
      } catch (error) {
        if (mine === sequence) {
          strengthText.textContent = "not checked";
          setList(reasons, [error.message], "");
        }
      }
    }

    function compare() {
      if (!confirm.value) {
        confirmMessage.textContent = "";
        confirmMessage.className = "confirm-message";
      } else if (confirm.value !== password.value) {
        confirmMessage.textContent = "The passwords do not match.";
        confirmMessage.className = "confirm-message";
      } else {
        confirmMessage.textContent = "The passwords match.";
        confirmMessage.className = "confirm-message matches";
      }
    }

    password.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(check, DEBOUNCE_MS);
      compare();
    });
    confirm.addEventListener("input", compare);

    if (generateButton) {
      generateButton.addEventListener("click", async () => {
        try {
          const data = await postJson(form.dataset.generateUrl, {});
          password.value = data.password;
          confirm.value = data.password;
          generatedValue.textContent = data.password;
          generated.hidden = false;
          compare();
          clearTimeout(timer);
          check();
        } catch (error) {
          setList(reasons, [error.message], "");
        }
      });
    }

    form.addEventListener("submit", (event) => {
      if (password.value !== confirm.value) {
        event.preventDefault();
        compare();
        confirm.focus();
      }
    });

    form.reset_secrets = function () {
      clearTimeout(timer);
      sequence++;
      password.value = "";
      confirm.value = "";
      if (generated) {
        generatedValue.textContent = "";
        generated.hidden = true;
      }
      compare();
      clearVerdict();
    };
  }

  function wireDialogs() {
    for (const opener of document.querySelectorAll("[data-opens-dialog]")) {
      const dialog = document.getElementById(opener.dataset.opensDialog);
      if (!dialog) {
        continue;
      }
      opener.addEventListener("click", () => {
        dialog.showModal();
        const first = dialog.querySelector("input:not([type=hidden])");
        if (first) {
          first.focus();
        }
      });
      dialog.addEventListener("close", () => {
        // Nothing secret stays in a closed dialog.
        for (const form of dialog.querySelectorAll("form")) {
          if (form.reset_secrets) {
            form.reset_secrets();
          }
        }
        opener.focus();
      });
    }
    for (const closer of document.querySelectorAll("[data-closes-dialog]")) {
      closer.addEventListener("click", () => {
        const dialog = document.getElementById(closer.dataset.closesDialog);
        if (dialog) {
          dialog.close();
        }
      });
    }
  }

  function wireCopyButtons() {
    for (const button of document.querySelectorAll("[data-copy-target]")) {
      button.addEventListener("click", async () => {
        const source = document.getElementById(button.dataset.copyTarget);
        if (!source) {
          return;
        }
        try {
          await navigator.clipboard.writeText(source.textContent);
          button.textContent = "Copied";
        } catch (error) {
          // No clipboard access (e.g. plain HTTP to a remote host): select it for Ctrl+C.
          const range = document.createRange();
          range.selectNodeContents(source);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          button.textContent = "Selected: press Ctrl+C";
        }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form.reset-form, form.password-form")) {
      wireResetForm(form);
    }
    wireDialogs();
    wireCopyButtons();
  });
})();
