// Interactive documentation for the Mailwright REST API, built from /api/v1/openapi.json.
// Self-contained (no CDN, no inline script, no innerHTML): it works offline and under a
// Content-Security-Policy of script-src 'self'. Every text from the document goes into the page
// through textContent, so a description can never inject markup.
"use strict";

(function () {
  const SPEC_URL = "/api/v1/openapi.json";
  const METHODS = ["get", "post", "put", "patch", "delete"];
  let spec = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function resolve(schema) {
    let current = schema || {};
    for (let depth = 0; current.$ref && depth < 20; depth++) {
      const name = current.$ref.split("/").pop();
      current = (spec.components && spec.components.schemas && spec.components.schemas[name]) || {};
    }
    return current;
  }

  function refName(schema) {
    return schema && schema.$ref ? schema.$ref.split("/").pop() : null;
  }

  function nonNull(schema) {
    const options = schema.anyOf || schema.oneOf;
    if (!options) return schema;
    const rest = options.filter((s) => s.type !== "null");
    return rest.length === 1 ? rest[0] : schema;
  }

  function typeText(schema) {
    const name = refName(schema);
    if (name) return name;
    const s = resolve(schema);
    if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map(typeText).join(" | ");
    if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
    if (s.type === "array") return typeText(s.items || {}) + "[]";
    if (s.type === "object" && s.additionalProperties && s.additionalProperties !== true) {
      return "{string: " + typeText(s.additionalProperties) + "}";
    }
    return s.format ? s.type + " (" + s.format + ")" : s.type || "any";
  }

  function example(schema, depth) {
    const s = nonNull(resolve(schema));
    if (depth > 6) return null;
    if (s.examples && s.examples.length) return s.examples[0];
    if (s.default !== undefined) return s.default;
    if (s.enum) return s.enum[0];
    if (s.anyOf || s.oneOf) return example((s.anyOf || s.oneOf)[0], depth + 1);
    switch (s.type) {
      case "object": {
        const value = {};
        for (const [key, sub] of Object.entries(s.properties || {})) {
          value[key] = example(sub, depth + 1);
        }
        return value;
      }
      case "array":
        return [example(s.items || {}, depth + 1)];
      case "integer":
      case "number":
        return s.minimum || 0;
      case "boolean":
        return false;
      case "string":
        return s.format === "date-time" ? new Date().toISOString() : "string";
      default:
        return null;
    }
  }

  function schemaTable(schema) {
    const s = resolve(schema);
    if (s.type !== "object" || !s.properties) {
      return el("p", {}, el("code", { text: typeText(schema) }));
    }
    const required = new Set(s.required || []);
    const rows = Object.entries(s.properties).map(([key, sub]) =>
      el("tr", {},
        el("td", {}, el("code", { text: key }), required.has(key) ? " *" : ""),
        el("td", {}, el("code", { text: typeText(sub) })),
        el("td", { text: sub.description || resolve(sub).description || "" })));
    return el("table", { class: "fields" },
      el("thead", {}, el("tr", {}, el("th", { text: "field" }), el("th", { text: "type" }),
        el("th", { text: "description" }))),
      el("tbody", {}, rows));
  }

  function operationId(method, path) {
    return "op-" + method + path.replace(/[^a-zA-Z0-9]+/g, "-");
  }

  function tryItForm(method, path, op) {
    const form = el("form", { class: "try" });
    const inputs = [];
    for (const param of op.parameters || []) {
      const id = operationId(method, path) + "-" + param.in + "-" + param.name;
      const input = el("input", { id, name: param.name, placeholder: String(example(param.schema, 0) ?? "") });
      inputs.push({ param, input });
      form.append(el("label", { for: id }, param.name + " (" + param.in + (param.required ? ", required" : "") + ")"), input);
    }
    let body = null;
    const content = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
    if (content) {
      const id = operationId(method, path) + "-body";
      body = el("textarea", { id, rows: 8, spellcheck: "false" });
      body.value = JSON.stringify(example(content.schema, 0), null, 2);
      form.append(el("label", { for: id, text: "Request body (JSON)" }), body);
    }
    const output = el("pre", { class: "output", hidden: true });
    form.append(el("button", { type: "submit", text: "Send" }), output);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      let url = (spec.servers && spec.servers[0] ? spec.servers[0].url : "") + path;
      const query = new URLSearchParams();
      for (const { param, input } of inputs) {
        if (input.value === "") continue;
        if (param.in === "path") url = url.replace("{" + param.name + "}", encodeURIComponent(input.value));
        else if (param.in === "query") query.append(param.name, input.value);
      }
      if ([...query].length) url += "?" + query.toString();
      const headers = { Accept: "application/json" };
      const key = document.getElementById("api-key").value.trim();
      if (key) headers.Authorization = "Bearer " + key;
      const init = { method: method.toUpperCase(), headers };
      if (body) {
        headers["Content-Type"] = "application/json";
        init.body = body.value;
      }
      output.hidden = false;
      output.textContent = method.toUpperCase() + " " + url + "\n…";
      try {
        const response = await fetch(url, init);
        const text = await response.text();
        let shown = text;
        try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* not JSON */ }
        output.textContent = method.toUpperCase() + " " + url + "\n" + response.status + " " +
          response.statusText + "  (" + (response.headers.get("content-type") || "no body") + ")\n\n" + shown;
      } catch (error) {
        output.textContent = method.toUpperCase() + " " + url + "\n" + String(error);
      }
    });
    return form;
  }

  function renderOperation(method, path, op) {
    const id = operationId(method, path);
    const server = spec.servers && spec.servers[0] ? spec.servers[0].url : "";
    const section = el("section", { class: "operation", id },
      el("h3", {}, el("span", { class: "method " + method, text: method.toUpperCase() }), " ",
        el("code", { text: server + path })),
      el("p", { class: "summary", text: op.summary || "" }),
      op.description && op.description !== op.summary ? el("p", { text: op.description }) : null);
    if (op.parameters && op.parameters.length) {
      section.append(el("h4", { text: "Parameters" }), el("table", { class: "fields" },
        el("tbody", {}, op.parameters.map((p) => el("tr", {},
          el("td", {}, el("code", { text: p.name }), p.required ? " *" : ""),
          el("td", { text: p.in }),
          el("td", {}, el("code", { text: typeText(p.schema || {}) })),
          el("td", { text: p.description || "" }))))));
    }
    const content = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
    if (content) {
      section.append(el("h4", {}, "Request body ", el("code", { text: typeText(content.schema) })),
        schemaTable(content.schema));
    }
    const responses = Object.entries(op.responses || {}).map(([code, response]) => {
      const media = response.content ? Object.keys(response.content)[0] : null;
      const schema = media ? response.content[media].schema : null;
      return el("li", {}, el("strong", { text: code }), " ", response.description || "",
        schema ? [" — ", el("code", { text: typeText(schema) }), " (" + media + ")"] : "");
    });
    section.append(el("h4", { text: "Responses" }), el("ul", { class: "responses" }, responses));
    const success = Object.entries(op.responses || {}).find(([code]) => code.startsWith("2"));
    const successSchema = success && success[1].content && success[1].content["application/json"];
    if (successSchema) {
      section.append(el("details", {}, el("summary", { text: "Response fields" }),
        schemaTable(successSchema.schema)));
    }
    section.append(el("details", {}, el("summary", { text: "Try it" }), tryItForm(method, path, op)));
    return section;
  }

  function render() {
    document.getElementById("version").textContent = "v" + (spec.info.version || "");
    document.getElementById("description").textContent = spec.info.description || "";
    const main = document.getElementById("operations");
    const toc = document.getElementById("toc");
    main.replaceChildren();
    toc.replaceChildren();
    const groups = new Map((spec.tags || []).map((t) => [t.name, { tag: t, ops: [] }]));
    for (const [path, item] of Object.entries(spec.paths || {})) {
      for (const method of METHODS) {
        if (!item[method]) continue;
        const tag = (item[method].tags || ["other"])[0];
        if (!groups.has(tag)) groups.set(tag, { tag: { name: tag }, ops: [] });
        groups.get(tag).ops.push([method, path, item[method]]);
      }
    }
    for (const { tag, ops } of groups.values()) {
      if (!ops.length) continue;
      const list = el("ul", {}, ops.map(([method, path]) => el("li", {},
        el("a", { href: "#" + operationId(method, path) },
          el("span", { class: "method " + method, text: method.toUpperCase() }), " ", path))));
      toc.append(el("h2", { text: tag.name }), list);
      main.append(el("h2", { id: "tag-" + tag.name, text: tag.name }),
        tag.description ? el("p", { text: tag.description }) : null,
        ...ops.map(([method, path, op]) => renderOperation(method, path, op)));
    }
    const problem = spec.components && spec.components.schemas && spec.components.schemas.Problem;
    if (problem) {
      main.append(el("h2", { id: "problems", text: "Problem documents" }),
        el("p", { text: problem.description || "" }), schemaTable({ $ref: "#/components/schemas/Problem" }));
    }
  }

  fetch(SPEC_URL, { headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error(SPEC_URL + " answered " + response.status);
      return response.json();
    })
    .then((document_) => { spec = document_; render(); })
    .catch((error) => {
      document.getElementById("status").textContent = "Cannot load the API description: " + error;
    });
})();
